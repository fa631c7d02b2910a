/* args.h - the two libraries of the t040-args test program. */
#ifndef SF_TEST_ARGS_H
#define SF_TEST_ARGS_H

int args_a_read(const char *path);  /* libargs_a.so */
int args_b_work(const char *dir);   /* libargs_b.so */

#endif
