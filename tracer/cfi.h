/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cfi.h - compact CFA tables of the transparent libraries, built from
 * .eh_frame, and the reference unwinder the BPF program mirrors.
 *
 * Table: struct sf_cfi_row (bpf/sysfence.h), sorted by file offset, unique
 * offsets; a row covers [off, next row's off), the last row (always a
 * SF_CFA_NONE gap at the end of the last FDE) covers everything above.
 *
 * Unwind algorithm (cfi__unwind_step; bpf/sysfence.bpf.c does the same):
 *  1. ip is inside a transparent library mapped at vma_start with page
 *     offset vma_pgoff: file_off = ip - vma_start + vma_pgoff * 4096.
 *  2. key = file_off - 2 at frame 0: at sys_enter ip points after the
 *     2-byte `syscall` (0f 05), which may be the last instruction of its
 *     FDE (__restore_rt); the state at `syscall` equals the state after
 *     it.  key = file_off - 1 at deeper frames (ip is a return address and
 *     the call may be the last instruction of its FDE).
 *  3. row = last row with row.off <= key (binary search); none -> NONE.
 *  4. kind NONE: frame 0 -> leaf: CFA = rsp + 8 (RA at [rsp]): clone and
 *     clone3 end their FDE before `syscall`; deeper frame -> stop, no CFI
 *     (ld.so: start-up).  kind END -> stop, libc runtime: RA undefined
 *     (clone/clone3 child -> start_thread) or signal trampoline
 *     (rt_sigreturn, libc's signal handlers).  UNSUPPORTED -> stop, failed.
 *  5. CFA = rsp + cfa_off (RSP), rbp + cfa_off (RBP), or for PLT
 *     rsp + 8 + ((ip & 15) >= 11 ? 8 : 0)  (ip & 15 == vaddr & 15).
 *     RA_RDI (vfork): frame 0 -> CFA = rsp + cfa_off, RA = rdi (pt_regs);
 *     deeper frame -> stop, unwind failed.
 *  6. RA = u64 at [CFA - 8] (RA_RDI: rdi);  if rbp_off != 0: rbp = u64 at
 *     [CFA + rbp_off];  rsp = CFA;  ip = RA.  A failed read stops.
 *  7. Repeat from 1 while ip is inside a transparent library (at most
 *     SF_MAX_FRAMES); the first ip outside them is the caller.
 */
#ifndef SYSFENCE_CFI_H
#define SYSFENCE_CFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sysfence.h"

struct cfi_table {
	struct sf_cfi_row *rows;
	size_t nrows;
};

/* Build the table of the ELF file at path.  Returns 0 or -errno; on error a
 * message (without "sysfence: error:") is written to err when non-NULL:
 * -ENOEXEC "not an ELF file" / "not x86_64", -ENOENT "no .eh_frame". */
int cfi__build(const char *path, struct cfi_table *out, char *err,
	       size_t errlen);
void cfi__free(struct cfi_table *t);

/* Index of the last row with off <= key, or -1 if key precedes all rows. */
long cfi__lookup(const struct cfi_table *t, uint64_t key);

struct cfi_regs {
	uint64_t ip, sp, bp;
	uint64_t di; /* frame 0 only (SF_CFA_RA_RDI) */
	unsigned int rt; /* out: enum sf_rt_class with CFI_STEP_RUNTIME */
};

enum cfi_step {
	CFI_STEP_OK = 0,        /* regs now hold the caller's frame */
	CFI_STEP_END,           /* RA undefined: outermost frame */
	CFI_STEP_NO_CFI,        /* deeper frame in a gap */
	CFI_STEP_UNSUPPORTED,   /* CFA rule the row format cannot express */
	CFI_STEP_READ_FAILED,   /* stack unreadable */
	CFI_STEP_RUNTIME,       /* frame inside a libc runtime function (row
				 * marked by cfi__mark_runtime): regs->rt says
				 * which class; regs are unchanged */
};

/* Reads 8 bytes of the target's memory at addr: 0 or -errno. */
typedef int (*cfi_read_fn)(void *ctx, uint64_t addr, uint64_t *val);

/* One unwind step, exactly steps 2-6 above.  file_off is the file offset of
 * regs->ip (step 1); frame0 is true for the syscall frame only. */
enum cfi_step cfi__unwind_step(const struct cfi_table *t, uint64_t file_off,
			       bool frame0, struct cfi_regs *regs,
			       cfi_read_fn read, void *ctx);

const char *cfi__kind_name(unsigned int kind);

/* Mark the rows of the table of the ELF file at path (libc) that lie in
 * libc's runtime functions (cfi.c: runtime_funcs[]) with their class
 * (sf_cfi_row.rt), splitting rows at function boundaries.  Symbols come
 * from the file's .symtab, else from its separate debug file found by
 * build-id under /usr/lib/debug/.build-id (Debian: libc6-dbg), else from
 * .dynsym (exported names only: internal functions reached by a tail call
 * are then missed).  A file that defines none of the names is left as it
 * is.  *nfuncs = functions marked, *source = "symtab", "debug file",
 * "dynsym" or "none".  0 or -errno (message in err). */
int cfi__mark_runtime(const char *path, struct cfi_table *t, size_t *nfuncs,
		      const char **source, char *err, size_t errlen);
/* The same for some classes only: bit (1u << rt) of classes for each enum
 * sf_rt_class marked (enforcing a policy without [libc-thread] keeps
 * thread start with its caller, as it was learned). */
#define CFI_RT_ALL (((1u << SF_RT__COUNT) - 1) & ~1u)
int cfi__mark_runtime_classes(const char *path, struct cfi_table *t, unsigned classes,
			      size_t *nfuncs, const char **source, char *err, size_t errlen);

#endif /* SYSFENCE_CFI_H */
