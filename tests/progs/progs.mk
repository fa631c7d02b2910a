# test programs: appended to PROGS
#
# Attribution ground truth (tests/integration/t010-attribution.t):
#   matrix              one executable, one case per argument
#   matrix-exec-target  exec'd by `matrix exec`
#   matrix-static       statically linked case
#   libsf_a.so          main test library (links libsf_b.so)
#   libsf_b.so          nested / inline-syscall library
#   libsf_plugin.so     dlopen'ed by `matrix dlopen` and `matrix dlswap`
#   libsf_plugin2.so    the same source with -DSF_PLUGIN2, loaded by
#                       `matrix dlswap` in the first one's place
# Overhead measurement: bench-getppid (ns per getppid, plain vs. learning).
# Own flags, not $(CFLAGS): these programs must stay plain -O2 -g even in a
# SANITIZE=1 build (ASan would add its own syscalls and malloc).  RUNPATH
# $ORIGIN lets everything run straight from $(O)/tests/progs.
# tests/progs/cfi/ has its own fragment and is not built here.

TP_DIR    := $(O)/tests/progs
TP_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -MMD -MP
ifeq ($(CI),true)
TP_CFLAGS += -Werror
endif
TP_RPATH  := -Wl,-rpath,'$$ORIGIN'

TP_LIBS := $(TP_DIR)/libsf_a.so $(TP_DIR)/libsf_b.so $(TP_DIR)/libsf_plugin.so \
	   $(TP_DIR)/libsf_plugin2.so
TP_BINS := $(TP_DIR)/matrix $(TP_DIR)/matrix-exec-target $(TP_DIR)/matrix-static \
	   $(TP_DIR)/bench-getppid

$(TP_DIR)/libsf_b.so: tests/progs/sf_b.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,libsf_b.so -o $@ $<

$(TP_DIR)/libsf_a.so: tests/progs/sf_a.c $(TP_DIR)/libsf_b.so
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,libsf_a.so -o $@ $< \
		-L$(TP_DIR) -lsf_b -pthread $(TP_RPATH)

$(TP_DIR)/libsf_plugin.so: tests/progs/sf_plugin.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,libsf_plugin.so -o $@ $<

$(TP_DIR)/libsf_plugin2.so: tests/progs/sf_plugin.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -DSF_PLUGIN2 -fPIC -shared -Wl,-soname,libsf_plugin2.so -o $@ $<

$(TP_DIR)/matrix: tests/progs/matrix.c $(TP_DIR)/libsf_a.so $(TP_DIR)/libsf_b.so
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $< -L$(TP_DIR) -lsf_a -lsf_b -pthread $(TP_RPATH)

# The plugin is dlopen'ed at run time, not linked: make it part of the job.
$(TP_DIR)/matrix: | $(TP_DIR)/libsf_plugin.so $(TP_DIR)/libsf_plugin2.so \
		    $(TP_DIR)/matrix-exec-target

$(TP_DIR)/matrix-exec-target: tests/progs/matrix-exec-target.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $< -pthread

$(TP_DIR)/matrix-static: tests/progs/matrix-static.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -static -o $@ $< -pthread

$(TP_DIR)/bench-getppid: tests/progs/bench-getppid.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $<

PROGS += $(TP_LIBS) $(TP_BINS)

-include $(patsubst %,%.d,$(basename $(TP_LIBS)) $(TP_BINS))

# Enforce tests (t045-enforce.t, t046-enforce-redis.t):
#   enforce-target          poll / fork tree / personality probe / write vs writev (see its header)
#   libpreload_evil.so      LD_PRELOAD library whose constructor makes a syscall
#   redis_module_hello.so   harmless Redis module (optionally execs: "exec MARKER")
#   redis_module_evil.so    Redis module whose OnLoad execs /bin/sh
# The modules use redis_module_abi.h (no redismodule.h needed).
TP_ENF_LIBS := $(TP_DIR)/libpreload_evil.so $(TP_DIR)/redis_module_hello.so \
	       $(TP_DIR)/redis_module_evil.so

$(TP_DIR)/enforce-target: tests/progs/enforce_target.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $<

$(TP_DIR)/libpreload_evil.so: tests/progs/preload_evil.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,libpreload_evil.so -o $@ $<

$(TP_DIR)/redis_module_%.so: tests/progs/redis_module_%.c tests/progs/redis_module_abi.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,redis_module_$*.so -o $@ $<

PROGS += $(TP_ENF_LIBS) $(TP_DIR)/enforce-target

-include $(patsubst %,%.d,$(basename $(TP_ENF_LIBS)) $(TP_DIR)/enforce-target)

# (level, option) pairs of setsockopt (tests/integration/t041-sockopt-pairs.t).
$(TP_DIR)/sockopt-pairs: tests/progs/sockopt_pairs.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $<

PROGS += $(TP_DIR)/sockopt-pairs

-include $(TP_DIR)/sockopt-pairs.d

# Hostile and messy targets (tests/integration/t082-hostile.t).
$(TP_DIR)/hostile: tests/progs/hostile.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $< -pthread

PROGS += $(TP_DIR)/hostile
-include $(TP_DIR)/hostile.d

# Argument rules (tests/integration/t040-args.t): argtest links libargs_a.so
# (reads, O_RDONLY) and libargs_b.so (creates files, sockets, an r-x map);
# seccomp-try loads an exported BPF filter and makes one call under it.
# -fno-optimize-sibling-calls: a tail call into a libc wrapper would charge
# the call to the caller (the known limit of stack attribution).
TP_ARGS_CFLAGS := $(TP_CFLAGS) -fno-optimize-sibling-calls
TP_ARGS_LIBS := $(TP_DIR)/libargs_a.so $(TP_DIR)/libargs_b.so
TP_ARGS_BINS := $(TP_DIR)/argtest $(TP_DIR)/seccomp-try

$(TP_DIR)/libargs_%.so: tests/progs/args_%.c tests/progs/args.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_ARGS_CFLAGS) -fPIC -shared -Wl,-soname,libargs_$*.so -o $@ $<

$(TP_DIR)/argtest: tests/progs/argtest.c $(TP_ARGS_LIBS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_ARGS_CFLAGS) -o $@ $< -L$(TP_DIR) -largs_a -largs_b $(TP_RPATH)

$(TP_DIR)/seccomp-try: tests/progs/seccomp-try.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -o $@ $<

PROGS += $(TP_ARGS_LIBS) $(TP_ARGS_BINS)
-include $(patsubst %,%.d,$(basename $(TP_ARGS_LIBS)) $(TP_ARGS_BINS))

# Generalisation matrix (tests/integration/t100-matrix.t, tests/matrix/):
#   libmx_agent.so      preloaded "monitoring agent": learned benign, then
#                       turned malicious by $SF_MX_ATTACK (see its header)
#   mx_sqlite_evil.so   sqlite3 extension whose entry point execs /bin/sh
TP_MX_LIBS := $(TP_DIR)/libmx_agent.so $(TP_DIR)/mx_sqlite_evil.so

$(TP_DIR)/libmx_agent.so: tests/progs/mx_agent.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,libmx_agent.so -o $@ $<

$(TP_DIR)/mx_sqlite_evil.so: tests/progs/mx_sqlite_evil.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_CFLAGS) -fPIC -shared -Wl,-soname,mx_sqlite_evil.so -o $@ $<

PROGS += $(TP_MX_LIBS)
-include $(patsubst %,%.d,$(basename $(TP_MX_LIBS)))

# The pre-effect gate (tests/integration/t047-gate.t): gate-target links
# libgate_ok.so and libgate_bad.so, one source built twice, so that one
# dangerous call can be allowed for one library and not for the other.
TP_GATE_LIBS := $(TP_DIR)/libgate_ok.so $(TP_DIR)/libgate_bad.so

$(TP_DIR)/libgate_%.so: tests/progs/gate_lib.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_ARGS_CFLAGS) -DGATE_PFX=$* -fPIC -shared -Wl,-soname,libgate_$*.so \
		-MF $(TP_DIR)/libgate_$*.d -o $@ $<

$(TP_DIR)/gate-target: tests/progs/gate_target.c $(TP_GATE_LIBS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_ARGS_CFLAGS) -o $@ $< -L$(TP_DIR) -lgate_ok -lgate_bad -pthread $(TP_RPATH)

PROGS += $(TP_GATE_LIBS) $(TP_DIR)/gate-target
-include $(patsubst %,%.d,$(basename $(TP_GATE_LIBS)) $(TP_DIR)/gate-target)

# Paths and ports (tests/integration/t105-paths.t): pathtest links
# libpaths_w.so (writes under a directory, listens) and libpaths_r.so
# (reads /etc/hostname, connects).
TP_PATHS_LIBS := $(TP_DIR)/libpaths_w.so $(TP_DIR)/libpaths_r.so

$(TP_DIR)/libpaths_%.so: tests/progs/paths_%.c tests/progs/paths.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_ARGS_CFLAGS) -fPIC -shared -Wl,-soname,libpaths_$*.so -o $@ $<

$(TP_DIR)/pathtest: tests/progs/pathtest.c $(TP_PATHS_LIBS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TP_ARGS_CFLAGS) -o $@ $< -L$(TP_DIR) -lpaths_w -lpaths_r $(TP_RPATH)

PROGS += $(TP_PATHS_LIBS) $(TP_DIR)/pathtest
-include $(patsubst %,%.d,$(basename $(TP_PATHS_LIBS)) $(TP_DIR)/pathtest)
