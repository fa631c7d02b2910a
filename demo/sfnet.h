/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * libsfnet.so - the demo's network library: a loopback TCP echo server on
 * its own thread (socket/bind/listen/accept4/recv/send) and a client
 * (socket/connect/send/recv).
 */
#ifndef SFNET_H
#define SFNET_H

#include <stddef.h>

struct sfnet;

/* Start the echo server on 127.0.0.1 (ephemeral port) and connect to it.
 * NULL + errno on failure. */
struct sfnet *sfnet__start(void);
/* Send len bytes, read the echo back into out.  0 or -errno. */
int sfnet__roundtrip(struct sfnet *n, const void *buf, size_t len, void *out);
/* Close the client; the server thread sees EOF and exits; join it. */
void sfnet__stop(struct sfnet *n);

#endif /* SFNET_H */
