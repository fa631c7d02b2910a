// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cfi.c - build compact CFA tables (struct sf_cfi_row) from .eh_frame.
 *
 * FDE start addresses come from .eh_frame_hdr's sorted search table (or a
 * walk of .eh_frame when there is no header); each FDE's rows are read back
 * through libdw (dwarf_cfi_addrframe + dwarf_frame_info) and reduced to
 * what the BPF unwinder tracks: CFA rule, return address, saved rbp.
 *
 * How libdw 0.188 presents the rules (checked on Debian 12's libc/ld.so):
 *  - DW_CFA_def_cfa reg, off   -> one op, DW_OP_bregx number=reg number2=off
 *  - DW_CFA_def_cfa_expression -> the expression's ops as written
 *  - DW_CFA_offset reg at c-N  -> DW_OP_call_frame_cfa; DW_OP_plus_uconst
 *                                 with number = (Dwarf_Word)-N (signed!)
 *  - DW_CFA_expression reg E   -> DW_OP_call_frame_cfa followed by E
 *  - same value                -> nops 0, ops NULL; undefined -> nops 0,
 *                                 ops == ops_mem.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dwarf.h>
#include <elfutils/libdw.h>

#include "cfi.h"
#include "elfinfo.h"

#define X86_64_REG_RDI 5
#define X86_64_REG_RBP 6
#define X86_64_REG_RSP 7
#define X86_64_REG_RA 16

struct seg {
	uint64_t vaddr, off, filesz;
};

struct builder {
	Elf *elf;
	struct seg *segs;
	size_t nsegs;
	uint64_t *starts; /* FDE initial locations (vaddr), sorted, unique */
	size_t nstarts, cap_starts;
	struct sf_cfi_row *rows;
	size_t nrows, cap_rows;
	bool unsorted;
	char *err;
	size_t errlen;
};

static int fail(struct builder *b, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct builder *b, int rc, const char *fmt, ...)
{
	va_list ap;

	if (b->err && b->errlen) {
		va_start(ap, fmt);
		vsnprintf(b->err, b->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

const char *cfi__kind_name(unsigned int kind)
{
	switch (kind) {
	case SF_CFA_NONE: return "none";
	case SF_CFA_RSP: return "rsp";
	case SF_CFA_RBP: return "rbp";
	case SF_CFA_PLT: return "plt";
	case SF_CFA_END: return "end";
	case SF_CFA_UNSUPPORTED: return "unsupported";
	case SF_CFA_RA_RDI: return "ra-in-rdi";
	}
	return "?";
}

/* ---- ELF layout ---------------------------------------------------------- */

static int load_segments(struct builder *b)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(b->elf, &n) != 0)
		return fail(b, -ENOEXEC, "no program headers: %s", elf_errmsg(-1));
	b->segs = calloc(n ? n : 1, sizeof(*b->segs));
	if (!b->segs)
		return fail(b, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(b->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		b->segs[b->nsegs++] = (struct seg){ ph.p_vaddr, ph.p_offset,
						    ph.p_filesz };
	}
	if (!b->nsegs)
		return fail(b, -ENOEXEC, "no PT_LOAD segment");
	return 0;
}

/* Open path as an x86_64 ELF file and read its PT_LOAD segments into b.
 * 0, or -errno with the message in b; *fd is -1 when the open failed,
 * and b->elf may be set either way (the caller's clean-up ends both). */
static int open_elf(struct builder *b, const char *path, int *fd)
{
	GElf_Ehdr ehdr;
	int rc;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(b, -EINVAL, "libelf: %s", elf_errmsg(-1));
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		rc = -errno;
		return fail(b, rc, "%s", strerror(-rc));
	}
	b->elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!b->elf || elf_kind(b->elf) != ELF_K_ELF || !gelf_getehdr(b->elf, &ehdr))
		return fail(b, -ENOEXEC, "not an ELF file");
	if (ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_machine != EM_X86_64)
		return fail(b, -ENOEXEC, "not an x86_64 ELF file");
	return load_segments(b);
}

/* A gap row may start exactly at the end of a segment's file image (the
 * last FDE ends there): accept that boundary when no segment contains v. */
static bool vaddr_to_off(const struct builder *b, uint64_t v, uint64_t *off)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < b->nsegs; i++) {
			const struct seg *s = &b->segs[i];

			if (v >= s->vaddr && (v - s->vaddr < s->filesz ||
					      (pass && v - s->vaddr == s->filesz))) {
				*off = v - s->vaddr + s->off;
				return true;
			}
		}
	}
	return false;
}

/* Locate .eh_frame and .eh_frame_hdr, by section or (no section headers)
 * by PT_GNU_EH_FRAME.  *hdr is NULL when there is no usable header. */
static int find_eh_frame(struct builder *b, Elf_Data **eh, uint64_t *eh_addr,
			 Elf_Data **hdr, uint64_t *hdr_addr)
{
	size_t shstrndx, n, i;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Phdr ph;
	bool have_eh = false;

	*eh = *hdr = NULL;
	if (elf_getshdrstrndx(b->elf, &shstrndx) == 0) {
		while ((scn = elf_nextscn(b->elf, scn))) {
			const char *name;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
				continue;
			name = elf_strptr(b->elf, shstrndx, sh.sh_name);
			if (!name)
				continue;
			if (!strcmp(name, ".eh_frame")) {
				*eh = elf_getdata(scn, NULL);
				*eh_addr = sh.sh_addr;
				have_eh = *eh && (*eh)->d_size;
			} else if (!strcmp(name, ".eh_frame_hdr")) {
				*hdr = elf_getdata(scn, NULL);
				*hdr_addr = sh.sh_addr;
			}
		}
	}
	if (!*hdr && elf_getphdrnum(b->elf, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (!gelf_getphdr(b->elf, (int)i, &ph) ||
			    ph.p_type != PT_GNU_EH_FRAME)
				continue;
			*hdr = elf_getdata_rawchunk(b->elf, (int64_t)ph.p_offset,
						    ph.p_filesz, ELF_T_BYTE);
			*hdr_addr = ph.p_vaddr;
			/* without section headers the header proves .eh_frame */
			if (*hdr && !*eh)
				have_eh = true;
		}
	}
	if (!have_eh)
		return fail(b, -ENOENT, "no .eh_frame");
	return 0;
}

/* ---- encoded pointers (LSB .eh_frame_hdr / CIE 'R') ---------------------- */

static bool read_uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	unsigned int shift = 0;

	while (*p < end) {
		uint8_t c = *(*p)++;

		if (shift < 64)
			r |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

static bool read_sleb(const uint8_t **p, const uint8_t *end, int64_t *v)
{
	uint64_t r = 0;
	unsigned int shift = 0;

	while (*p < end) {
		uint8_t c = *(*p)++;

		if (shift < 64)
			r |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80)) {
			if (shift < 64 && (c & 0x40))
				r |= ~0ULL << shift;
			*v = (int64_t)r;
			return true;
		}
	}
	return false;
}

/* Decode one pointer; p_addr is the vaddr of *p (pcrel base). */
static bool read_encoded(const uint8_t **p, const uint8_t *end, uint8_t enc,
			 uint64_t p_addr, uint64_t data_base, uint64_t *out)
{
	const uint8_t *q = *p;
	uint64_t v;
	int64_t s;

	if (enc == DW_EH_PE_omit || (enc & DW_EH_PE_indirect))
		return false;
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr:
	case DW_EH_PE_udata8:
	case DW_EH_PE_sdata8:
		if (end - q < 8)
			return false;
		memcpy(&v, q, 8);
		q += 8;
		break;
	case DW_EH_PE_udata4: {
		uint32_t u;

		if (end - q < 4)
			return false;
		memcpy(&u, q, 4);
		q += 4;
		v = u;
		break;
	}
	case DW_EH_PE_sdata4: {
		int32_t i;

		if (end - q < 4)
			return false;
		memcpy(&i, q, 4);
		q += 4;
		v = (uint64_t)(int64_t)i;
		break;
	}
	case DW_EH_PE_udata2: {
		uint16_t u;

		if (end - q < 2)
			return false;
		memcpy(&u, q, 2);
		q += 2;
		v = u;
		break;
	}
	case DW_EH_PE_sdata2: {
		int16_t i;

		if (end - q < 2)
			return false;
		memcpy(&i, q, 2);
		q += 2;
		v = (uint64_t)(int64_t)i;
		break;
	}
	case DW_EH_PE_uleb128:
		if (!read_uleb(&q, end, &v))
			return false;
		break;
	case DW_EH_PE_sleb128:
		if (!read_sleb(&q, end, &s))
			return false;
		v = (uint64_t)s;
		break;
	default:
		return false;
	}
	switch (enc & 0x70) {
	case DW_EH_PE_absptr:
		break;
	case DW_EH_PE_pcrel:
		v += p_addr;
		break;
	case DW_EH_PE_datarel:
		v += data_base;
		break;
	default:
		return false;
	}
	*p = q;
	*out = v;
	return true;
}

/* ---- FDE enumeration ----------------------------------------------------- */

static int add_start(struct builder *b, uint64_t v)
{
	if (b->nstarts == b->cap_starts) {
		size_t cap = b->cap_starts ? b->cap_starts * 2 : 1024;
		uint64_t *p = realloc(b->starts, cap * sizeof(*p));

		if (!p)
			return fail(b, -ENOMEM, "out of memory");
		b->starts = p;
		b->cap_starts = cap;
	}
	b->starts[b->nstarts++] = v;
	return 0;
}

/* 0 on success, 1 when the header cannot be used (walk .eh_frame). */
static int starts_from_hdr(struct builder *b, Elf_Data *hdr, uint64_t hdr_addr)
{
	const uint8_t *base = hdr->d_buf, *p = base, *end = base + hdr->d_size;
	uint64_t eh_ptr, count, i, loc, fde;
	uint8_t eh_enc, cnt_enc, tab_enc;
	int rc;

	if (hdr->d_size < 4 || base[0] != 1)
		return 1;
	eh_enc = base[1];
	cnt_enc = base[2];
	tab_enc = base[3];
	p += 4;
	if (!read_encoded(&p, end, eh_enc, hdr_addr + (uint64_t)(p - base),
			  hdr_addr, &eh_ptr) ||
	    !read_encoded(&p, end, cnt_enc, hdr_addr + (uint64_t)(p - base),
			  hdr_addr, &count) || tab_enc == DW_EH_PE_omit)
		return 1;
	if (count > (uint64_t)(end - p) / 2)
		return 1;
	for (i = 0; i < count; i++) {
		if (!read_encoded(&p, end, tab_enc,
				  hdr_addr + (uint64_t)(p - base), hdr_addr,
				  &loc) ||
		    !read_encoded(&p, end, tab_enc,
				  hdr_addr + (uint64_t)(p - base), hdr_addr,
				  &fde)) {
			b->nstarts = 0;
			return 1;
		}
		rc = add_start(b, loc);
		if (rc)
			return rc;
	}
	return 0;
}

/* FDE pointer encoding of the CIE at section offset cie_off. */
static bool cie_fde_encoding(Elf_Data *eh, Dwarf_Off cie_off, uint8_t *enc)
{
	static const unsigned char ident[EI_NIDENT] = {
		[EI_CLASS] = ELFCLASS64, [EI_DATA] = ELFDATA2LSB,
	};
	Dwarf_CFI_Entry e;
	Dwarf_Off next;
	const char *aug;
	const uint8_t *p, *end;
	uint64_t dummy;

	if (dwarf_next_cfi(ident, eh, true, cie_off, &next, &e) != 0 ||
	    e.CIE_id != DW_CIE_ID_64)
		return false;
	*enc = DW_EH_PE_absptr;
	aug = e.cie.augmentation;
	if (!aug || aug[0] != 'z')
		return aug && aug[0] == '\0';
	p = e.cie.augmentation_data;
	end = p + e.cie.augmentation_data_size;
	for (aug++; *aug; aug++) {
		switch (*aug) {
		case 'R':
			if (p >= end)
				return false;
			*enc = *p++;
			return true;
		case 'L':
			p++;
			break;
		case 'P':
			if (p >= end)
				return false;
			/* value unused: pcrel base does not change its size */
			{
				uint8_t penc = *p++;

				if (!read_encoded(&p, end, penc & 0x7f, 0, 0,
						  &dummy))
					return false;
			}
			break;
		case 'S':
		case 'B':
			break;
		default:
			return false;
		}
	}
	return true;
}

static int starts_from_eh_frame(struct builder *b, Elf_Data *eh,
				uint64_t eh_addr)
{
	static const unsigned char ident[EI_NIDENT] = {
		[EI_CLASS] = ELFCLASS64, [EI_DATA] = ELFDATA2LSB,
	};
	const uint8_t *base = eh->d_buf;
	Dwarf_Off off = 0, next, last_cie = (Dwarf_Off)-1;
	Dwarf_CFI_Entry e;
	uint8_t enc = 0;
	uint64_t loc;
	int rc;

	while (off < eh->d_size) {
		const uint8_t *p;

		rc = dwarf_next_cfi(ident, eh, true, off, &next, &e);
		if (rc != 0)
			break; /* 1: end (zero terminator), -1: corrupt tail */
		off = next;
		if (e.CIE_id == DW_CIE_ID_64)
			continue;
		if (e.fde.CIE_pointer != last_cie) {
			if (!cie_fde_encoding(eh, e.fde.CIE_pointer, &enc))
				continue;
			last_cie = e.fde.CIE_pointer;
		}
		p = e.fde.start;
		if (!read_encoded(&p, e.fde.end, enc,
				  eh_addr + (uint64_t)(e.fde.start - base), 0,
				  &loc))
			continue;
		rc = add_start(b, loc);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- rows ---------------------------------------------------------------- */

static int emit(struct builder *b, uint64_t vaddr, struct sf_cfi_row r)
{
	uint64_t off;
	struct sf_cfi_row *last;

	if (!vaddr_to_off(b, vaddr, &off))
		return 0; /* FDE outside any segment: code that never runs */
	if (off > UINT32_MAX)
		return fail(b, -EFBIG, "file offset 0x%llx above 4 GiB",
			    (unsigned long long)off);
	r.off = (uint32_t)off;
	if (b->nrows) {
		last = &b->rows[b->nrows - 1];
		if (r.off < last->off) {
			b->unsorted = true;
		} else if (r.off == last->off) {
			if (last->kind == SF_CFA_NONE)
				*last = r; /* a real row beats a gap */
			return 0;
		} else if (last->kind == r.kind && last->cfa_off == r.cfa_off &&
			   last->rbp_off == r.rbp_off) {
			return 0; /* same rule continues */
		}
	}
	if (b->nrows == b->cap_rows) {
		size_t cap = b->cap_rows ? b->cap_rows * 2 : 4096;
		struct sf_cfi_row *p = realloc(b->rows, cap * sizeof(*p));

		if (!p)
			return fail(b, -ENOMEM, "out of memory");
		b->rows = p;
		b->cap_rows = cap;
	}
	b->rows[b->nrows++] = r;
	return 0;
}

static bool is_op(const Dwarf_Op *op, uint8_t atom)
{
	return op->atom == atom;
}

/* .plt: DW_OP_breg7 8; DW_OP_breg16 0; DW_OP_lit15; DW_OP_and; DW_OP_lit11;
 * DW_OP_ge; DW_OP_lit3; DW_OP_shl; DW_OP_plus.  The IBT lazy PLT uses
 * DW_OP_lit10 instead: not expressible by SF_CFA_PLT, left unsupported
 * (a PLT stub never makes a syscall nor calls: unreachable in practice). */
static bool is_plt_expr(const Dwarf_Op *ops, size_t n)
{
	return n == 9 && is_op(&ops[0], DW_OP_breg7) && ops[0].number == 8 &&
	       is_op(&ops[1], DW_OP_breg16) && ops[1].number == 0 &&
	       is_op(&ops[2], DW_OP_lit15) && is_op(&ops[3], DW_OP_and) &&
	       is_op(&ops[4], DW_OP_lit11) && is_op(&ops[5], DW_OP_ge) &&
	       is_op(&ops[6], DW_OP_lit3) && is_op(&ops[7], DW_OP_shl) &&
	       is_op(&ops[8], DW_OP_plus);
}

/* CFA rule -> kind + cfa_off. */
static void cfa_rule(const Dwarf_Op *ops, size_t n, struct sf_cfi_row *r)
{
	int64_t off;
	uint64_t reg;

	r->kind = SF_CFA_UNSUPPORTED;
	if (n == 1 && (ops[0].atom == DW_OP_bregx ||
		       (ops[0].atom >= DW_OP_breg0 &&
			ops[0].atom <= DW_OP_breg31))) {
		if (ops[0].atom == DW_OP_bregx) {
			reg = ops[0].number;
			off = (int64_t)ops[0].number2;
		} else {
			reg = ops[0].atom - DW_OP_breg0;
			off = (int64_t)ops[0].number;
		}
		if (off < INT32_MIN || off > INT32_MAX)
			return;
		if (reg == X86_64_REG_RSP)
			r->kind = SF_CFA_RSP;
		else if (reg == X86_64_REG_RBP)
			r->kind = SF_CFA_RBP;
		else
			return;
		r->cfa_off = (int32_t)off;
	} else if (is_plt_expr(ops, n)) {
		r->kind = SF_CFA_PLT;
		r->cfa_off = 8;
	}
}

/* Location of the caller's rbp: 0 and *off = 0 when unchanged (same value
 * or undefined), 0 and *off = N when saved at CFA + N, -1 otherwise. */
static int rbp_rule(Dwarf_Frame *frame, int16_t *off)
{
	Dwarf_Op mem[3], *ops;
	size_t n;
	int64_t v;

	*off = 0;
	if (dwarf_frame_register(frame, X86_64_REG_RBP, mem, &ops, &n) != 0)
		return -1;
	if (n == 0)
		return 0;
	if (!is_op(&ops[0], DW_OP_call_frame_cfa))
		return -1;
	if (n == 1)
		v = 0;
	else if (n == 2 && is_op(&ops[1], DW_OP_plus_uconst))
		v = (int64_t)ops[1].number; /* libdw stores N signed */
	else
		return -1; /* val_offset (DW_OP_stack_value), register, expr */
	if (v == 0 || v < INT16_MIN || v > INT16_MAX)
		return -1;
	*off = (int16_t)v;
	return 0;
}

/* Translate the row of frame (covering [start, end)). */
static void translate(Dwarf_Frame *frame, int ra_reg, struct sf_cfi_row *r)
{
	Dwarf_Op mem[3], *ops;
	bool ra_in_rdi = false;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->kind = SF_CFA_UNSUPPORTED;
	if (ra_reg != X86_64_REG_RA)
		return;
	/* return address: undefined -> outermost; else it must be at CFA-8 */
	if (dwarf_frame_register(frame, X86_64_REG_RA, mem, &ops, &n) != 0)
		return;
	if (n == 0) {
		r->kind = ops ? SF_CFA_END : SF_CFA_UNSUPPORTED;
		return;
	}
	if (n == 1 && is_op(&ops[0], DW_OP_regx) && ops[0].number == X86_64_REG_RDI)
		ra_in_rdi = true; /* DW_CFA_register rip, rdi: vfork */
	else if (!(n == 2 && is_op(&ops[0], DW_OP_call_frame_cfa) &&
		   is_op(&ops[1], DW_OP_plus_uconst) &&
		   (int64_t)ops[1].number == -8))
		return;
	if (dwarf_frame_cfa(frame, &ops, &n) != 0 || n == 0)
		return;
	cfa_rule(ops, n, r);
	if (r->kind == SF_CFA_UNSUPPORTED)
		return;
	if (ra_in_rdi) {
		if (r->kind != SF_CFA_RSP) {
			r->kind = SF_CFA_UNSUPPORTED;
			r->cfa_off = 0;
			return;
		}
		r->kind = SF_CFA_RA_RDI;
	}
	if (rbp_rule(frame, &r->rbp_off) != 0) {
		/* rbp is somewhere we cannot restore it from.  Only a caller
		 * whose CFA is rbp-based would notice; be conservative. */
		r->kind = SF_CFA_UNSUPPORTED;
		r->cfa_off = 0;
		r->rbp_off = 0;
	}
}

static int walk_fdes(struct builder *b, Dwarf_CFI *cfi)
{
	size_t i;
	int rc;

	for (i = 0; i < b->nstarts; i++) {
		uint64_t addr = b->starts[i];
		uint64_t limit = i + 1 < b->nstarts ? b->starts[i + 1] : UINT64_MAX;

		while (addr < limit) {
			Dwarf_Frame *frame = NULL;
			Dwarf_Addr start, end;
			struct sf_cfi_row r;
			bool signal;
			int ra;

			if (dwarf_cfi_addrframe(cfi, addr, &frame) != 0) {
				/* FDE ended before the next one starts */
				memset(&r, 0, sizeof(r));
				r.kind = SF_CFA_NONE;
				rc = emit(b, addr, r);
				if (rc)
					return rc;
				break;
			}
			ra = dwarf_frame_info(frame, &start, &end, &signal);
			translate(frame, ra, &r);
			/* signal trampoline (__restore_rt, 'S' augmentation):
			 * its caller is the kernel's signal delivery, and its
			 * rt_sigreturn belongs to the runtime, like an
			 * undefined return address */
			if (signal)
				r = (struct sf_cfi_row){ .kind = SF_CFA_END };
			free(frame);
			rc = emit(b, addr, r);
			if (rc)
				return rc;
			if (end <= addr)
				break;
			addr = end;
		}
	}
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const struct sf_cfi_row *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Sort (only if FDEs overlapped oddly), keep one row per offset, merge. */
static void normalise(struct builder *b)
{
	size_t i, n = 0;

	if (!b->unsorted)
		return;
	qsort(b->rows, b->nrows, sizeof(*b->rows), cmp_row);
	for (i = 0; i < b->nrows; i++) {
		struct sf_cfi_row *r = &b->rows[i];

		if (n && b->rows[n - 1].off == r->off) {
			if (b->rows[n - 1].kind == SF_CFA_NONE)
				b->rows[n - 1] = *r;
			continue;
		}
		if (n && b->rows[n - 1].kind == r->kind &&
		    b->rows[n - 1].cfa_off == r->cfa_off &&
		    b->rows[n - 1].rbp_off == r->rbp_off)
			continue;
		b->rows[n++] = *r;
	}
	b->nrows = n;
}

int cfi__build(const char *path, struct cfi_table *out, char *err,
	       size_t errlen)
{
	struct builder b = { .err = err, .errlen = errlen };
	Elf_Data *eh, *hdr;
	uint64_t eh_addr = 0, hdr_addr = 0;
	Dwarf_CFI *cfi = NULL;
	size_t i, n;
	int fd = -1, rc;

	out->rows = NULL;
	out->nrows = 0;
	if (err && errlen)
		err[0] = '\0';
	rc = open_elf(&b, path, &fd);
	if (rc)
		goto cleanup;
	rc = find_eh_frame(&b, &eh, &eh_addr, &hdr, &hdr_addr);
	if (rc)
		goto cleanup;
	cfi = dwarf_getcfi_elf(b.elf);
	if (!cfi) {
		rc = fail(&b, -ENOENT, "no .eh_frame: %s", dwarf_errmsg(-1));
		goto cleanup;
	}
	rc = hdr ? starts_from_hdr(&b, hdr, hdr_addr) : 1;
	if (rc == 1) {
		if (!eh) {
			rc = fail(&b, -ENOENT, "no .eh_frame section");
			goto cleanup;
		}
		rc = starts_from_eh_frame(&b, eh, eh_addr);
	}
	if (rc)
		goto cleanup;
	if (!b.nstarts) {
		rc = fail(&b, -ENOENT, "no FDE in .eh_frame");
		goto cleanup;
	}
	qsort(b.starts, b.nstarts, sizeof(*b.starts), cmp_u64);
	for (i = 1, n = 1; i < b.nstarts; i++)
		if (b.starts[i] != b.starts[n - 1])
			b.starts[n++] = b.starts[i];
	b.nstarts = n;
	rc = walk_fdes(&b, cfi);
	if (rc)
		goto cleanup;
	normalise(&b);
	if (b.nrows < b.cap_rows) {
		struct sf_cfi_row *p = realloc(b.rows, (b.nrows ? b.nrows : 1) *
						       sizeof(*p));
		if (p)
			b.rows = p;
	}
	out->rows = b.rows;
	out->nrows = b.nrows;
	b.rows = NULL;
cleanup:
	if (cfi)
		dwarf_cfi_end(cfi);
	if (b.elf)
		elf_end(b.elf);
	if (fd >= 0)
		close(fd);
	free(b.segs);
	free(b.starts);
	free(b.rows);
	return rc;
}

void cfi__free(struct cfi_table *t)
{
	if (!t)
		return;
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}

/* ---- reference unwinder -------------------------------------------------- */

long cfi__lookup(const struct cfi_table *t, uint64_t key)
{
	size_t lo = 0, hi = t->nrows; /* answer in [lo - 1, hi - 1] */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].off <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

enum cfi_step cfi__unwind_step(const struct cfi_table *t, uint64_t file_off,
			       bool frame0, struct cfi_regs *regs,
			       cfi_read_fn read, void *ctx)
{
	uint64_t key, cfa, ra, bp = regs->bp;
	const struct sf_cfi_row *row;
	unsigned int kind = SF_CFA_NONE;
	long i;

	if (file_off < 2)
		return CFI_STEP_NO_CFI;
	key = frame0 ? file_off - 2 : file_off - 1;
	i = cfi__lookup(t, key);
	row = i >= 0 ? &t->rows[i] : NULL;
	if (row)
		kind = row->kind;
	if (row && row->rt) {
		regs->rt = row->rt;
		return CFI_STEP_RUNTIME;
	}
	switch (kind) {
	case SF_CFA_NONE:
		if (!frame0)
			return CFI_STEP_NO_CFI;
		cfa = regs->sp + 8; /* leaf: RA at [rsp] */
		break;
	case SF_CFA_RSP:
		cfa = regs->sp + (int64_t)row->cfa_off;
		break;
	case SF_CFA_RBP:
		cfa = regs->bp + (int64_t)row->cfa_off;
		break;
	case SF_CFA_PLT:
		cfa = regs->sp + 8 + ((regs->ip & 15) >= 11 ? 8 : 0);
		break;
	case SF_CFA_RA_RDI:
		if (!frame0)
			return CFI_STEP_UNSUPPORTED;
		cfa = regs->sp + (int64_t)row->cfa_off;
		break;
	case SF_CFA_END:
		return CFI_STEP_END;
	default:
		return CFI_STEP_UNSUPPORTED;
	}
	if (kind == SF_CFA_RA_RDI)
		ra = regs->di;
	else if (read(ctx, cfa - 8, &ra) != 0)
		return CFI_STEP_READ_FAILED;
	if (row && kind != SF_CFA_NONE && row->rbp_off != 0 &&
	    read(ctx, cfa + (int64_t)row->rbp_off, &bp) != 0)
		return CFI_STEP_READ_FAILED;
	regs->ip = ra;
	regs->sp = cfa;
	regs->bp = bp;
	return CFI_STEP_OK;
}

/* ---- runtime functions ----------------------------------------------------------- */

/* libc functions whose system calls are libc's own work, the same whatever
 * the caller asked for: the allocator growing or trimming its heaps, stdio
 * sizing a stream's buffer, locale/time-zone/message-catalogue loading.
 * Entry points and the internal functions they reach (internal names only
 * resolve with a symbol table: .symtab or the debug file).  What a caller
 * decides stays the caller's: fopen's openat, printf's write, dlopen,
 * iconv_open (it maps executable code).  Thread start is libc's work too
 * (issue 11 item 3): which calls pthread_create makes (stack, signal mask,
 * clone3 flags) is fixed by libc, not by its caller. */
static const struct {
	const char *name;
	uint8_t rt;
} runtime_funcs[] = {
	/* allocator (glibc malloc/malloc.c, arena.c) */
	{ "malloc", SF_RT_ALLOC }, { "free", SF_RT_ALLOC },
	{ "calloc", SF_RT_ALLOC }, { "realloc", SF_RT_ALLOC },
	{ "reallocarray", SF_RT_ALLOC }, { "memalign", SF_RT_ALLOC },
	{ "posix_memalign", SF_RT_ALLOC }, { "aligned_alloc", SF_RT_ALLOC },
	{ "valloc", SF_RT_ALLOC }, { "pvalloc", SF_RT_ALLOC },
	{ "malloc_trim", SF_RT_ALLOC }, { "_mid_memalign", SF_RT_ALLOC },
	{ "_int_malloc", SF_RT_ALLOC }, { "_int_free", SF_RT_ALLOC },
	{ "_int_realloc", SF_RT_ALLOC }, { "_int_memalign", SF_RT_ALLOC },
	{ "sysmalloc", SF_RT_ALLOC }, { "systrim", SF_RT_ALLOC },
	{ "malloc_consolidate", SF_RT_ALLOC }, { "mtrim", SF_RT_ALLOC },
	{ "munmap_chunk", SF_RT_ALLOC }, { "mremap_chunk", SF_RT_ALLOC },
	{ "new_heap", SF_RT_ALLOC }, { "alloc_new_heap", SF_RT_ALLOC },
	{ "grow_heap", SF_RT_ALLOC }, { "shrink_heap", SF_RT_ALLOC },
	{ "heap_trim", SF_RT_ALLOC }, { "_int_new_arena", SF_RT_ALLOC },
	{ "arena_get2", SF_RT_ALLOC }, { "arena_get_retry", SF_RT_ALLOC },
	{ "tcache_init", SF_RT_ALLOC }, { "ptmalloc_init", SF_RT_ALLOC },
	{ "__malloc_arena_thread_freeres", SF_RT_ALLOC },
	/* stdio buffer set-up (libio/filedoalloc.c: fstat, isatty) */
	{ "_IO_file_doallocate", SF_RT_STDIO }, { "_IO_doallocbuf", SF_RT_STDIO },
	{ "isatty", SF_RT_STDIO },
	/* locale, time zone, message catalogues */
	{ "setlocale", SF_RT_LOCALE }, { "newlocale", SF_RT_LOCALE },
	{ "_nl_find_locale", SF_RT_LOCALE }, { "_nl_load_locale", SF_RT_LOCALE },
	{ "_nl_load_locale_from_archive", SF_RT_LOCALE },
	{ "_nl_find_domain", SF_RT_LOCALE }, { "_nl_load_domain", SF_RT_LOCALE },
	{ "__dcigettext", SF_RT_LOCALE }, { "dcgettext", SF_RT_LOCALE },
	{ "dcngettext", SF_RT_LOCALE }, { "bindtextdomain", SF_RT_LOCALE },
	{ "textdomain", SF_RT_LOCALE },
	{ "tzset", SF_RT_LOCALE }, { "tzset_internal", SF_RT_LOCALE },
	{ "__tzfile_read", SF_RT_LOCALE }, { "__tz_convert", SF_RT_LOCALE },
	{ "__tzset_parse_tz", SF_RT_LOCALE },
	/* thread start and join (nptl/pthread_create.c, allocate_stack.c,
	 * pthread_join_common.c, nptl-stack.c): the stack's mmap/mprotect,
	 * blocking signals around clone3, clone3 with glibc's fixed thread
	 * flags, the join's futex wait, freeing cached stacks.  Not
	 * pthread_exit/pthread_cancel: they load libgcc_s (dlopen maps
	 * executable code), which stays the caller's.  Not __clone_internal:
	 * posix_spawn creates processes through it. */
	{ "pthread_create", SF_RT_THREAD }, { "__pthread_create_2_1", SF_RT_THREAD },
	{ "create_thread", SF_RT_THREAD },
	{ "pthread_join", SF_RT_THREAD }, { "pthread_tryjoin_np", SF_RT_THREAD },
	{ "pthread_timedjoin_np", SF_RT_THREAD }, { "pthread_clockjoin_np", SF_RT_THREAD },
	{ "__pthread_clockjoin_ex", SF_RT_THREAD }, { "__pthread_tryjoin_np", SF_RT_THREAD },
	{ "pthread_detach", SF_RT_THREAD }, { "___pthread_detach", SF_RT_THREAD },
	{ "__nptl_free_stacks", SF_RT_THREAD }, { "__nptl_deallocate_stack", SF_RT_THREAD },
};

struct rt_range {
	uint64_t start, end; /* file offsets */
	uint8_t rt;
};

static uint8_t runtime_class(const char *name, unsigned classes)
{
	/* a debug file names versioned definitions "pthread_join@@GLIBC_2.34" */
	size_t len = strcspn(name, "@");

	for (size_t i = 0; i < sizeof(runtime_funcs) / sizeof(runtime_funcs[0]); i++)
		if (!strncmp(runtime_funcs[i].name, name, len) && !runtime_funcs[i].name[len])
			return classes & (1u << runtime_funcs[i].rt) ? runtime_funcs[i].rt
								      : SF_RT_NONE;
	return SF_RT_NONE;
}

/* Append the ranges of runtime functions found in symbol section scn of elf
 * (vaddrs translated through b's segments).  Returns ranges added. */
static size_t collect_ranges(const struct builder *b, Elf *elf, Elf_Scn *scn,
			     unsigned classes, struct rt_range **out, size_t *n, size_t *cap)
{
	GElf_Shdr sh;
	Elf_Data *data;
	size_t added = 0;

	if (!gelf_getshdr(scn, &sh) || !(data = elf_getdata(scn, NULL)) || !sh.sh_entsize)
		return 0;
	for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Sym sym;
		const char *name;
		uint64_t off;
		uint8_t rt;

		if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !sym.st_size || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || !(rt = runtime_class(name, classes)))
			continue;
		if (!vaddr_to_off(b, sym.st_value, &off))
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			struct rt_range *p = realloc(*out, nc * sizeof(*p));

			if (!p)
				return added;
			*out = p;
			*cap = nc;
		}
		(*out)[(*n)++] = (struct rt_range){ off, off + sym.st_size, rt };
		added++;
	}
	return added;
}

static Elf_Scn *find_scn(Elf *elf, uint32_t type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
			return scn;
	return NULL;
}

static int cmp_range(const void *a, const void *b)
{
	const struct rt_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* rt class at file offset p: ranges sorted by start, non-overlapping in
 * practice (aliases share a range: same class). */
static uint8_t class_at(const struct rt_range *r, size_t n, uint64_t p)
{
	for (size_t i = 0; i < n && r[i].start <= p; i++)
		if (p < r[i].end)
			return r[i].rt;
	return SF_RT_NONE;
}

static int cmp_off64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Rows re-cut at every range boundary: row at point p = the row covering p
 * with the class of p; identical neighbours merged. */
static int recut_rows(struct cfi_table *t, const struct rt_range *r, size_t nr)
{
	size_t npts = t->nrows + 2 * nr, n = 0, w = 0;
	uint64_t *pts = malloc(npts * sizeof(*pts));
	struct sf_cfi_row *rows;

	if (!pts)
		return -ENOMEM;
	for (size_t i = 0; i < t->nrows; i++)
		pts[n++] = t->rows[i].off;
	for (size_t i = 0; i < nr; i++) {
		pts[n++] = r[i].start;
		pts[n++] = r[i].end;
	}
	qsort(pts, n, sizeof(*pts), cmp_off64);
	rows = malloc(n * sizeof(*rows));
	if (!rows) {
		free(pts);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		long k;
		struct sf_cfi_row row;

		if ((i && pts[i] == pts[i - 1]) || pts[i] > UINT32_MAX)
			continue;
		k = cfi__lookup(t, pts[i]);
		if (k < 0)
			continue;
		row = t->rows[k];
		row.off = (uint32_t)pts[i];
		/* a gap (no CFI) stays a gap: never unwound through */
		row.rt = row.kind == SF_CFA_NONE ? SF_RT_NONE : class_at(r, nr, pts[i]);
		if (w && rows[w - 1].kind == row.kind && rows[w - 1].cfa_off == row.cfa_off &&
		    rows[w - 1].rbp_off == row.rbp_off && rows[w - 1].rt == row.rt)
			continue;
		rows[w++] = row;
	}
	free(pts);
	free(t->rows);
	t->rows = rows;
	t->nrows = w;
	return 0;
}

int cfi__mark_runtime(const char *path, struct cfi_table *t, size_t *nfuncs,
		      const char **source, char *err, size_t errlen)
{
	return cfi__mark_runtime_classes(path, t, CFI_RT_ALL, nfuncs, source, err, errlen);
}

int cfi__mark_runtime_classes(const char *path, struct cfi_table *t, unsigned classes,
			      size_t *nfuncs, const char **source, char *err, size_t errlen)
{
	struct builder b = { .err = err, .errlen = errlen };
	struct rt_range *ranges = NULL;
	size_t n = 0, cap = 0;
	Elf *dbg = NULL;
	int fd = -1, dfd = -1, rc = 0;
	Elf_Scn *scn;
	char id[128], dpath[PATH_MAX];

	*nfuncs = 0;
	*source = "none";
	rc = open_elf(&b, path, &fd);
	if (rc)
		goto cleanup;
	if ((scn = find_scn(b.elf, SHT_SYMTAB)) && collect_ranges(&b, b.elf, scn, classes, &ranges, &n, &cap)) {
		*source = "symtab";
	} else if (!elf__build_id(path, id, sizeof(id)) &&
		   snprintf(dpath, sizeof(dpath), "/usr/lib/debug/.build-id/%.2s/%s.debug", id,
			    id + 2) < (int)sizeof(dpath) &&
		   (dfd = open(dpath, O_RDONLY | O_CLOEXEC)) >= 0 &&
		   (dbg = elf_begin(dfd, ELF_C_READ_MMAP, NULL)) &&
		   (scn = find_scn(dbg, SHT_SYMTAB)) &&
		   collect_ranges(&b, dbg, scn, classes, &ranges, &n, &cap)) {
		*source = "debug file";
	} else if ((scn = find_scn(b.elf, SHT_DYNSYM)) &&
		   collect_ranges(&b, b.elf, scn, classes, &ranges, &n, &cap)) {
		*source = "dynsym";
	}
	if (!n)
		goto cleanup;
	qsort(ranges, n, sizeof(*ranges), cmp_range);
	rc = recut_rows(t, ranges, n);
	if (rc) {
		fail(&b, rc, "out of memory");
		goto cleanup;
	}
	*nfuncs = n;
cleanup:
	if (dbg)
		elf_end(dbg);
	if (dfd >= 0)
		close(dfd);
	if (b.elf)
		elf_end(b.elf);
	if (fd >= 0)
		close(fd);
	free(b.segs);
	free(ranges);
	return rc;
}
