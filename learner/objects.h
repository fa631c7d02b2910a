/* objects.h - paths and ports of a policy (issue 17): what each library's
 * calls named, as an operator would write it, and the process-wide union
 * that the Landlock floor enforces.  docs/paths.md.
 *
 * Pure C (no libbpf, no syscalls).  Same error contract as policy.h.
 */
#ifndef SF_OBJECTS_H
#define SF_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct policy;
struct policy_lib;
struct trace;

/* Access classes.  Bits 0..14 are Landlock's LANDLOCK_ACCESS_FS_* bits
 * (so the floor converts by masking); the others have no Landlock
 * counterpart and are kept for review only. */
enum obj_access {
	OBJ_EXEC = 1u << 0,
	OBJ_WRITE = 1u << 1,
	OBJ_READ = 1u << 2,
	OBJ_LIST = 1u << 3,       /* read a directory */
	OBJ_RMDIR = 1u << 4,
	OBJ_RMFILE = 1u << 5,
	OBJ_MKCHAR = 1u << 6,
	OBJ_MKDIR = 1u << 7,
	OBJ_MKFILE = 1u << 8,
	OBJ_MKSOCK = 1u << 9,
	OBJ_MKFIFO = 1u << 10,
	OBJ_MKBLOCK = 1u << 11,
	OBJ_MKSYM = 1u << 12,
	OBJ_REFER = 1u << 13,     /* rename/link across directories */
	OBJ_TRUNCATE = 1u << 14,
	OBJ_ATTR = 1u << 16,      /* chmod/chown: not a Landlock right */
	OBJ_CONNECT = 1u << 17,   /* connect to a UNIX socket path */
};
#define OBJ_LANDLOCK_MASK 0x7fffu
/* accesses that change the file system (a "writable" path) */
#define OBJ_WRITES (OBJ_WRITE | OBJ_RMDIR | OBJ_RMFILE | OBJ_MKCHAR | OBJ_MKDIR | \
		    OBJ_MKFILE | OBJ_MKSOCK | OBJ_MKFIFO | OBJ_MKBLOCK | OBJ_MKSYM | \
		    OBJ_REFER | OBJ_TRUNCATE | OBJ_ATTR)
#define OBJ_MAKES (OBJ_MKCHAR | OBJ_MKDIR | OBJ_MKFILE | OBJ_MKSOCK | OBJ_MKFIFO | \
		   OBJ_MKBLOCK | OBJ_MKSYM)

/* A path rule.  path: an absolute path (that file or directory, and, in
 * the floor, what is beneath a directory), "DIR/ **" without the space (everything beneath
 * DIR), or a pattern whose components may hold '*' (per-run names). */
struct policy_path {
	char *path;
	uint32_t access;      /* enum obj_access bits */
	const char *inferred; /* NULL = observed; else the rule that wrote it
			       * (static string: "system", "directory",
			       * "per-run-name") */
	uint32_t log_access;  /* the access bits only a violation log gave
			       * (merge POLICY LOG.jsonl): written as
			       * "source": "log" when not 0 */
};

#define PORT_BIND 1u
#define PORT_CONNECT 2u
#define ADDR_LOOPBACK 1u
#define ADDR_ANY 2u
#define ADDR_OTHER 4u
/* The kernel's default ephemeral range (net.ipv4.ip_local_port_range):
 * a learned port in it was picked by the kernel (bind to port 0, then a
 * connect to it), so the policy allows the range, marked inferred
 * "ephemeral".  Landlock cannot express a range: a floor with one does not
 * restrict that access (said when it is built). */
#define PORT_EPHEMERAL_FIRST 32768
#define PORT_EPHEMERAL_LAST 60999
struct policy_port {
	uint16_t port;
	uint16_t last;   /* 0: the one port; else the range [port, last] */
	uint8_t access;  /* PORT_* */
	uint8_t addrs;   /* ADDR_* seen (informative: Landlock restricts ports) */
	uint8_t log_access; /* PORT_* bits only a violation log gave */
};

/* Per library objects, hung on struct policy_lib. */
struct policy_objs {
	struct policy_path *paths; /* canonical: sorted by path, unique */
	size_t npaths;
	struct policy_port *ports; /* sorted by port, unique */
	size_t nports;
	uint64_t unresolved;       /* relative paths whose base was unknown */
};

/* Generalisation levels of paths (the --generalize levels): none = the
 * observed paths; standard = directories, per-run names and system
 * locations (docs/paths.md); broad = standard with a lower threshold. */
enum objs_level { OBJS_STANDARD = 0, OBJS_NONE = 1, OBJS_BROAD = 2 };

/* Access name table ("read", "make-file", ...): names[i] for bit i, NULL
 * for unused bits.  objects__access_parse: bit mask or 0 when unknown. */
const char *objects__access_name(unsigned bit);
uint32_t objects__access_parse(const char *name);
/* "read,write" into buf. */
void objects__access_str(uint32_t access, char *buf, size_t len);

void objects__free(struct policy_objs *o);
/* Add one rule (folded with an existing one for the same path). */
int objects__add_path(struct policy_objs *o, const char *path, uint32_t access,
		      const char *inferred);
int objects__add_port(struct policy_objs *o, uint16_t port, uint16_t last, uint8_t access,
		      uint8_t addrs);
/* A port a violation log gave (the access is marked as coming from the
 * log until something observed gives it too). */
int objects__add_port_log(struct policy_objs *o, uint16_t port, uint16_t last, uint8_t access,
			  uint8_t addrs);
/* Mark the rule for path (all its access) as coming from a log. */
void objects__mark_path_log(struct policy_objs *o, const char *path);
/* Mark every rule of o as coming from a violation log. */
void objects__mark_from_log(struct policy_objs *o);
/* Sort, fold duplicates, drop rules another rule of the set covers. */
int objects__canonicalize(struct policy_objs *o);
/* Union src into dst. */
int objects__merge(struct policy_objs *dst, const struct policy_objs *src);
/* Does rule pattern `pat` cover path `path` (same syntax)? */
bool objects__covers(const char *pat, const char *path);

/* Does a rule with this access on path let the program change a
 * directory's entries or what is beneath it (a "writable directory"):
 * making, removing, renaming entries, or writing beneath DIR/ "**" or a
 * pattern?  diff ranks a new one HIGH; score counts them. */
/* The names of a port rule's accesses ("bind", "connect") and address
 * classes ("any", "loopback", "other"), in the policy file's order, into
 * acc[2] and addr[3]; *na and *nd their counts.  One list for the policy
 * writer and show. */
void objects__port_names(const struct policy_port *pt, const char *acc[2], size_t *na,
			 const char *addr[3], size_t *nd);
bool objects__writable_dir(const char *path, uint32_t access);

/* What one recorded path call needs (the x86_64 syscall nr, which path
 * argument, its flags argument, the resolved path): *self on the path,
 * *dir on its directory (docs/paths.md, "What is recorded"). */
void objects__call_access(uint32_t nr, uint32_t slot, uint32_t flags, const char *path,
			  uint32_t *self, uint32_t *dir);

/* The floor's baseline, whatever was learned: devices without state and
 * locale and time-zone data (docs/paths.md).  The Landlock floor and the
 * path checks both use it.  0 or -ENOMEM. */
int objects__add_baseline(struct policy_objs *o);

/* Path check (enforce, detection): the access of a call on path (self)
 * and on its directory (dir) that the rules of o do not grant, read as
 * the floor reads them (a rule on a directory covers what is beneath it;
 * write implies truncate; /proc/PID is /proc/self).  0 when granted. */
uint32_t objects__missing(const struct policy_objs *o, const char *path, uint32_t self,
			  uint32_t dir);

/* What a set of rules grants, in numbers (score, show). */
struct objs_summary {
	size_t npaths;         /* path rules */
	size_t nwritable;      /* rules with a write access (OBJ_WRITES) */
	size_t nwritable_dirs; /* of them, writable directories (above) */
	size_t nexec;          /* rules with execute */
	size_t nlog;           /* rules with access from a violation log */
	size_t nports;         /* port rules (a range counts once) */
	size_t nbind;          /* of them, bind */
};
void objects__summarize(const struct policy_objs *o, struct objs_summary *s);

/* Fill the libraries of p (built from t: libmap[trace lib] = policy lib
 * or -1) with the trace's objects, generalised at level. */
int objects__from_trace(struct policy *p, const struct trace *t, const int *libmap,
			unsigned level);
/* The process-wide union of all libraries' objects (canonical). */
int objects__union(const struct policy *p, struct policy_objs *out);

#endif /* SF_OBJECTS_H */
