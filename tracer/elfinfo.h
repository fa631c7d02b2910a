/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * elfinfo.h - ELF facts user space needs about a library: its build-id and
 * file offset <-> symbol translation (for reports and tests).
 *
 * Offsets are FILE offsets, the unit BPF reports (ip - vma_start +
 * vma_pgoff * 4096); they are mapped to virtual addresses through the
 * PT_LOAD segment that contains them.
 */
#ifndef SYSFENCE_ELFINFO_H
#define SYSFENCE_ELFINFO_H

#include <stddef.h>
#include <stdint.h>

/* NT_GNU_BUILD_ID as lowercase hex into hex (hexlen >= 2 * size + 1).
 * Returns 0, -ENOENT when there is no build-id note, -ENOEXEC when path is
 * not ELF, -ENOSPC when hex is too small, or -errno. */
int elf__build_id(const char *path, char *hex, size_t hexlen);

struct elf_syms;

/* Function symbols of .symtab, or .dynsym when there is no .symtab.
 * NULL with errno set (ENOEXEC: not ELF) on error; an ELF file without
 * symbols gives an empty table (lookups return -ENOENT). */
struct elf_syms *elf_syms__open(const char *path);
void elf_syms__close(struct elf_syms *s);

/* file offset -> "symbol+0xNN" (or "symbol" at offset 0): the FUNC symbol
 * containing it, else the nearest preceding one.  0 or -ENOENT. */
int elf_syms__lookup(struct elf_syms *s, uint64_t file_off, char *buf,
		     size_t buflen);

/* Named symbol -> file offset of its value (linear scan: tests, tools).
 * 0 or -ENOENT. */
int elf_syms__find(struct elf_syms *s, const char *name, uint64_t *file_off);

/* The dynamic section's view of an object: what it imports and needs. */
struct elf_dyn {
	char **undef;   /* undefined .dynsym symbols, versions stripped */
	size_t nundef;
	char **needed;  /* DT_NEEDED sonames */
	size_t nneeded;
	char *runpath;  /* DT_RUNPATH, else DT_RPATH, else NULL */
	/* the object makes system calls with its own instructions, not only
	 * through libc: statically linked (no dynamic section) or a Go
	 * program (.go.buildinfo / .gopclntab sections) */
	int own_syscalls;
};
/* Bounded (ELF_DYN_MAX_SYMS symbols, ELF_DYN_MAX_NEEDED needs): -E2BIG
 * beyond.  An ELF file without a dynamic section gives an empty result.
 * 0, -ENOEXEC when path is not ELF, or -errno. */
#define ELF_DYN_MAX_SYMS 65536
#define ELF_DYN_MAX_NEEDED 256
int elf__dynamic(const char *path, struct elf_dyn *out);
void elf_dyn__free(struct elf_dyn *d);

#endif /* SYSFENCE_ELFINFO_H */
