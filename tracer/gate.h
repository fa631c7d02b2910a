/* gate.h - the pre-effect gate's supervisor (issue 14).
 *
 * The launched target carries, besides the seccomp floor, a second filter
 * (learner/gate_set.c) that returns SECCOMP_RET_USER_NOTIF for the split
 * dangerous calls.  The supervisor thread receives each paused call, reads
 * the blocked thread's registers (BPF: sf_task_regs) and stack
 * (process_vm_readv), finds the caller with the CFI tables the BPF program
 * uses (read back from its maps) and the same unwind algorithm
 * (cfi__unwind_step, driven as bpf/sysfence.bpf.c drives unwind_step),
 * judges it with the BPF rule maps and the shared decision (sf_decide, in
 * bpf/sf_args.h), validates the notification id, and answers CONTINUE or
 * EPERM before the call runs.  Decisions use the caller identity and the
 * scalar arguments only, never memory behind a pointer.
 *
 * Fail closed: when the supervisor (or sysfence) dies, the listener closes
 * and the kernel fails every paused and later gated call with ENOSYS; the
 * launch shim kills the tree.
 */
#ifndef SF_GATE_H
#define SF_GATE_H

#include <stdint.h>
#include <sys/types.h>

#include "gate_set.h"
#include "sysfence.h"

struct rt;
struct enforce_report;

struct gate_stats {
	uint64_t notifications; /* paused calls received */
	uint64_t allowed;       /* answered CONTINUE (judged allowed) */
	uint64_t denied;        /* answered EPERM before the call ran */
	uint64_t logged;        /* violations let through (action log) */
	uint64_t gone;          /* the thread was gone before the answer */
	uint64_t failed;        /* registers/unwind unreadable: denied */
	uint64_t ns_total;      /* time from receive to answer, summed */
};

struct gate;

/* Start the supervisor thread on listener (ownership passes to the gate).
 * report: violations are reported through enforce's reporter.  NULL +
 * errno (logged). */
struct gate *gate__start(struct rt *rt, struct enforce_report *report, int listener);
/* Stop the thread, close the listener (paused calls then fail with ENOSYS),
 * fill *st when non-NULL, free. */
void gate__stop(struct gate *g, struct gate_stats *st);

/* Probe whether BPF-LSM programs load on this kernel: 1 = they load, 0 =
 * refused (why: the errno text), -errno when the probe itself failed. */
int gate__probe_lsm(char *why, size_t len);

/* --- the attribution, exposed for tests ---------------------------------- */
struct gate_attr {
	uint64_t ino, off;
	uint32_t dev, bucket, depth;
	char path[256]; /* the caller's file ("" for buckets) */
};

#endif
