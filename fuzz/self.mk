# fuzz/self.mk - AFL++ harnesses for sysfence's own parsers (fuzz/harness/).
#
#   make fuzz-self SECONDS=N   build with afl-clang-fast + ASan/UBSan, run every
#                              harness N s (default 60; FUZZ_JOBS=2: two at a
#                              time), keep new crashes/hangs in fuzz/crashes/
#   make fuzz-build            only build the AFL++ binaries
#   make fuzz-replay           replay fuzz/corpus/ and fuzz/crashes/ through
#                              the ASan/UBSan replay binaries (also run by
#                              tests/integration/t081-fuzz-replay.t)
#
# Each harness source builds twice: with afl-clang-fast (persistent mode) in
# $(O)/fuzz/afl/, and with plain clang (a main() that reads files) in
# $(O)/fuzz/replay/.  Both link the learner sources compiled here with the
# sanitizers, not $(LEARNER_LIB) (gcc, no sanitizers).  The replay binaries
# are part of `make` (via PROGS) so the test suite can always run them.

AFL_CC      ?= afl-clang-fast
FUZZ_O      := $(O)/fuzz
FUZZ_NAMES  := policy trace cliparse
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Wshadow \
	       -Wno-missing-field-initializers -D_GNU_SOURCE -MMD -MP \
	       -Ibpf -Ilearner -Ifuzz/harness $(FUZZ_SAN)
ifeq ($(CI),true)
FUZZ_CFLAGS += -Werror
endif
FUZZ_LIBS    = $(shell $(PKG_CONFIG) --libs libcjson libzstd libseccomp 2>/dev/null) -lpthread

FUZZ_AFL_LOBJS    := $(patsubst %.c,$(FUZZ_O)/afl/%.o,$(LEARNER_SRCS))
FUZZ_REPLAY_LOBJS := $(patsubst %.c,$(FUZZ_O)/replay/%.o,$(LEARNER_SRCS))
FUZZ_AFL_BINS     := $(FUZZ_NAMES:%=$(FUZZ_O)/afl/fuzz_%)
FUZZ_REPLAY_BINS  := $(FUZZ_NAMES:%=$(FUZZ_O)/replay/fuzz_%)

$(FUZZ_O)/afl/learner/%.o: learner/%.c | $(O)/.deps-ok
	$(call msg,AFLCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)AFL_QUIET=1 $(AFL_CC) $(FUZZ_CFLAGS) $(DEP_CFLAGS) -c $< -o $@

$(FUZZ_O)/afl/fuzz_%: fuzz/harness/fuzz_%.c fuzz/harness/harness.h $(FUZZ_AFL_LOBJS)
	$(call msg,AFLLINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)AFL_QUIET=1 $(AFL_CC) $(FUZZ_CFLAGS) $(DEP_CFLAGS) -o $@ $< \
		$(FUZZ_AFL_LOBJS) $(FUZZ_LIBS)

$(FUZZ_O)/replay/learner/%.o: learner/%.c | $(O)/.deps-ok
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(DEP_CFLAGS) -c $< -o $@

$(FUZZ_O)/replay/fuzz_%: fuzz/harness/fuzz_%.c fuzz/harness/harness.h $(FUZZ_REPLAY_LOBJS)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(DEP_CFLAGS) -o $@ $< \
		$(FUZZ_REPLAY_LOBJS) $(FUZZ_LIBS)

# The afl-clang-fast objects/binaries are never prerequisites of the replay
# ones (and vice versa): separate trees, separate compilers.
.PRECIOUS: $(FUZZ_O)/afl/learner/%.o $(FUZZ_O)/replay/learner/%.o

PROGS += $(FUZZ_REPLAY_BINS)

.PHONY: fuzz-build fuzz-self fuzz-replay
fuzz-build: $(FUZZ_AFL_BINS)

fuzz-self: $(FUZZ_AFL_BINS)
	$(Q)scripts/fuzz-self.sh $(FUZZ_O) $(or $(SECONDS),60) $(FUZZ_NAMES)

fuzz-replay: $(FUZZ_REPLAY_BINS)
	$(Q)scripts/fuzz-self.sh --replay $(FUZZ_O) 0 $(FUZZ_NAMES)

-include $(FUZZ_AFL_LOBJS:.o=.d) $(FUZZ_REPLAY_LOBJS:.o=.d) \
	 $(FUZZ_AFL_BINS:=.d) $(FUZZ_REPLAY_BINS:=.d)

# ---- valgrind over the learner unit tests ------------------------------------
# make valgrind-unit: every cmocka unit test under memcheck; any invalid
# access, uninitialised use or definite/indirect leak fails.  Needs the
# plain (non-SANITIZE) build: valgrind and ASan do not mix.
VALGRIND ?= valgrind
VALGRIND_FLAGS ?= -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --track-origins=yes

.PHONY: valgrind-unit
valgrind-unit: $(UNIT_BINS)
ifeq ($(SANITIZE),1)
	$(error valgrind-unit needs a build without SANITIZE=1)
endif
	$(Q)command -v $(VALGRIND) >/dev/null || \
		{ echo "sysfence: error: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
	$(Q)fail=0; for t in $(UNIT_BINS); do \
		printf '  %-8s %s\n' VALGRIND $$t; \
		$(VALGRIND) $(VALGRIND_FLAGS) $$t >$$t.valgrind 2>&1 || \
			{ fail=1; echo "sysfence: error: $$t under valgrind (log: $$t.valgrind)" >&2; \
			  grep '^==' $$t.valgrind | head -40 >&2; }; \
	done; exit $$fail
