// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// tests/matrix/mx_node.js N DIR - the node workload of the matrix: files,
// crypto, zlib, JSON, timers and promises.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const zlib = require('zlib');

const n = parseInt(process.argv[2], 10);
const dir = process.argv[3];
const rows = [];
for (let i = 0; i < n; i++)
	rows.push({ id: i, k: crypto.createHash('md5').update(String(i)).digest('hex') });
const file = path.join(dir, 'node.json.gz');
fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(rows)));
const back = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString());
const h = crypto.createHash('sha256');
for (const r of back)
	h.update(r.k);
new Promise((resolve) => setTimeout(resolve, 20)).then(() => {
	console.log(`node: ${back.length} rows, ${h.digest('hex').slice(0, 12)}`);
});
