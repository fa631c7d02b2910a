// SPDX-License-Identifier: GPL-2.0
/*
 * empty.bpf.c - the floor for `make bench`: a sys_enter program of the same
 * attach type as sysfence's (tp_btf) that does nothing.  What it costs every
 * system call is what any sys_enter tracer costs; sysfence's untracked path
 * is judged against it.  bench_empty_sys_exit (attached with --exit) is the
 * same at sys_exit: learn (and enforce's floor reports) run a program there.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(bench_empty_sys_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(bench_empty_sys_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
