// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * elfinfo.c - build-id and symbol lookups with libelf.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfinfo.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

struct seg {
	uint64_t vaddr, off, filesz;
};

struct sym {
	uint64_t value, size;
	uint32_t name;  /* offset in names */
	uint8_t rank;   /* alias preference: lower is better */
};

struct elf_syms {
	struct sym *syms;   /* sorted by value, then rank */
	size_t nsyms;
	char *names;
	size_t names_len, names_cap;
	struct seg *segs;
	size_t nsegs;
};

static int open_elf(const char *path, int *fd, Elf **elf)
{
	int rc;

	*elf = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		rc = -ENOEXEC;
		if (*elf)
			elf_end(*elf);
		*elf = NULL;
		close(*fd);
		return rc;
	}
	return 0;
}

static int hexify(const uint8_t *p, size_t n, char *hex, size_t hexlen)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (hexlen < 2 * n + 1 || n == 0)
		return n == 0 ? -ENOENT : -ENOSPC;
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[2 * n] = '\0';
	return 0;
}

/* 0 when found, -ENOENT when data has no build-id note, other -errno. */
static int build_id_in(Elf_Data *data, char *hex, size_t hexlen)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return -ENOENT;
	while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((const char *)data->d_buf + name_off, "GNU", 4))
			return hexify((const uint8_t *)data->d_buf + desc_off,
				      nh.n_descsz, hex, hexlen);
		off = next;
	}
	return -ENOENT;
}

int elf__build_id(const char *path, char *hex, size_t hexlen)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Phdr ph;
	size_t n, i;
	Elf *elf;
	int fd, rc = -ENOENT;

	rc = open_elf(path, &fd, &elf);
	if (rc)
		return rc;
	rc = -ENOENT;
	/* program headers first: they survive any stripping */
	if (elf_getphdrnum(elf, &n) == 0) {
		for (i = 0; i < n && rc == -ENOENT; i++) {
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
				continue;
			rc = build_id_in(elf_getdata_rawchunk(elf, (int64_t)ph.p_offset,
							      ph.p_filesz, ELF_T_NHDR),
					 hex, hexlen);
		}
	}
	while (rc == -ENOENT && (scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE)
			rc = build_id_in(elf_getdata(scn, NULL), hex, hexlen);
	}
	elf_end(elf);
	close(fd);
	return rc;
}

/* ---- symbols ------------------------------------------------------------- */

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return (int)x->rank - (int)y->rank;
}

/* Aliases share an address: prefer sized, fewer leading '_', global. */
static uint8_t rank_of(const GElf_Sym *s, const char *name)
{
	uint8_t r = 0;
	int u = 0;

	if (!s->st_size)
		r += 64;
	while (name[u] == '_' && u < 3)
		u++;
	r += (uint8_t)(u * 4);
	switch (GELF_ST_BIND(s->st_info)) {
	case STB_GLOBAL: break;
	case STB_WEAK: r += 1; break;
	default: r += 2; break;
	}
	return r;
}

static int load_symtab(struct elf_syms *s, Elf *elf, Elf_Scn *scn)
{
	GElf_Shdr sh;
	Elf_Data *data;
	size_t i, n, len;
	GElf_Sym sym;

	if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return 0;
	data = elf_getdata(scn, NULL);
	if (!data)
		return 0;
	n = sh.sh_size / sh.sh_entsize;
	s->syms = calloc(n ? n : 1, sizeof(*s->syms));
	if (!s->syms)
		return -ENOMEM;
	for (i = 1; i < n; i++) {
		const char *name;
		int type;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		len = strlen(name) + 1;
		if (s->names_len + len > UINT32_MAX)
			return -EFBIG;
		if (s->names_len + len > s->names_cap) {
			size_t cap = s->names_cap ? s->names_cap * 2 : 65536;
			char *p;

			while (cap < s->names_len + len)
				cap *= 2;
			p = realloc(s->names, cap);
			if (!p)
				return -ENOMEM;
			s->names = p;
			s->names_cap = cap;
		}
		memcpy(s->names + s->names_len, name, len);
		s->syms[s->nsyms++] = (struct sym){
			.value = sym.st_value, .size = sym.st_size,
			.name = (uint32_t)s->names_len,
			.rank = rank_of(&sym, name),
		};
		s->names_len += len;
	}
	qsort(s->syms, s->nsyms, sizeof(*s->syms), cmp_sym);
	return 0;
}

struct elf_syms *elf_syms__open(const char *path)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	struct elf_syms *s;
	GElf_Shdr sh;
	GElf_Phdr ph;
	size_t n, i;
	Elf *elf;
	int fd, rc;

	rc = open_elf(path, &fd, &elf);
	if (rc) {
		errno = -rc;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (elf_getphdrnum(elf, &n) == 0 && n) {
		s->segs = calloc(n, sizeof(*s->segs));
		if (!s->segs) {
			rc = -ENOMEM;
			goto cleanup;
		}
		for (i = 0; i < n; i++)
			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
				s->segs[s->nsegs++] = (struct seg){
					ph.p_vaddr, ph.p_offset, ph.p_filesz };
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB && sh.sh_size)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM && sh.sh_size)
			dynsym = scn;
	}
	if (symtab || dynsym)
		rc = load_symtab(s, elf, symtab ? symtab : dynsym);
cleanup:
	elf_end(elf);
	close(fd);
	if (rc) {
		elf_syms__close(s);
		errno = -rc;
		return NULL;
	}
	return s;
}

void elf_syms__close(struct elf_syms *s)
{
	if (!s)
		return;
	free(s->syms);
	free(s->names);
	free(s->segs);
	free(s);
}

static bool off_to_vaddr(const struct elf_syms *s, uint64_t off, uint64_t *v)
{
	size_t i;

	for (i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];

		if (off >= g->off && off - g->off < g->filesz) {
			*v = off - g->off + g->vaddr;
			return true;
		}
	}
	if (!s->nsegs) { /* relocatable object: offsets are addresses */
		*v = off;
		return true;
	}
	return false;
}

static bool vaddr_to_off(const struct elf_syms *s, uint64_t v, uint64_t *off)
{
	size_t i;

	for (i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];

		if (v >= g->vaddr && v - g->vaddr < g->filesz) {
			*off = v - g->vaddr + g->off;
			return true;
		}
	}
	if (!s->nsegs) {
		*off = v;
		return true;
	}
	return false;
}

int elf_syms__lookup(struct elf_syms *s, uint64_t file_off, char *buf,
		     size_t buflen)
{
	size_t lo = 0, hi, i, best;
	uint64_t v;

	if (!s || !s->nsyms || !off_to_vaddr(s, file_off, &v))
		return -ENOENT;
	hi = s->nsyms;
	while (lo < hi) { /* first symbol with value > v */
		size_t mid = lo + (hi - lo) / 2;

		if (s->syms[mid].value <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -ENOENT;
	/* lo - 1 has the greatest value <= v; the first of that value has the
	 * best rank.  A bigger function starting earlier may still contain v
	 * (nested/cold parts): look back a few symbols for one that does. */
	best = lo - 1;
	while (best > 0 && s->syms[best - 1].value == s->syms[best].value)
		best--;
	if (v - s->syms[best].value >= s->syms[best].size) {
		for (i = best; i-- > 0 && best - i <= 8;) {
			if (v - s->syms[i].value < s->syms[i].size) {
				best = i;
				while (best > 0 && s->syms[best - 1].value ==
						   s->syms[best].value)
					best--;
				break;
			}
		}
	}
	/* Outside every sized symbol (a static function of a binary that only
	 * kept .dynsym): an unknown place, not "nearest symbol + far". */
	if (s->syms[best].size && v - s->syms[best].value >= s->syms[best].size)
		return -ENOENT;
	if (v == s->syms[best].value)
		snprintf(buf, buflen, "%s", s->names + s->syms[best].name);
	else
		snprintf(buf, buflen, "%s+0x%llx", s->names + s->syms[best].name,
			 (unsigned long long)(v - s->syms[best].value));
	return 0;
}

int elf_syms__find(struct elf_syms *s, const char *name, uint64_t *file_off)
{
	size_t i;

	if (!s)
		return -ENOENT;
	for (i = 0; i < s->nsyms; i++)
		if (!strcmp(s->names + s->syms[i].name, name))
			return vaddr_to_off(s, s->syms[i].value, file_off) ?
				       0 : -ENOENT;
	return -ENOENT;
}

/* ---- dynamic imports ---------------------------------------------------- */

void elf_dyn__free(struct elf_dyn *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nundef; i++)
		free(d->undef[i]);
	for (size_t i = 0; i < d->nneeded; i++)
		free(d->needed[i]);
	free(d->undef);
	free(d->needed);
	free(d->runpath);
	memset(d, 0, sizeof(*d));
}

static int push_str(char ***v, size_t *n, const char *s, size_t len)
{
	char **p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return -ENOMEM;
	*v = p;
	p[*n] = strndup(s, len);
	if (!p[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

int elf__dynamic(const char *path, struct elf_dyn *out)
{
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	int fd = -1, rc;

	bool dynamic = false;
	size_t shstrndx = 0;

	memset(out, 0, sizeof(*out));
	rc = open_elf(path, &fd, &elf);
	if (rc)
		return rc;
	if (elf_getshdrstrndx(elf, &shstrndx))
		shstrndx = 0;
	while (!rc && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		const char *sname;
		size_t n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sname = shstrndx ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (sname && (!strcmp(sname, ".go.buildinfo") || !strcmp(sname, ".gopclntab")))
			out->own_syscalls = 1;
		dynamic |= sh.sh_type == SHT_DYNAMIC;
		if (!sh.sh_entsize ||
		    (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_DYNAMIC) ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_size / sh.sh_entsize;
		if (sh.sh_type == SHT_DYNSYM) {
			if (n > ELF_DYN_MAX_SYMS) {
				rc = -E2BIG;
				break;
			}
			for (size_t i = 1; !rc && i < n; i++) {
				GElf_Sym sym;
				const char *name;

				if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx != SHN_UNDEF ||
				    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) || !*name)
					continue;
				rc = push_str(&out->undef, &out->nundef, name, strcspn(name, "@"));
			}
			continue;
		}
		for (size_t i = 0; !rc && i < n; i++) {
			GElf_Dyn dyn;
			const char *v;

			if (!gelf_getdyn(data, (int)i, &dyn))
				continue;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH)
				continue;
			v = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (!v)
				continue;
			if (dyn.d_tag == DT_NEEDED) {
				if (out->nneeded == ELF_DYN_MAX_NEEDED)
					rc = -E2BIG;
				else
					rc = push_str(&out->needed, &out->nneeded, v, strlen(v));
			} else if (dyn.d_tag == DT_RUNPATH || !out->runpath) {
				free(out->runpath);
				out->runpath = strdup(v);
				if (!out->runpath)
					rc = -ENOMEM;
			}
		}
	}
	if (!dynamic)
		out->own_syscalls = 1;
	elf_end(elf);
	close(fd);
	if (rc)
		elf_dyn__free(out);
	return rc;
}
