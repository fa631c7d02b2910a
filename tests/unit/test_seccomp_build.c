/* test_seccomp_build.c - the seccomp floor and the exact union, checked on
 * their compiled classic BPF with an emulator of the kernel's action-cache
 * test (a call is cacheable when the filter's verdict does not depend on
 * anything but the syscall number and the architecture). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "generalize.h"
#include "policy.h"
#include "policy_read.h"
#include "seccomp_build.h"
#include "syscalls.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

enum verdict { V_ALLOW, V_DENY, V_DEPENDS };

/* The kernel's seccomp_is_const_allow() idea, independently written:
 * run the program with only nr and arch known; any load of another field
 * of struct seccomp_data makes the verdict depend on the call. */
static enum verdict emulate(const struct sock_filter *f, size_t n, uint32_t nr)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *in = &f[pc];

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == offsetof(struct seccomp_data, nr))
				a = nr;
			else if (in->k == offsetof(struct seccomp_data, arch))
				a = AUDIT_ARCH_X86_64;
			else
				return V_DEPENDS;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & in->k) ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW ? V_ALLOW : V_DENY;
		default:
			return V_DEPENDS;
		}
	}
	return V_DEPENDS;
}

static struct sock_filter *export(scmp_filter_ctx ctx, size_t *n)
{
	FILE *f = tmpfile();
	struct sock_filter *prog;
	long len;

	assert_non_null(f);
	assert_int_equal(seccomp_export_bpf(ctx, fileno(f)), 0);
	len = lseek(fileno(f), 0, SEEK_END);
	assert_true(len > 0 && len % (long)sizeof(*prog) == 0);
	prog = malloc((size_t)len);
	assert_non_null(prog);
	assert_int_equal(pread(fileno(f), prog, (size_t)len, 0), len);
	fclose(f);
	*n = (size_t)len / sizeof(*prog);
	return prog;
}

static void test_floor_cacheable(void **state)
{
	struct policy *p = NULL;
	struct policy_syscall *uni = calloc(SYSCALL_NR_MAX, sizeof(*uni));
	scmp_filter_ctx exact, floor;
	struct sock_filter *fe, *ff;
	size_t ne, nf;
	char err[256];
	unsigned dep_exact = 0, dep_floor = 0, kept = 0;

	(void)state;
	assert_non_null(uni);
	assert_int_equal(policy__load(SRCDIR "/policies/redis-server.json", &p, err,
				      sizeof(err)), 0);
	assert_int_equal(policy__union(p, uni, SYSCALL_NR_MAX), 0);
	assert_int_equal(seccomp__build(p, SCMP_ACT_KILL_PROCESS, &exact, err, sizeof(err)), 0);
	assert_int_equal(seccomp__build_floor(p, SCMP_ACT_KILL_PROCESS, &floor, err,
					      sizeof(err)), 0);
	fe = export(exact, &ne);
	ff = export(floor, &nf);
	for (uint32_t nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		enum verdict ve = emulate(fe, ne, nr), vf = emulate(ff, nf, nr);
		const char *name = syscall__name(nr);

		if (!uni[nr].count) {
			/* not in the union: denied by both, from the cache */
			if (ve != V_DENY || vf != V_DENY)
				fail_msg("%s (%u): not allowed, verdicts %d/%d", name, nr, ve, vf);
			continue;
		}
		dep_exact += ve == V_DEPENDS;
		dep_floor += vf == V_DEPENDS;
		/* the exact union checks every argument rule */
		if (gen__has_conditions(&uni[nr]) != (ve == V_DEPENDS))
			fail_msg("%s: exact union verdict %d, conditions %d", name, ve,
				 gen__has_conditions(&uni[nr]));
		/* the floor: conditions only where they decide danger */
		if (gen__has_conditions(&uni[nr]) && seccomp__floor_keeps_args(nr)) {
			kept++;
			if (vf != V_DEPENDS)
				fail_msg("%s: the floor must check its arguments", name);
		} else if (vf != V_ALLOW) {
			fail_msg("%s: the floor must allow it from the action cache", name);
		}
	}
	/* redis' policy: hot calls with non-dangerous arguments are cacheable */
	assert_true(seccomp__floor_keeps_args(257)); /* openat */
	assert_true(seccomp__floor_keeps_args(9));   /* mmap */
	assert_false(seccomp__floor_keeps_args(288)); /* accept4 */
	assert_false(seccomp__floor_keeps_args(202)); /* futex */
	assert_false(seccomp__floor_keeps_args(72));  /* fcntl */
	assert_true(kept > 0);
	assert_true(dep_floor < dep_exact);
	print_message("redis-server.json: argument-checked syscalls: exact union %u, floor %u\n",
		      dep_exact, dep_floor);
	free(fe);
	free(ff);
	seccomp_release(exact);
	seccomp_release(floor);
	policy__free(p);
	free(uni);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor_cacheable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
