/* objects.c - paths and ports of a policy: from trace objects to rules an
 * operator would write, their union, their merge (see objects.h and
 * docs/paths.md).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects.h"
#include "policy.h"
#include "trace.h"

/* ---- access names -------------------------------------------------------- */

static const char *const access_names[32] = {
	[0] = "execute", [1] = "write", [2] = "read", [3] = "list",
	[4] = "remove-dir", [5] = "remove-file", [6] = "make-char",
	[7] = "make-dir", [8] = "make-file", [9] = "make-sock",
	[10] = "make-fifo", [11] = "make-block", [12] = "make-sym",
	[13] = "refer", [14] = "truncate", [16] = "attr", [17] = "connect",
};

const char *objects__access_name(unsigned bit)
{
	return bit < 32 ? access_names[bit] : NULL;
}

uint32_t objects__access_parse(const char *name)
{
	for (unsigned i = 0; i < 32; i++)
		if (access_names[i] && !strcmp(access_names[i], name))
			return 1u << i;
	return 0;
}

void objects__access_str(uint32_t access, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 32 && o < len; i++) {
		if (!(access & (1u << i)) || !access_names[i])
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "", access_names[i]);
	}
}

/* ---- model ---------------------------------------------------------------- */

void objects__free(struct policy_objs *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->npaths; i++)
		free(o->paths[i].path);
	free(o->paths);
	free(o->ports);
	memset(o, 0, sizeof(*o));
}

/* The log mark of a folded rule: bits a log gives and nothing observed
 * gave are marked; bits something observed gives are not. */
static uint32_t fold_log(uint32_t old_access, uint32_t old_log, uint32_t access, uint32_t log)
{
	uint32_t observed = (old_access & ~old_log) | (access & ~log);

	return (old_log | log) & ~observed;
}

static int add_path(struct policy_objs *o, const char *path, uint32_t access,
		    const char *inferred, uint32_t log)
{
	struct policy_path *n;

	if (!path || path[0] != '/' || !access)
		return -EINVAL;
	for (size_t i = 0; i < o->npaths; i++) {
		if (strcmp(o->paths[i].path, path))
			continue;
		/* observed wins over inferred: the path was seen as such */
		if (!inferred || (o->paths[i].access & access) != access)
			o->paths[i].inferred = o->paths[i].inferred && inferred ? o->paths[i].inferred
										 : NULL;
		if ((o->paths[i].access | access) != o->paths[i].access && inferred &&
		    o->paths[i].inferred)
			o->paths[i].inferred = inferred;
		o->paths[i].log_access = fold_log(o->paths[i].access, o->paths[i].log_access,
						  access, log);
		o->paths[i].access |= access;
		return 0;
	}
	n = realloc(o->paths, (o->npaths + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	o->paths = n;
	n[o->npaths].path = strdup(path);
	if (!n[o->npaths].path)
		return -ENOMEM;
	n[o->npaths].access = access;
	n[o->npaths].inferred = inferred;
	n[o->npaths].log_access = log & access;
	o->npaths++;
	return 0;
}

int objects__add_path(struct policy_objs *o, const char *path, uint32_t access,
		      const char *inferred)
{
	return add_path(o, path, access, inferred, 0);
}

static int add_port(struct policy_objs *o, uint16_t port, uint16_t last, uint8_t access,
		    uint8_t addrs, uint8_t log)
{
	struct policy_port *n;

	if (last && last <= port)
		return -EINVAL;
	for (size_t i = 0; i < o->nports; i++) {
		if (o->ports[i].port == port && o->ports[i].last == last) {
			o->ports[i].log_access = (uint8_t)fold_log(o->ports[i].access,
								   o->ports[i].log_access,
								   access, log);
			o->ports[i].access |= access;
			o->ports[i].addrs |= addrs;
			return 0;
		}
	}
	n = realloc(o->ports, (o->nports + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	o->ports = n;
	n[o->nports++] = (struct policy_port){ port, last, access, addrs, (uint8_t)(log & access) };
	return 0;
}

int objects__add_port(struct policy_objs *o, uint16_t port, uint16_t last, uint8_t access,
		      uint8_t addrs)
{
	return add_port(o, port, last, access, addrs, 0);
}

int objects__add_port_log(struct policy_objs *o, uint16_t port, uint16_t last, uint8_t access,
			  uint8_t addrs)
{
	return add_port(o, port, last, access, addrs, access);
}

void objects__mark_path_log(struct policy_objs *o, const char *path)
{
	for (size_t i = 0; i < o->npaths; i++)
		if (!strcmp(o->paths[i].path, path))
			o->paths[i].log_access = o->paths[i].access;
}

void objects__mark_from_log(struct policy_objs *o)
{
	for (size_t i = 0; i < o->npaths; i++)
		o->paths[i].log_access = o->paths[i].access;
	for (size_t i = 0; i < o->nports; i++)
		o->ports[i].log_access = o->ports[i].access;
}

/* "D/" + "**" covers everything beneath D; a pattern covers what fnmatch
 * matches component-wise; a plain path covers itself. */
bool objects__covers(const char *pat, const char *path)
{
	size_t n = strlen(pat);

	if (!strcmp(pat, path))
		return true;
	if (n >= 3 && !strcmp(pat + n - 3, "/**")) {
		size_t d = n - 3;

		if (d == 0) /* the root */
			return true;
		if (!strncmp(pat, path, d) && path[d] == '/')
			return true;
		/* a pattern directory ("/proc/" "*" "/" "**") */
		if (memchr(pat, '*', d)) {
			char *dir = strndup(pat, d);
			const char *p = path;
			bool ok = false;

			if (!dir)
				return false;
			/* match dir against each ancestor prefix of path */
			for (const char *s = strchr(p + 1, '/'); s && !ok; s = strchr(s + 1, '/')) {
				char *pre = strndup(p, (size_t)(s - p));

				if (pre)
					ok = !fnmatch(dir, pre, FNM_PATHNAME | FNM_PERIOD);
				free(pre);
			}
			free(dir);
			return ok;
		}
		return false;
	}
	if (strchr(pat, '*'))
		return !fnmatch(pat, path, FNM_PATHNAME | FNM_PERIOD);
	return false;
}

void objects__port_names(const struct policy_port *pt, const char *acc[2], size_t *na,
			 const char *addr[3], size_t *nd)
{
	*na = *nd = 0;
	if (pt->access & PORT_BIND)
		acc[(*na)++] = "bind";
	if (pt->access & PORT_CONNECT)
		acc[(*na)++] = "connect";
	if (pt->addrs & ADDR_ANY)
		addr[(*nd)++] = "any";
	if (pt->addrs & ADDR_LOOPBACK)
		addr[(*nd)++] = "loopback";
	if (pt->addrs & ADDR_OTHER)
		addr[(*nd)++] = "other";
}

bool objects__writable_dir(const char *path, uint32_t access)
{
	size_t n = strlen(path);
	bool dir_like = (n >= 3 && !strcmp(path + n - 3, "/**")) || strchr(path, '*');

	return (access & (OBJ_MAKES | OBJ_RMFILE | OBJ_RMDIR | OBJ_REFER)) ||
	       (dir_like && (access & OBJ_WRITES));
}

void objects__summarize(const struct policy_objs *o, struct objs_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < o->npaths; i++) {
		const struct policy_path *pp = &o->paths[i];

		s->npaths++;
		s->nwritable += !!(pp->access & OBJ_WRITES);
		s->nwritable_dirs += objects__writable_dir(pp->path, pp->access);
		s->nexec += !!(pp->access & OBJ_EXEC);
		s->nlog += !!pp->log_access;
	}
	for (size_t i = 0; i < o->nports; i++) {
		s->nports++;
		s->nbind += !!(o->ports[i].access & PORT_BIND);
		s->nlog += !!o->ports[i].log_access;
	}
}

static int path_qcmp(const void *a, const void *b)
{
	return strcmp(((const struct policy_path *)a)->path, ((const struct policy_path *)b)->path);
}

static int port_qcmp(const void *a, const void *b)
{
	const struct policy_port *x = a, *y = b;

	if (x->port != y->port)
		return (x->port > y->port) - (x->port < y->port);
	return (x->last > y->last) - (x->last < y->last);
}

int objects__canonicalize(struct policy_objs *o)
{
	size_t w = 0;

	if (o->npaths > 1)
		qsort(o->paths, o->npaths, sizeof(*o->paths), path_qcmp);
	/* fold equal paths */
	for (size_t r = 0; r < o->npaths; r++) {
		if (w && !strcmp(o->paths[w - 1].path, o->paths[r].path)) {
			o->paths[w - 1].log_access = fold_log(o->paths[w - 1].access,
							      o->paths[w - 1].log_access,
							      o->paths[r].access,
							      o->paths[r].log_access);
			o->paths[w - 1].access |= o->paths[r].access;
			if (!o->paths[r].inferred)
				o->paths[w - 1].inferred = NULL;
			free(o->paths[r].path);
			continue;
		}
		o->paths[w++] = o->paths[r];
	}
	o->npaths = w;
	/* drop what another rule covers with at least its access */
	w = 0;
	for (size_t r = 0; r < o->npaths; r++) {
		bool covered = false;

		for (size_t k = 0; k < o->npaths && !covered; k++)
			covered = k != r && o->paths[k].path &&
				  (o->paths[r].access & ~o->paths[k].access) == 0 &&
				  objects__covers(o->paths[k].path, o->paths[r].path) &&
				  !objects__covers(o->paths[r].path, o->paths[k].path);
		if (covered) {
			free(o->paths[r].path);
			o->paths[r].path = NULL;
		}
	}
	for (size_t r = 0; r < o->npaths; r++)
		if (o->paths[r].path)
			o->paths[w++] = o->paths[r];
	o->npaths = w;
	if (o->nports > 1)
		qsort(o->ports, o->nports, sizeof(*o->ports), port_qcmp);
	w = 0;
	for (size_t r = 0; r < o->nports; r++) {
		if (w && o->ports[w - 1].port == o->ports[r].port &&
		    o->ports[w - 1].last == o->ports[r].last) {
			o->ports[w - 1].log_access = (uint8_t)fold_log(o->ports[w - 1].access,
								       o->ports[w - 1].log_access,
								       o->ports[r].access,
								       o->ports[r].log_access);
			o->ports[w - 1].access |= o->ports[r].access;
			o->ports[w - 1].addrs |= o->ports[r].addrs;
			continue;
		}
		o->ports[w++] = o->ports[r];
	}
	o->nports = w;
	return 0;
}

int objects__merge(struct policy_objs *dst, const struct policy_objs *src)
{
	int rc;

	for (size_t i = 0; i < src->npaths; i++)
		if ((rc = add_path(dst, src->paths[i].path, src->paths[i].access,
				   src->paths[i].inferred, src->paths[i].log_access)))
			return rc;
	for (size_t i = 0; i < src->nports; i++)
		if ((rc = add_port(dst, src->ports[i].port, src->ports[i].last,
				   src->ports[i].access, src->ports[i].addrs,
				   src->ports[i].log_access)))
			return rc;
	dst->unresolved += src->unresolved;
	return objects__canonicalize(dst);
}

int objects__union(const struct policy *p, struct policy_objs *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->nlibs; i++)
		if ((rc = objects__merge(out, &p->libs[i].objs))) {
			objects__free(out);
			return rc;
		}
	return 0;
}

/* ---- from trace objects to access atoms ------------------------------------ */

/* x86_64 numbers (the trace records numbers) */
enum {
	X_OPEN = 2, X_CONNECT = 42, X_BIND = 49, X_EXECVE = 59, X_TRUNCATE = 76,
	X_RENAME = 82, X_MKDIR = 83, X_RMDIR = 84, X_CREAT = 85, X_LINK = 86,
	X_UNLINK = 87, X_SYMLINK = 88, X_CHMOD = 90, X_CHOWN = 92, X_LCHOWN = 94,
	X_MKNOD = 133, X_OPENAT = 257, X_MKDIRAT = 258, X_MKNODAT = 259,
	X_FCHOWNAT = 260, X_UNLINKAT = 263, X_RENAMEAT = 264, X_LINKAT = 265,
	X_SYMLINKAT = 266, X_FCHMODAT = 268, X_RENAMEAT2 = 316, X_EXECVEAT = 322,
	X_OPENAT2 = 437, X_FCHMODAT2 = 452,
};
#define X_O_ACCMODE 03
#define X_O_WRONLY 01
#define X_O_RDWR 02
#define X_O_CREAT 0100
#define X_O_TRUNC 01000
#define X_O_DIRECTORY 0200000
#define X_O_PATH 010000000
#define X_AT_REMOVEDIR 0x200
#define PATH_MAX_OBJ 4096

struct atom {
	char *path;
	uint32_t access;
	const char *inferred; /* NULL, or "per-run-name" once rewritten */
};

struct atoms {
	struct atom *v;
	size_t n, cap;
};

static int atoms_add(struct atoms *a, const char *path, size_t len, uint32_t access)
{
	if (!access)
		return 0;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct atom *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n].path = len ? strndup(path, len) : strdup("/");
	if (!a->v[a->n].path)
		return -ENOMEM;
	a->v[a->n].inferred = NULL;
	a->v[a->n++].access = access;
	return 0;
}

/* the directory of an absolute path: length of its prefix (0 = "/") */
static size_t parent_len(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? (size_t)(s - path) : 0;
}

/* What one observed path call needs: accesses on the path itself (self)
 * and on its directory (dir). */
static void call_access(uint32_t nr, uint32_t slot, uint32_t flags, uint32_t *self, uint32_t *dir)
{
	*self = *dir = 0;
	switch (nr) {
	case X_OPEN: case X_OPENAT: case X_OPENAT2:
		if (flags & X_O_PATH)
			return; /* no access is checked on an O_PATH open */
		if ((flags & X_O_ACCMODE) == X_O_WRONLY)
			*self = OBJ_WRITE;
		else if ((flags & X_O_ACCMODE) == X_O_RDWR)
			*self = OBJ_READ | OBJ_WRITE;
		else
			*self = flags & X_O_DIRECTORY ? OBJ_LIST : OBJ_READ;
		if (flags & X_O_TRUNC)
			*self |= OBJ_TRUNCATE;
		if (flags & X_O_CREAT)
			*dir = OBJ_MKFILE;
		return;
	case X_CREAT: *self = OBJ_WRITE | OBJ_TRUNCATE; *dir = OBJ_MKFILE; return;
	case X_EXECVE: case X_EXECVEAT: *self = OBJ_EXEC | OBJ_READ; return;
	case X_MKDIR: case X_MKDIRAT: *dir = OBJ_MKDIR; return;
	case X_RMDIR: *dir = OBJ_RMDIR; return;
	case X_UNLINK: *dir = OBJ_RMFILE; return;
	case X_UNLINKAT: *dir = flags & X_AT_REMOVEDIR ? OBJ_RMDIR : OBJ_RMFILE; return;
	case X_RENAME: case X_RENAMEAT: case X_RENAMEAT2:
		/* the destination may replace a file: remove there too */
		*dir = slot ? OBJ_MKFILE | OBJ_RMFILE | OBJ_REFER : OBJ_RMFILE | OBJ_REFER;
		return;
	case X_LINK: case X_LINKAT: *dir = slot ? OBJ_MKFILE | OBJ_REFER : OBJ_REFER; return;
	case X_SYMLINK: case X_SYMLINKAT: *dir = OBJ_MKSYM; return;
	case X_MKNOD: case X_MKNODAT: *dir = OBJ_MKFILE | OBJ_MKFIFO | OBJ_MKSOCK; return;
	case X_CHMOD: case X_CHOWN: case X_LCHOWN: case X_FCHOWNAT: case X_FCHMODAT:
	case X_FCHMODAT2:
		*self = OBJ_ATTR;
		return;
	case X_TRUNCATE: *self = OBJ_WRITE | OBJ_TRUNCATE; return;
	case X_BIND: *dir = OBJ_MKSOCK; return;       /* AF_UNIX */
	case X_CONNECT: *self = OBJ_CONNECT; return;  /* AF_UNIX */
	}
}

/* A device node: a file directly in /dev (/dev/null, /dev/urandom), not
 * what lives in /dev's file-system directories (/dev/shm/PostgreSQL.123,
 * /dev/mqueue, /dev/pts/3), which are generalised like any other. */
static bool dev_node(const char *path)
{
	return !strncmp(path, "/dev/", 5) && !strchr(path + 5, '/');
}

void objects__call_access(uint32_t nr, uint32_t slot, uint32_t flags, const char *path,
			  uint32_t *self, uint32_t *dir)
{
	call_access(nr, slot, flags, self, dir);
	/* O_CREAT on a device node never creates it */
	if (path && dev_node(path) && nr != X_BIND)
		*dir &= ~OBJ_MKFILE;
}

static const struct { const char *path; uint32_t access; } baseline[] = {
	{ "/dev/null", OBJ_READ | OBJ_WRITE | OBJ_TRUNCATE },
	{ "/dev/zero", OBJ_READ | OBJ_WRITE },
	{ "/dev/full", OBJ_READ | OBJ_WRITE },
	{ "/dev/random", OBJ_READ },
	{ "/dev/urandom", OBJ_READ },
	{ "/usr/lib/locale", OBJ_READ | OBJ_LIST },
	{ "/usr/share/locale", OBJ_READ | OBJ_LIST },
	{ "/usr/share/zoneinfo", OBJ_READ | OBJ_LIST },
	{ "/etc/localtime", OBJ_READ },
	{ "/etc/locale.alias", OBJ_READ },
	/* malloc counts the CPUs when it makes a new arena ([libc-alloc]) */
	{ "/sys/devices/system/cpu/online", OBJ_READ },
};

int objects__add_baseline(struct policy_objs *o)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < sizeof(baseline) / sizeof(baseline[0]); i++)
		rc = objects__add_path(o, baseline[i].path, baseline[i].access, NULL);
	return rc;
}

/* access the rules grant on path, as the floor reads them: a rule is on
 * its path, "DIR/" "**" is a rule on DIR, and a rule on a directory also
 * grants what is beneath it (Landlock is hierarchical: make-file on DIR
 * is making entries in DIR and below) */
static uint32_t granted(const struct policy_objs *o, const char *path)
{
	uint32_t g = 0;
	char pat[PATH_MAX_OBJ + 4];

	for (size_t i = 0; i < o->npaths; i++) {
		const char *r = o->paths[i].path;
		size_t n = strlen(r);

		if ((o->paths[i].access & ~g) == 0)
			continue;
		if (n >= 3 && !strcmp(r + n - 3, "/**"))
			n -= 3; /* the directory itself */
		if (n + 4 > sizeof(pat))
			continue;
		memcpy(pat, r, n);
		pat[n] = '\0';
		if (n && objects__covers(pat, path)) {
			g |= o->paths[i].access;
			continue;
		}
		strcpy(pat + (n == 1 ? 0 : n), "/**"); /* "/" is "/" "**" */
		if (objects__covers(pat, path))
			g |= o->paths[i].access;
	}
	if (g & OBJ_WRITE)
		g |= OBJ_TRUNCATE;
	return g;
}

uint32_t objects__missing(const struct policy_objs *o, const char *path, uint32_t self,
			  uint32_t dir)
{
	char buf[PATH_MAX_OBJ];
	uint32_t miss = 0;
	size_t pl;

	if (!path || path[0] != '/' || strlen(path) >= sizeof(buf))
		return 0; /* nothing a rule could name: not judged */
	/* /proc/PID/... and /proc/thread-self/... as the generaliser writes
	 * them */
	if (!strncmp(path, "/proc/", 6) && (isdigit((unsigned char)path[6]) ||
					    !strncmp(path + 6, "thread-self/", 12))) {
		const char *rest = strchr(path + 6, '/');

		snprintf(buf, sizeof(buf), "/proc/self%s", rest ? rest : "");
	} else {
		snprintf(buf, sizeof(buf), "%s", path);
	}
	if (self)
		miss |= self & ~granted(o, buf);
	if (dir) {
		pl = parent_len(buf);
		buf[pl ? pl : 1] = '\0';
		miss |= dir & ~granted(o, buf);
	}
	return miss;
}

/* ---- generalisation ------------------------------------------------------------ */

/* System locations: read-only (and execute) use of what is beneath them is
 * written as "PREFIX**" (marked inferred "system"). */
static const char *const system_dirs[] = {
	"/usr/lib/", "/lib/", "/lib64/", "/usr/lib64/", "/usr/share/", "/usr/local/lib/",
	"/usr/lib32/", NULL,
};
#define SYSTEM_ACCESS (OBJ_READ | OBJ_LIST | OBJ_EXEC)

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A random token as mkstemp/mkdtemp/tempfile write them: 6+ characters
 * of [A-Za-z0-9] with a digit and a letter, and either both cases or 3+
 * changes between letters and digits ("a1b2c3", "k3j9x2la"; not "x86",
 * "utf8", "sha256"). */
static bool random_token(const char *s, size_t n)
{
	bool dig = false, up = false, lo = false;
	int changes = 0, prev = 0;

	if (n < 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int cls;

		if (isdigit(c))
			dig = true, cls = 1;
		else if (isupper(c))
			up = true, cls = 2;
		else if (islower(c))
			lo = true, cls = 2;
		else
			return false;
		changes += prev && prev != cls;
		prev = cls;
	}
	return dig && (up || lo) && ((up && lo) || changes >= 3);
}

/* Rewrite one path component with per-run parts as '*': a numeric
 * component (a pid), runs of 4+ digits, a number between dots after a
 * letter (rotations "x.log.1", "x.log.2.gz", "appendonly.aof.3.incr.aof";
 * not versions "3.11", nor anything in a shared object name "libz.so.1"),
 * random tokens after '-', '.', '_' or a "tmp" prefix (mkstemp, mkdtemp,
 * tempfile).  out has room for n + 2; returns true when something changed. */
static bool generalise_component(const char *c, size_t n, char *out)
{
	size_t o = 0, i = 0;
	bool changed = false, so = false;

	if (all_digits(c, n)) {
		out[0] = '*';
		out[1] = '\0';
		return true;
	}
	for (size_t k = 0; k + 3 <= n; k++)
		so |= !strncmp(c + k, ".so", 3) && (k + 3 == n || c[k + 3] == '.');
	while (i < n) {
		size_t j = i;
		bool after_sep = i == 0 || c[i - 1] == '-' || c[i - 1] == '.' || c[i - 1] == '_' ||
				 (i == 3 && !strncmp(c, "tmp", 3));

		while (j < n && isdigit((unsigned char)c[j]))
			j++;
		if (j - i >= 4 ||
		    (j > i && !so && i >= 2 && c[i - 1] == '.' && isalpha((unsigned char)c[i - 2]) &&
		     (j == n || c[j] == '.'))) {
			if (!o || out[o - 1] != '*')
				out[o++] = '*';
			changed = true;
			i = j;
			continue;
		}
		if (after_sep) {
			size_t k = i;

			while (k < n && isalnum((unsigned char)c[k]))
				k++;
			if (k > i && random_token(c + i, k - i) && !(i == 0 && k == n)) {
				if (!o || out[o - 1] != '*')
					out[o++] = '*';
				changed = true;
				i = k;
				continue;
			}
		}
		out[o++] = c[i++];
	}
	out[o] = '\0';
	return changed;
}

/* path with per-run components rewritten; NULL when unchanged (or no
 * memory: *err set) */
static char *generalise_names(const char *path, int *err)
{
	size_t n = strlen(path);
	char *out = malloc(2 * n + 4), *comp = malloc(2 * n + 4);
	const char *p = path;
	size_t o = 0;
	bool changed = false;

	if (!out || !comp) {
		free(out);
		free(comp);
		*err = -ENOMEM;
		return NULL;
	}
	while (*p) {
		const char *s;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		/* a component of a system location keeps its name */
		changed |= generalise_component(s, (size_t)(p - s), comp);
		out[o++] = '/';
		memcpy(out + o, comp, strlen(comp));
		o += strlen(comp);
	}
	out[o] = '\0';
	free(comp);
	if (!changed) {
		free(out);
		return NULL;
	}
	return out;
}

/* Directories every program shares (world-writable, sticky): a write
 * rule there stays a file or a per-run name, never DIR/ "**" (another
 * program's files are beneath).  /tmp is also above the depth limit. */
static bool shared_dir(const char *path, size_t len)
{
	static const char *const shared[] = { "/tmp", "/var/tmp", "/dev/shm", "/run/shm",
					      "/dev/mqueue", "/run/lock", "/var/lock", NULL };

	for (int i = 0; shared[i]; i++)
		if (strlen(shared[i]) == len && !strncmp(shared[i], path, len))
			return true;
	return false;
}

static int depth_of(const char *path, size_t len)
{
	int d = 0;

	for (size_t i = 0; i < len; i++)
		d += path[i] == '/';
	return d;
}

/* Generalise one library's atoms into rules (level standard/broad). */
static int generalise(struct atoms *a, struct policy_objs *o, unsigned level)
{
	/* a directory becomes "DIR/" "**" when it holds this many read-only
	 * entries, or when the program makes files in it; never above this
	 * depth (not /tmp or /etc as a whole for a write) */
	const size_t min_entries = level == OBJS_BROAD ? 2 : 3;
	const int min_write_depth = 2, min_read_depth = level == OBJS_BROAD ? 1 : 2;
	int rc = 0;

	for (size_t i = 0; i < a->n && !rc; i++) {
		struct atom *t = &a->v[i];
		char *g = NULL;

		if (!t->path)
			continue;
		/* system locations */
		if (!(t->access & ~SYSTEM_ACCESS)) {
			for (int s = 0; system_dirs[s]; s++) {
				size_t l = strlen(system_dirs[s]);

				if (!strncmp(t->path, system_dirs[s], l)) {
					char buf[64];

					snprintf(buf, sizeof(buf), "%s**", system_dirs[s]);
					rc = objects__add_path(o, buf, t->access, "system");
					free(t->path);
					t->path = NULL;
					break;
				}
			}
			if (!t->path || rc)
				continue;
		}
		/* /proc: per-process directories */
		if (!strncmp(t->path, "/proc/", 6) &&
		    (!strncmp(t->path + 6, "self/", 5) || !strncmp(t->path + 6, "thread-self/", 12) ||
		     isdigit((unsigned char)t->path[6]))) {
			rc = objects__add_path(o, "/proc/self/**", t->access, "system");
			free(t->path);
			t->path = NULL;
			continue;
		}
		if (dev_node(t->path))
			continue; /* devices stay exact: /dev/null, /dev/urandom */
		g = generalise_names(t->path, &rc);
		if (g) {
			/* rewritten in place: the directory rule below may
			 * still take it (app.1234.pid in a data directory) */
			free(t->path);
			t->path = g;
			t->inferred = "per-run-name";
		}
	}
	/* directories: group the remaining atoms by parent */
	for (size_t i = 0; i < a->n && !rc; i++) {
		struct atom *t = &a->v[i];
		size_t pl, nread = 0;
		uint32_t acc = 0;
		bool makes = false;

		if (!t->path)
			continue;
		pl = parent_len(t->path);
		/* atoms on the directory itself (make/remove in it) and its
		 * direct entries decide; everything beneath adds its access */
		for (size_t k = 0; k < a->n; k++) {
			struct atom *u = &a->v[k];

			if (!u->path || strncmp(u->path, t->path, pl) ||
			    (u->path[pl] != '/' && u->path[pl]))
				continue;
			if (!u->path[pl]) {
				makes |= !!(u->access & (OBJ_MAKES | OBJ_RMFILE));
			} else if (parent_len(u->path) == pl) {
				nread += !(u->access & OBJ_WRITES);
			}
			acc |= u->access;
		}
		if (!dev_node(t->path) && !shared_dir(t->path, pl) &&
		    ((makes && depth_of(t->path, pl) >= min_write_depth) ||
		     (!(acc & OBJ_WRITES) && nread >= min_entries &&
		      depth_of(t->path, pl) >= min_read_depth))) {
			char *dir = malloc(pl + 4);

			if (!dir)
				return -ENOMEM;
			memcpy(dir, t->path, pl);
			strcpy(dir + pl, "/**");
			/* A unit that makes files in its directory also makes
			 * directories there (a spill or per-session directory:
			 * PostgreSQL's base/pgsql_tmp on a large sort), and
			 * removes them when it removes its files.  Landlock
			 * checks make-dir on the parent; a learning run that
			 * never spilled never saw it.  The directory rule
			 * carries them (inferred "directory"). */
			if (acc & OBJ_MKFILE)
				acc |= OBJ_MKDIR;
			if ((acc & OBJ_MKFILE) && (acc & OBJ_RMFILE))
				acc |= OBJ_RMDIR;
			rc = objects__add_path(o, dir, acc, "directory");
			/* consume the directory's entries (t among them) */
			for (size_t k = 0; k < a->n; k++) {
				struct atom *u = &a->v[k];

				if (u->path && !strncmp(u->path, dir, pl) &&
				    (u->path[pl] == '/' || !u->path[pl])) {
					free(u->path);
					u->path = NULL;
				}
			}
			free(dir);
		}
	}
	for (size_t i = 0; i < a->n && !rc; i++)
		if (a->v[i].path)
			rc = objects__add_path(o, a->v[i].path, a->v[i].access, a->v[i].inferred);
	return rc;
}

static void atoms_free(struct atoms *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].path);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

int objects__from_trace(struct policy *p, const struct trace *t, const int *libmap,
			unsigned level)
{
	int rc = 0;

	for (size_t li = 0; li < t->nlibs && !rc; li++) {
		struct atoms a = {};
		struct policy_objs *o;

		if (libmap[li] < 0)
			continue;
		o = &p->libs[libmap[li]].objs;
		for (size_t i = 0; i < t->nobjs && !rc; i++) {
			const struct trace_obj *ob = &t->objs[i];
			uint32_t self, dir;

			if (ob->lib != li)
				continue;
			if (ob->kind == TRACE_OBJ_INET) {
				uint32_t cls = (ob->aux >> 16) & 0xff;
				uint16_t port = (uint16_t)(ob->aux & 0xffff), last = 0;

				if (level != OBJS_NONE && port >= PORT_EPHEMERAL_FIRST &&
				    port <= PORT_EPHEMERAL_LAST) {
					port = PORT_EPHEMERAL_FIRST;
					last = PORT_EPHEMERAL_LAST;
				}
				rc = objects__add_port(o, port, last,
						       ob->nr == X_BIND ? PORT_BIND : PORT_CONNECT,
						       cls == 1 ? ADDR_LOOPBACK :
						       cls == 2 ? ADDR_ANY : ADDR_OTHER);
				continue;
			}
			if (!ob->path || ob->path[0] != '/') {
				if (!(ob->raw && ob->raw[0] == '@'))
					o->unresolved++;
				continue;
			}
			objects__call_access(ob->nr, ob->slot, ob->aux, ob->path, &self, &dir);
			if (!rc && self)
				rc = atoms_add(&a, ob->path, strlen(ob->path), self);
			if (!rc && dir)
				rc = atoms_add(&a, ob->path, parent_len(ob->path), dir);
		}
		if (!rc) {
			if (level == OBJS_NONE) {
				for (size_t i = 0; i < a.n && !rc; i++)
					rc = objects__add_path(o, a.v[i].path, a.v[i].access, NULL);
			} else {
				rc = generalise(&a, o, level);
			}
		}
		atoms_free(&a);
		if (!rc)
			rc = objects__canonicalize(o);
	}
	return rc;
}
