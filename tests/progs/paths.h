/* paths.h - libpaths_w.so (writes files, binds ports) and libpaths_r.so
 * (reads files, connects) for t105-paths (issue 17). */
#ifndef PATHS_H
#define PATHS_H

/* 0, or -errno */
int paths_w_write(const char *dir, const char *name);
int paths_w_writeat(int dfd, const char *rel); /* openat(dfd, rel, O_CREAT) */
int paths_w_listen(int port);  /* bind + listen on 127.0.0.1:port; fd or -errno */
int paths_r_read(const char *path);
int paths_r_create(const char *path); /* open(O_CREAT): the reader never does */
int paths_r_connect(int port); /* connect to 127.0.0.1:port; 0 or -errno */

#endif
