/* argnames.h - symbolic names of argument values, per display class
 * (enum sf_arg_sym of bpf/sf_args.h): "O_WRONLY|O_CREAT|O_TRUNC",
 * "AF_INET", "PROT_READ|PROT_EXEC".  Constants come from the system
 * headers.  Pure; no allocation.
 */
#ifndef SF_ARGNAMES_H
#define SF_ARGNAMES_H

#include <stddef.h>
#include <stdint.h>

/* Format value of display class sym into buf (always NUL-terminated when
 * len > 0).  Flag classes join known bits with '|' and show unknown bits
 * as one hex number ("O_RDONLY|0x40000000"); value classes show the name
 * or, when unknown, the number (hex for ioctl requests and large values).
 * Returns the length the full text needs (like snprintf), or -EINVAL for
 * an unknown class (buf then holds the number). */
int argname__format(unsigned sym, uint64_t value, char *buf, size_t len);

/* setsockopt/getsockopt option names depend on the level: "TCP_NODELAY"
 * for (IPPROTO_TCP, 1), "SO_DEBUG" for (SOL_SOCKET, 1); SOL_SOCKET SO_*,
 * IPPROTO_TCP TCP_*, IPPROTO_IP IP_*, IPPROTO_IPV6 IPV6_*; an option of
 * another level, or one these tables do not name, is its number. */
int argname__format_sockopt(uint64_t level, uint64_t opt, char *buf, size_t len);

/* Inverse: "O_WRONLY|O_CREAT", "AF_INET", "0x40", "17" (names of class
 * sym, numbers in C syntax, joined by '|').  0 or -EINVAL. */
int argname__parse(unsigned sym, const char *text, uint64_t *out);

/* Name of a display class ("open-flags", "address-family", ...). */
const char *argname__class_name(unsigned sym);

#endif /* SF_ARGNAMES_H */
