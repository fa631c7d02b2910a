/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * libsfstore.so - the demo's storage library: a tiny key-value store kept in
 * one file under a private temporary directory.  put() appends to a log;
 * compact() rewrites the table to a temporary file, fsyncs it and renames it
 * over the data file (the usual atomic-replace dance).
 */
#ifndef SFSTORE_H
#define SFSTORE_H

#include <stddef.h>

struct sfstore;

/* Create a store in a new directory under $TMPDIR (or /tmp).  NULL + errno. */
struct sfstore *sfstore__open(void);
/* 0 or -errno. */
int sfstore__put(struct sfstore *s, const char *key, const char *value);
/* Copies the value into buf; 0, -ENOENT or -errno. */
int sfstore__get(struct sfstore *s, const char *key, char *buf, size_t len);
/* Rewrite the data file from the log: write + fsync + rename.  0 or -errno. */
int sfstore__compact(struct sfstore *s);
/* Number of live keys in the data file, or -errno. */
long sfstore__count(struct sfstore *s);
/* Remove the files and the directory, free s. */
void sfstore__close(struct sfstore *s);

#endif /* SFSTORE_H */
