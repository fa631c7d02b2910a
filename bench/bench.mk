# bench/: `make bench` - every configuration side by side (bench/run.sh).
#   make bench            full run (~15 min): writes bench/results.md + .png
#   make bench QUICK=1    seconds, tiny sizes: writes $(O)/bench/quick/
#   make bench BENCH_ARGS="--only nginx --reps 3"   any bench/run.sh options
#
# Tools built here (appended to PROGS so `make` keeps them compiling):
#   sf-bench-loop          getppid / mixed syscall loop, ns per syscall
#   sf-bench-empty         attaches bench/empty.bpf.c (empty tp_btf/sys_enter)
#   sf-bench-seccomp-exec  runs a command under a seccomp allow-list / filter
#   sf-bench-gen-traces    writes 100 perturbed traces for the merge benchmark
# Own flags, not $(CFLAGS): timed programs stay plain -O2 even in a
# SANITIZE=1 build.

BENCH_DIR    := $(O)/bench
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -MMD -MP
ifeq ($(CI),true)
BENCH_CFLAGS += -Werror
endif
BENCH_BINS := $(BENCH_DIR)/sf-bench-loop $(BENCH_DIR)/sf-bench-empty \
	      $(BENCH_DIR)/sf-bench-seccomp-exec $(BENCH_DIR)/sf-bench-gen-traces

$(BENCH_DIR)/sf-bench-loop: bench/loop.c | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $< $(shell $(PKG_CONFIG) --libs libseccomp 2>/dev/null)

$(BENCH_DIR)/sf-bench-seccomp-exec: bench/seccomp-exec.c $(LEARNER_LIB) | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -Ilearner -Ibpf $(DEP_CFLAGS) -o $@ $< $(LDFLAGS) \
		$(LEARNER_LIB) $(DEP_LIBS)

$(BENCH_DIR)/empty.bpf.o: bench/empty.bpf.c $(O)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@
	$(Q)rm -f $@.tmp

$(BENCH_DIR)/empty.skel.h: $(BENCH_DIR)/empty.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name empty_bpf > $@.tmp && mv $@.tmp $@

$(BENCH_DIR)/sf-bench-empty: bench/empty-attach.c $(BENCH_DIR)/empty.skel.h | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) -I$(BENCH_DIR) -o $@ $< \
		$(shell $(PKG_CONFIG) --cflags --libs libbpf 2>/dev/null)

$(BENCH_DIR)/sf-bench-gen-traces: bench/gen-traces.c $(LEARNER_LIB) | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -Ilearner -Ibpf $(DEP_CFLAGS) -o $@ $< $(LDFLAGS) \
		$(LEARNER_LIB) $(DEP_LIBS)

PROGS += $(BENCH_BINS)

.PHONY: bench
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run.sh --build $(O) $(if $(filter 1,$(QUICK)),--quick --out $(BENCH_DIR)/quick) $(BENCH_ARGS)

-include $(BENCH_BINS:=.d) $(BENCH_DIR)/empty.bpf.d
