/* trace.h - in-memory trace model and the versioned zstd trace file format.
 *
 * Pure C: no libbpf, no syscalls beyond file I/O, never exits.
 * Functions return 0 or -errno; on error, err (if non-NULL) receives a
 * one-line human message (without the "sysfence: error:" prefix).
 */
#ifndef SF_TRACE_H
#define SF_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_FORMAT_VERSION 1
#define TRACE_NARGS 2
#define TRACE_ERRLEN 256

/* Header flags. */
#define TRACE_F_RUNTIME_BUCKETS (1u << 0) /* libc's allocator, stdio and
					   * locale work is charged to the
					   * [libc-alloc], [libc-stdio] and
					   * [libc-locale] buckets, not to
					   * the caller */
#define TRACE_F_MEM_ARGS (1u << 1)        /* clone3's flags were read from
					   * memory (SF_ARGF_MEM); without
					   * it a clone3 tuple's value is
					   * not its flags */

/* enum lib_kind and its names */
#include "libkind.h"

/* Bucket names used as the "path" of LIB_KIND_BUCKET libraries; index =
 * enum sf_bucket in bpf/sysfence.h. */
extern const char *const trace_bucket_names[];
/* number of entries in trace_bucket_names (index 0 unused = NULL) */
extern const unsigned trace_bucket_count;

struct trace_index; /* private to trace.c */

struct trace_lib {
	char *path;     /* absolute path, or bucket name like "[libc-runtime]" */
	char *build_id; /* lowercase hex, or NULL when the file has none */
	uint32_t kind;  /* enum lib_kind */
	uint64_t dev;   /* st_dev on the recording machine (informative) */
	uint64_t ino;
};

struct trace_tuple {
	uint32_t lib;  /* index into libs */
	uint32_t nr;   /* x86_64 syscall number */
	uint64_t arg[TRACE_NARGS];
	uint64_t count;
};

struct trace_site {
	uint32_t lib;
	uint32_t nr;
	uint64_t off;  /* file offset of the return address in lib */
	char *sym;     /* "symbol+0x12" or NULL when unknown */
};

/* An object of calls (section "objects"): a path or a port used by a
 * library's syscall (issue 17). */
enum trace_obj_kind {
	TRACE_OBJ_PATH = 1, /* path: resolved absolute path or NULL; raw: as passed */
	TRACE_OBJ_INET = 2, /* aux = family << 24 | address class << 16 | port */
	TRACE_OBJ_UNIX = 3, /* AF_UNIX socket path (raw "@" = abstract) */
};
struct trace_obj {
	uint32_t lib;
	uint32_t nr;
	uint32_t kind;   /* enum trace_obj_kind */
	uint32_t slot;   /* path argument of the call: 0 first, 1 second */
	uint32_t aux;    /* PATH: the call's flags argument; INET: above */
	uint64_t count;
	char *path;      /* resolved absolute path (NULL: could not resolve) */
	char *raw;       /* as the program passed it (NULL for INET) */
};
/* distinct objects kept per (library, syscall); more are counted in
 * objs_over */
#define TRACE_MAX_OBJS_PER_UNIT 512u
#define TRACE_MAX_OBJS (1u << 22)

/* Counters copied from the BPF stats map (enum sf_stat order). */
#define TRACE_NSTATS 32

struct trace {
	uint32_t version;     /* TRACE_FORMAT_VERSION when written by us */
	char *arch;           /* "x86_64" */
	char *kernel;         /* uname -r */
	char *cmdline;        /* target command line, space-joined */
	char *binary;         /* target executable path */
	char *binary_build_id;
	uint64_t start_ns;    /* CLOCK_REALTIME ns */
	uint64_t end_ns;
	uint32_t complete;    /* 1: final trace; 0: periodic checkpoint */
	uint32_t flags;       /* TRACE_F_* (header flags) */
	uint32_t nstats;
	uint64_t stats[TRACE_NSTATS];

	char **transparent;   /* paths of the transparent libraries */
	size_t ntransparent;

	struct trace_lib *libs;
	size_t nlibs;
	struct trace_tuple *tuples;
	size_t ntuples;
	struct trace_site *sites;
	size_t nsites;
	struct trace_obj *objs; /* optional section "objects" */
	size_t nobjs, capobjs;
	uint64_t objs_over;     /* objects beyond TRACE_MAX_OBJS_PER_UNIT */

	/* private to trace.c (allocate with trace__new, release with
	 * trace__free): lookup tables behind trace__add_*.  Entries
	 * appended to the arrays directly are indexed lazily on the next
	 * trace__add_* call (first occurrence wins). */
	struct trace_index *index;
};

/* Allocation caps enforced by trace__add_* and by the reader. */
#define TRACE_MAX_LIBS (1u << 20)
#define TRACE_MAX_TUPLES (1u << 24)
#define TRACE_MAX_SITES (1u << 24)
#define TRACE_MAX_TRANSPARENT (1u << 16)
/* Largest decompressed payload trace__read accepts (1 GiB). */
#define TRACE_MAX_PAYLOAD ((size_t)1 << 30)

struct trace *trace__new(void);
void trace__free(struct trace *t);

/* Add or find a library by (path, build_id, kind); returns its index or
 * -errno. */
int trace__add_lib(struct trace *t, const char *path, const char *build_id,
		   uint32_t kind, uint64_t dev, uint64_t ino);
/* Add count to the tuple (lib, nr, arg), creating it if needed. */
int trace__add_tuple(struct trace *t, uint32_t lib, uint32_t nr,
		     const uint64_t arg[TRACE_NARGS], uint64_t count);
/* Record a site for (lib, nr) unless one is already recorded. */
int trace__add_site(struct trace *t, uint32_t lib, uint32_t nr, uint64_t off,
		    const char *sym);
int trace__add_transparent(struct trace *t, const char *path);
/* Add count to the object (lib, nr, kind, slot, aux, path, raw), creating
 * it; beyond TRACE_MAX_OBJS_PER_UNIT per (lib, nr) it is counted in
 * objs_over instead.  learner/trace_objs.c. */
int trace__add_obj(struct trace *t, uint32_t lib, uint32_t nr, uint32_t kind,
		   uint32_t slot, uint32_t aux, const char *path, const char *raw,
		   uint64_t count);

/* Canonical library order: kind, path, build-id (NULL first).  Libraries
 * comparing equal are the same library. */
int trace_lib__cmp(const struct trace_lib *a, const struct trace_lib *b);

/* Sort libs/tuples/sites into canonical order (libs by kind then path then
 * build-id; tuples by lib, nr, args; sites by lib, nr), remapping indexes. */
int trace__canonicalize(struct trace *t);

/* Merge src into dst: union of libraries (identity = path + build_id +
 * kind), counts summed, first site kept, transparent lists unioned,
 * start = min, end = max, stats summed.  Header strings (arch, kernel,
 * cmdline, binary, build-id) are kept from dst and taken from src only
 * where dst has none; complete = dst.complete && src.complete, except that
 * a dst with no libraries, tuples and start time (fresh from trace__new)
 * takes src's.  dst == src is -EINVAL. */
int trace__merge(struct trace *dst, const struct trace *src);

#endif /* SF_TRACE_H */
