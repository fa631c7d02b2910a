/* objtab.h - paths and ports seen by the BPF side (issue 17): the
 * resolution of each recorded object key, kept in user space.
 *
 * A relative path is resolved against the base directory the BPF side
 * named by walking its dentries when it first saw the key (the cwd or the
 * dirfd's file at the time of the call), so a process that changes its cwd
 * or closes the fd right after is still resolved.  Resolution is lexical:
 * "." and ".." are folded, symbolic links are not followed (the path is the
 * one the program named, which is what an operator writes). */
#ifndef SF_OBJTAB_H
#define SF_OBJTAB_H

#include "sysfence.h"

struct objtab;

struct objtab *objtab__new(void);
void objtab__free(struct objtab *t);
/* Remember the resolution of ev's key (first sight event).  0 or -errno. */
int objtab__add(struct objtab *t, const struct sf_event_object *ev);
/* Resolved absolute path of a key; NULL when unknown (no event was seen,
 * the base directory could not be walked) or not a path. */
const char *objtab__path(const struct objtab *t, const struct sf_obj_key *key);
/* Resolve ev's path: malloc'd absolute path, or NULL. */
char *objtab__resolve(const struct sf_event_object *ev);
/* Lexically normalise an absolute path in place ("//", ".", ".."). */
void objtab__normalize(char *path);

#endif
