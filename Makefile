# sysfence - one non-recursive Makefile, out-of-tree build in $(O).
#   make            build build/sysfence
#   make test       install deps if missing, build, run unit + integration tests
#   make demo       install deps if missing, build, learn the demo target
#   make install    install to $(PREFIX)/bin
#   V=1             show full commands;  SANITIZE=1  ASan/UBSan build (in
#                   build-asan/ unless O= is given: never mixed with build/)
.DELETE_ON_ERROR:
.SUFFIXES:

ifeq ($(SANITIZE),1)
O        ?= build-asan
endif
O        ?= build
PREFIX   ?= /usr/local
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
LLVM_STRIP ?= llvm-strip
PKG_CONFIG ?= pkg-config

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

PKGS := libbpf libelf libdw libseccomp libcjson libzstd
CMOCKA := cmocka

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wno-missing-field-initializers \
	  -D_GNU_SOURCE -MMD -MP -I$(O) -Ibpf -Ilearner -Itracer
ifeq ($(SANITIZE),1)
# no recovery: the first UBSan report ends the process (exit status set by
# UBSAN_OPTIONS/ASAN_OPTIONS exitcode=, see scripts/run-tests.sh)
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all
endif
ifeq ($(CI),true)
CFLAGS += -Werror
endif
# PROFILE=1: the BPF program timestamps its stages (see -v stats of learn)
ifeq ($(PROFILE),1)
BPF_EXTRA += -DSF_PROFILE
endif

DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
DEP_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

BPF_ARCH := x86
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) -I$(O) -Ibpf \
	      -Wall -Wno-unused-function

LEARNER_SRCS := $(sort $(wildcard learner/*.c))
TRACER_SRCS  := $(sort $(wildcard tracer/*.c))
LEARNER_OBJS := $(patsubst %.c,$(O)/%.o,$(LEARNER_SRCS))
TRACER_OBJS  := $(patsubst %.c,$(O)/%.o,$(TRACER_SRCS))
LEARNER_LIB  := $(O)/liblearner.a
SYSFENCE     := $(O)/sysfence
SKEL         := $(O)/sysfence.skel.h

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRCS))

.PHONY: all
all: $(SYSFENCE) progs

# ---- dependency check: fail early and readably ---------------------------
$(O)/.deps-ok: scripts/check-deps.sh
	$(Q)mkdir -p $(O)
	$(Q)scripts/check-deps.sh
	$(Q)touch $@

.PHONY: deps
deps:
	$(Q)scripts/install-deps.sh

# ---- BPF ------------------------------------------------------------------
$(O)/vmlinux.h: | $(O)/.deps-ok
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

# Every header the object includes (bpf/sf_args.h, ...) comes from the
# compiler's dependency file (-MMD), listed under the object's own name.
# An object built before that file existed is rebuilt once to write it.
BPF_DEPFILE := $(O)/sysfence.bpf.d
$(O)/sysfence.bpf.o: bpf/sysfence.bpf.c $(O)/vmlinux.h \
		     $(if $(wildcard $(BPF_DEPFILE)),,bpf-depfile-missing)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(BPF_EXTRA) -MMD -MP -MF $(BPF_DEPFILE) \
		-MT $@ -c $< -o $@.tmp
	$(Q)$(LLVM_STRIP) -g $@.tmp -o $@

.PHONY: bpf-depfile-missing
bpf-depfile-missing:

$(SKEL): $(O)/sysfence.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name sysfence_bpf > $@.tmp && mv $@.tmp $@

# ---- C --------------------------------------------------------------------
$(O)/learner/%.o: learner/%.c | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEP_CFLAGS) -c $< -o $@

$(O)/tracer/%.o: tracer/%.c $(SKEL) | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEP_CFLAGS) -c $< -o $@

$(LEARNER_LIB): $(LEARNER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SYSFENCE): $(TRACER_OBJS) $(LEARNER_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TRACER_OBJS) $(LEARNER_LIB) $(DEP_LIBS) -lpthread

# ---- unit tests (cmocka, no root) -----------------------------------------
$(O)/tests/unit/%: tests/unit/%.c $(LEARNER_LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEP_CFLAGS) -DSRCDIR='"$(CURDIR)"' $< -o $@ \
		$(LDFLAGS) $(LEARNER_LIB) $(DEP_LIBS) -l$(CMOCKA)

# ---- test programs, demo target, fuzz examples (fragments) ---------------
PROGS :=
include tests/progs/progs.mk
include tests/unit/cfi.mk
include tests/unit/tracer.mk
include fuzz/self.mk
include fuzz/examples.mk
include demo/demo.mk
include bench/bench.mk

.PHONY: progs
progs: $(PROGS)

# ---- top-level jobs ---------------------------------------------------------
.PHONY: test unit integration demo install clean
test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS)
	$(Q)scripts/run-tests.sh $(O)

unit: $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do $$t 2>&1 || exit 1; done

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh $(O)

install: $(SYSFENCE)
	install -D -m 0755 $(SYSFENCE) $(DESTDIR)$(PREFIX)/bin/sysfence

clean:
	rm -rf $(O)

-include $(LEARNER_OBJS:.o=.d) $(TRACER_OBJS:.o=.d) $(UNIT_BINS:=.d) \
	 $(BPF_DEPFILE)
