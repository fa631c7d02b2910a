// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * test_cfi - CFA tables of the system's libc and ld.so, ELF helpers, and a
 * ptrace ground truth (tests/progs/cfi/cfi-truth) unwinding real syscalls
 * with the tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfi.h"
#include "elfinfo.h"
#include "skip.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"
#define LDSO "/lib64/ld-linux-x86-64.so.2"
#define LIBSTDCXX "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"

static struct cfi_table libc_t, ldso_t;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (cfi__build(LIBC, &libc_t, err, sizeof(err)) != 0) {
		fprintf(stderr, "libc: %s\n", err);
		return -1;
	}
	if (cfi__build(LDSO, &ldso_t, err, sizeof(err)) != 0) {
		fprintf(stderr, "ld.so: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cfi__free(&libc_t);
	cfi__free(&ldso_t);
	return 0;
}

#define NKINDS (SF_CFA_RA_RDI + 1)

static void count_kinds(const struct cfi_table *t, size_t kinds[NKINDS])
{
	size_t i;

	memset(kinds, 0, NKINDS * sizeof(kinds[0]));
	for (i = 0; i < t->nrows; i++) {
		assert_true(t->rows[i].kind < NKINDS);
		kinds[t->rows[i].kind]++;
	}
}

static void check_shape(const struct cfi_table *t)
{
	size_t i;

	assert_int_equal(sizeof(struct sf_cfi_row), 12);
	assert_true(t->nrows > 0);
	for (i = 1; i < t->nrows; i++) {
		const struct sf_cfi_row *a = &t->rows[i - 1], *b = &t->rows[i];

		assert_true(a->off < b->off); /* sorted, unique */
		/* merged: no two adjacent identical rules */
		assert_false(a->kind == b->kind && a->cfa_off == b->cfa_off &&
			     a->rbp_off == b->rbp_off);
		assert_true(a->rt == SF_RT_NONE); /* marked only on request */
	}
	/* the last row closes the last FDE */
	assert_int_equal(t->rows[t->nrows - 1].kind, SF_CFA_NONE);
}

static void test_libc_shape(void **state)
{
	size_t k[NKINDS], cfa_rows;

	(void)state;
	check_shape(&libc_t);
	assert_in_range(libc_t.nrows, 15000, 45000);
	count_kinds(&libc_t, k);
	cfa_rows = k[SF_CFA_RSP] + k[SF_CFA_RBP];
	assert_true(k[SF_CFA_RSP] * 1000 >= cfa_rows * 970); /* ~98.5% rsp */
	assert_true(k[SF_CFA_RBP] > 50);
	assert_in_range(k[SF_CFA_END], 1, 10);
	assert_true(k[SF_CFA_UNSUPPORTED] < 50);
	assert_true(k[SF_CFA_NONE] > 100);
	assert_true(k[SF_CFA_PLT] >= 1); /* libc has .plt with CFI */
	assert_in_range(k[SF_CFA_RA_RDI], 1, 4); /* vfork */
}

static void test_ldso_shape(void **state)
{
	size_t k[NKINDS];

	(void)state;
	check_shape(&ldso_t);
	assert_in_range(ldso_t.nrows, 1000, 8000);
	count_kinds(&ldso_t, k);
	assert_true(k[SF_CFA_RSP] > 1000);
	assert_true(k[SF_CFA_PLT] >= 1);
	assert_true(k[SF_CFA_UNSUPPORTED] < 50);
}

static int read_bytes(const char *path, uint64_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = pread(fd, buf, n, (off_t)off);
	close(fd);
	return r == (ssize_t)n ? 0 : -EIO;
}

static const struct sf_cfi_row *row_at(const struct cfi_table *t, uint64_t off)
{
	long i = cfi__lookup(t, off);

	assert_true(i >= 0);
	return &t->rows[i];
}

static void test_getppid(void **state)
{
	struct elf_syms *s = elf_syms__open(LIBC);
	const struct sf_cfi_row *r;
	uint8_t code[16];
	uint64_t off;
	char name[128];
	int i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(elf_syms__find(s, "getppid", &off), 0);
	assert_int_equal(elf_syms__lookup(s, off, name, sizeof(name)), 0);
	assert_string_equal(name, "getppid");
	assert_int_equal(elf_syms__lookup(s, off + 3, name, sizeof(name)), 0);
	assert_string_equal(name, "getppid+0x3");
	/* entry and the ip at sys_enter (after the syscall insn): RSP+8 */
	r = row_at(&libc_t, off);
	assert_int_equal(r->kind, SF_CFA_RSP);
	assert_int_equal(r->cfa_off, 8);
	assert_int_equal(read_bytes(LIBC, off, code, sizeof(code)), 0);
	for (i = 0; i + 1 < (int)sizeof(code); i++)
		if (code[i] == 0x0f && code[i + 1] == 0x05)
			break;
	assert_true(i + 1 < (int)sizeof(code));
	r = row_at(&libc_t, off + i + 2);
	assert_int_equal(r->kind, SF_CFA_RSP);
	assert_int_equal(r->cfa_off, 8);
	assert_int_equal(elf_syms__find(s, "no_such_symbol_xyz", &off), -ENOENT);
	elf_syms__close(s);
}

/* vfork pops its return address into rdi before the syscall. */
static void test_vfork(void **state)
{
	struct elf_syms *s = elf_syms__open(LIBC);
	const struct sf_cfi_row *r;
	struct cfi_regs regs;
	uint8_t code[16];
	uint64_t off;
	int i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(elf_syms__find(s, "vfork", &off), 0);
	assert_int_equal(read_bytes(LIBC, off, code, sizeof(code)), 0);
	for (i = 0; i + 1 < (int)sizeof(code); i++)
		if (code[i] == 0x0f && code[i + 1] == 0x05)
			break;
	assert_true(i + 1 < (int)sizeof(code));
	r = row_at(&libc_t, off + i + 2);
	assert_int_equal(r->kind, SF_CFA_RA_RDI);
	assert_int_equal(r->cfa_off, 0);
	regs = (struct cfi_regs){ .sp = 0x1000, .di = 0x400789 };
	assert_int_equal(cfi__unwind_step(&libc_t, off + i + 2, true, &regs,
					  NULL, NULL), CFI_STEP_OK);
	assert_int_equal(regs.ip, 0x400789);
	assert_int_equal(regs.sp, 0x1000);
	assert_int_equal(cfi__unwind_step(&libc_t, off + i + 3, false, &regs,
					  NULL, NULL), CFI_STEP_UNSUPPORTED);
	elf_syms__close(s);
}

/* clone/clone3 end their FDE right before `syscall`: a gap row starts on
 * the syscall instruction and the child path that follows has its return
 * address undefined (SF_CFA_END). */
static void test_clone_gaps(void **state)
{
	struct elf_syms *s = elf_syms__open(LIBC);
	uint64_t clone_off;
	size_t i, ends = 0;
	bool clone_seen = false;

	(void)state;
	assert_non_null(s);
	assert_int_equal(elf_syms__find(s, "__clone", &clone_off), 0);
	for (i = 1; i < libc_t.nrows; i++) {
		const struct sf_cfi_row *gap = &libc_t.rows[i - 1];
		uint8_t insn[2];

		if (libc_t.rows[i].kind != SF_CFA_END ||
		    gap->kind != SF_CFA_NONE)
			continue;
		assert_int_equal(read_bytes(LIBC, gap->off, insn, 2), 0);
		if (insn[0] != 0x0f || insn[1] != 0x05) /* syscall */
			continue;
		ends++;
		/* frame 0 at sys_enter: ip = syscall + 2, key = ip - 2 */
		assert_int_equal(row_at(&libc_t, gap->off)->kind, SF_CFA_NONE);
		if (gap->off > clone_off && gap->off < clone_off + 0x80)
			clone_seen = true;
	}
	assert_true(clone_seen);
	assert_true(ends >= 2); /* clone and clone3 */
	elf_syms__close(s);
}

/* __restore_rt (mov $15,%rax; syscall) is a signal frame: its
 * rt_sigreturn ends the unwind as libc runtime. */
static void test_sigreturn(void **state)
{
	static const uint8_t pat[] = { 0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00,
				       0x0f, 0x05 };
	struct cfi_regs r = { .sp = 0x1000 };
	struct stat st;
	uint8_t *buf, *hit;
	uint64_t off;
	int fd;

	(void)state;
	fd = open(LIBC, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	hit = memmem(buf, (size_t)st.st_size, pat, sizeof(pat));
	assert_non_null(hit);
	off = (uint64_t)(hit - buf) + sizeof(pat); /* ip after syscall */
	free(buf);
	assert_int_equal(row_at(&libc_t, off - 2)->kind, SF_CFA_END);
	assert_int_equal(cfi__unwind_step(&libc_t, off, true, &r, NULL, NULL),
			 CFI_STEP_END);
}

static uint64_t mem_stack[4];
static int read_mem(void *ctx, uint64_t addr, uint64_t *val)
{
	(void)ctx;
	if (addr < 0x1000 || addr >= 0x1000 + sizeof(mem_stack) ||
	    (addr - 0x1000) % 8)
		return -EFAULT;
	*val = mem_stack[(addr - 0x1000) / 8];
	return 0;
}

/* Frame-0 rules of cfi__unwind_step on a synthetic stack. */
static void test_unwind_step(void **state)
{
	struct elf_syms *s = elf_syms__open(LIBC);
	struct cfi_regs r;
	uint64_t off, clone_off, clone_sc;
	long i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(elf_syms__find(s, "getppid", &off), 0);
	assert_int_equal(elf_syms__find(s, "__clone", &clone_off), 0);
	/* clone's syscall: the gap row that starts inside clone */
	i = cfi__lookup(&libc_t, clone_off);
	assert_true(i >= 0);
	while ((size_t)i < libc_t.nrows && libc_t.rows[i].kind != SF_CFA_NONE)
		i++;
	assert_true((size_t)i < libc_t.nrows);
	clone_sc = libc_t.rows[i].off;
	assert_true(clone_sc - clone_off < 0x80);
	mem_stack[0] = 0x400123;
	mem_stack[1] = 0x400456;
	r = (struct cfi_regs){ .ip = 0x7f0000000000 + off + 7, .sp = 0x1000,
			       .bp = 77 }; /* getppid: mov $110,%eax; syscall */
	assert_int_equal(cfi__unwind_step(&libc_t, off + 7, true, &r, read_mem,
					  NULL), CFI_STEP_OK);
	assert_int_equal(r.ip, 0x400123);
	assert_int_equal(r.sp, 0x1008);
	assert_int_equal(r.bp, 77);
	/* gap at frame 0 = leaf (clone's syscall) */
	r = (struct cfi_regs){ .sp = 0x1008 };
	assert_int_equal(cfi__unwind_step(&libc_t, clone_sc + 2, true, &r,
					  read_mem, NULL), CFI_STEP_OK);
	assert_int_equal(r.ip, 0x400456);
	/* gap at a deeper frame: no CFI */
	r = (struct cfi_regs){ .sp = 0x1000 };
	assert_int_equal(cfi__unwind_step(&libc_t, clone_sc + 2, false, &r,
					  read_mem, NULL), CFI_STEP_NO_CFI);
	/* unreadable stack */
	r = (struct cfi_regs){ .sp = 0x9000 };
	assert_int_equal(cfi__unwind_step(&libc_t, off + 7, true, &r, read_mem,
					  NULL), CFI_STEP_READ_FAILED);
	/* before the first row */
	assert_int_equal(cfi__lookup(&libc_t, 0), -1);
	elf_syms__close(s);
}

static void test_libstdcxx(void **state)
{
	struct cfi_table t;
	char err[256];

	(void)state;
	if (access(LIBSTDCXX, R_OK) != 0)
		SF_SKIP("%s not installed", LIBSTDCXX);
	assert_int_equal(cfi__build(LIBSTDCXX, &t, err, sizeof(err)), 0);
	check_shape(&t);
	assert_true(t.nrows > 10000);
	cfi__free(&t);
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The same table without section headers (PT_GNU_EH_FRAME path) and after
 * strip --strip-all must be identical. */
/* class of the row covering file offset off */
static unsigned rt_at(const struct cfi_table *t, uint64_t off)
{
	long i = cfi__lookup(t, off);

	assert_true(i >= 0);
	return t->rows[i].rt;
}

static void check_marks(const struct cfi_table *t, struct elf_syms *syms)
{
	static const struct { const char *name; unsigned rt; } want[] = {
		{ "malloc", SF_RT_ALLOC }, { "free", SF_RT_ALLOC },
		{ "realloc", SF_RT_ALLOC }, { "calloc", SF_RT_ALLOC },
		{ "_IO_file_doallocate", SF_RT_STDIO }, { "setlocale", SF_RT_LOCALE },
		{ "tzset", SF_RT_LOCALE },
		{ "pthread_create", SF_RT_THREAD }, { "pthread_join", SF_RT_THREAD },
		{ "pthread_detach", SF_RT_THREAD },
		/* the caller's own decisions; pthread_exit loads libgcc_s,
		 * posix_spawn and fork create processes */
		{ "getppid", SF_RT_NONE }, { "write", SF_RT_NONE },
		{ "fopen", SF_RT_NONE }, { "mmap", SF_RT_NONE },
		{ "dlopen", SF_RT_NONE }, { "pthread_exit", SF_RT_NONE },
		{ "posix_spawn", SF_RT_NONE }, { "fork", SF_RT_NONE },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t off;

		assert_int_equal(elf_syms__find(syms, want[i].name, &off), 0);
		if (rt_at(t, off + 4) != want[i].rt)
			fail_msg("%s: class %u, expected %u", want[i].name, rt_at(t, off + 4),
				 want[i].rt);
	}
}

static void test_runtime_marks(void **state)
{
	char dir[] = "/tmp/test_cfi.XXXXXX", path[256], cmd[600], err[256];
	struct cfi_table t = {};
	struct elf_syms *syms = elf_syms__open(LIBC);
	struct cfi_regs regs = {};
	const char *src;
	size_t nf, nf_dyn, marked = 0;
	uint64_t off;

	(void)state;
	assert_non_null(syms);
	/* with libc's debug file (libc6-dbg, installed by install-deps.sh) */
	assert_int_equal(cfi__build(LIBC, &t, err, sizeof(err)), 0);
	assert_int_equal(cfi__mark_runtime(LIBC, &t, &nf, &src, err, sizeof(err)), 0);
	assert_string_equal(src, "debug file");
	check_marks(&t, syms);
	for (size_t i = 0; i < t.nrows; i++)
		marked += t.rows[i].rt != SF_RT_NONE;
	assert_true(marked > 50);
	/* the rules themselves are unchanged: every original row boundary
	 * still carries its rule */
	for (size_t i = 0; i < libc_t.nrows; i++) {
		long k = cfi__lookup(&t, libc_t.rows[i].off);

		assert_true(k >= 0);
		assert_int_equal(t.rows[k].kind, libc_t.rows[i].kind);
		assert_int_equal(t.rows[k].cfa_off, libc_t.rows[i].cfa_off);
		assert_int_equal(t.rows[k].rbp_off, libc_t.rows[i].rbp_off);
	}
	/* the reference unwinder stops in a runtime frame */
	assert_int_equal(elf_syms__find(syms, "malloc", &off), 0);
	regs.sp = 0x1000;
	assert_int_equal(cfi__unwind_step(&t, off + 8, false, &regs, NULL, NULL),
			 CFI_STEP_RUNTIME);
	assert_int_equal(regs.rt, SF_RT_ALLOC);
	assert_int_equal(regs.sp, 0x1000);
	cfi__free(&t);

	/* some classes only: enforcing a policy without [libc-thread] keeps
	 * thread start with its caller */
	assert_int_equal(cfi__build(LIBC, &t, err, sizeof(err)), 0);
	assert_int_equal(cfi__mark_runtime_classes(LIBC, &t, CFI_RT_ALL & ~(1u << SF_RT_THREAD),
						   &nf_dyn, &src, err, sizeof(err)), 0);
	assert_true(nf_dyn < nf);
	assert_int_equal(elf_syms__find(syms, "pthread_create", &off), 0);
	assert_int_equal(rt_at(&t, off + 4), SF_RT_NONE);
	assert_int_equal(elf_syms__find(syms, "malloc", &off), 0);
	assert_int_equal(rt_at(&t, off + 4), SF_RT_ALLOC);
	cfi__free(&t);

	/* without a build-id, no debug file: exported names only */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/libc.so", dir);
	snprintf(cmd, sizeof(cmd), "objcopy -R .note.gnu.build-id %s %s", LIBC, path);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(cfi__build(path, &t, err, sizeof(err)), 0);
	assert_int_equal(cfi__mark_runtime(path, &t, &nf_dyn, &src, err, sizeof(err)), 0);
	assert_string_equal(src, "dynsym");
	assert_true(nf_dyn > 10 && nf_dyn < nf);
	check_marks(&t, syms);
	cfi__free(&t);

	/* a library that defines none of the names is left as it is */
	assert_int_equal(cfi__build(LDSO, &t, err, sizeof(err)), 0);
	assert_int_equal(cfi__mark_runtime(LDSO, &t, &nf, &src, err, sizeof(err)), 0);
	assert_int_equal(nf, 0);
	assert_int_equal(t.nrows, ldso_t.nrows);
	assert_memory_equal(t.rows, ldso_t.rows, t.nrows * sizeof(*t.rows));
	cfi__free(&t);
	assert_int_equal(cfi__mark_runtime("/nonexistent", &t, &nf, &src, err, sizeof(err)),
			 -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	run(cmd);
	elf_syms__close(syms);
}

static void test_stripped_and_no_shdrs(void **state)
{
	char dir[] = "/tmp/test_cfi.XXXXXX", path[256], cmd[600], err[256];
	struct cfi_table t;
	unsigned char ehdr[64];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ld.so", dir);
	snprintf(cmd, sizeof(cmd), "cp %s %s", LDSO, path);
	assert_int_equal(run(cmd), 0);
	/* e_shoff = 0, e_shnum = 0, e_shstrndx = 0 */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, ehdr, 64, 0), 64);
	memset(ehdr + 0x28, 0, 8);
	memset(ehdr + 0x3c, 0, 4);
	assert_int_equal(pwrite(fd, ehdr, 64, 0), 64);
	close(fd);
	assert_int_equal(cfi__build(path, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, ldso_t.nrows);
	assert_memory_equal(t.rows, ldso_t.rows, t.nrows * sizeof(*t.rows));
	cfi__free(&t);

	snprintf(path, sizeof(path), "%s/libc.so", dir);
	/* strip and objcopy (binutils) come with gcc: if either fails, the
	 * test fails; it never drops its check silently. */
	snprintf(cmd, sizeof(cmd), "strip --strip-all -o %s %s", path, LIBC);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(cfi__build(path, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, libc_t.nrows);
	assert_memory_equal(t.rows, libc_t.rows, t.nrows * sizeof(*t.rows));
	cfi__free(&t);

	/* no .eh_frame at all */
	snprintf(path, sizeof(path), "%s/noeh.so", dir);
	snprintf(cmd, sizeof(cmd), "objcopy -R .eh_frame -R .eh_frame_hdr %s %s",
		 LIBC, path);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(cfi__build(path, &t, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no .eh_frame"));
	assert_null(t.rows);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	run(cmd);
}

static void test_errors(void **state)
{
	struct cfi_table t;
	char err[256];

	(void)state;
	assert_int_equal(cfi__build("/etc/passwd", &t, err, sizeof(err)),
			 -ENOEXEC);
	assert_string_equal(err, "not an ELF file");
	assert_int_equal(cfi__build("/nonexistent/x.so", &t, err, sizeof(err)),
			 -ENOENT);
	assert_null(elf_syms__open("/etc/passwd"));
	assert_int_equal(errno, ENOEXEC);
	assert_null(elf_syms__open("/nonexistent"));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(elf__build_id("/etc/passwd", err, sizeof(err)),
			 -ENOEXEC);
}

static void test_build_id(void **state)
{
	char hex[128], line[512], want[128] = "";
	FILE *p;
	size_t i;

	(void)state;
	assert_int_equal(elf__build_id(LIBC, hex, sizeof(hex)), 0);
	assert_int_equal(strlen(hex), 40);
	for (i = 0; hex[i]; i++)
		assert_non_null(strchr("0123456789abcdef", hex[i]));
	p = popen("readelf -n " LIBC " 2>/dev/null", "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) /* read to the end: no SIGPIPE */
		if (!want[0] && sscanf(line, " Build ID: %127s", want) != 1)
			want[0] = '\0';
	/* readelf (binutils) is the independent oracle: no answer is a
	 * failure, not a dropped check */
	assert_int_equal(pclose(p), 0);
	assert_true(want[0] != '\0');
	assert_string_equal(hex, want);
	assert_int_equal(elf__build_id(LIBC, hex, 40), -ENOSPC);
}

/* Ground truth: run real syscalls under ptrace and unwind them. */
static void test_ground_truth(void **state)
{
	char cmd[512];

	(void)state;
	if (access(CFI_TRUTH, X_OK) != 0)
		SF_SKIP("%s not built (make)", CFI_TRUTH);
	snprintf(cmd, sizeof(cmd), "%s", CFI_TRUTH);
	assert_int_equal(run(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libc_shape),
		cmocka_unit_test(test_ldso_shape),
		cmocka_unit_test(test_getppid),
		cmocka_unit_test(test_vfork),
		cmocka_unit_test(test_clone_gaps),
		cmocka_unit_test(test_sigreturn),
		cmocka_unit_test(test_unwind_step),
		cmocka_unit_test(test_libstdcxx),
		cmocka_unit_test(test_stripped_and_no_shdrs),
		cmocka_unit_test(test_runtime_marks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_build_id),
		cmocka_unit_test(test_ground_truth),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
