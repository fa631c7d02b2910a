# fuzz/examples.mk - the fuzz-learning example (docs/fuzz.md): sfparse, an
# SFR1 record parser whose parsing lives in libsfparse.so.
#
#   make fuzz-example   build both variants:
#     $(O)/fuzz/examples/sfparse, libsfparse.so        afl-clang-fast (fork server)
#     $(O)/fuzz/examples/plain/sfparse, libsfparse.so  gcc, not instrumented
#
# The plain build is part of `make` (PROGS); the instrumented one too when
# afl-clang-fast is installed (scripts/install-deps.sh installs afl++), so
# tests/integration/t050-fuzz.t finds both after `make test`.  Own flags
# like tests/progs: no sanitizers (they would add their own syscalls).
# RUNPATH $ORIGIN: each binary finds the library built beside it.

AFL_CC    ?= afl-clang-fast
FX_DIR    := $(O)/fuzz/examples
FX_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -MMD -MP -Ifuzz/examples
ifeq ($(CI),true)
FX_CFLAGS += -Werror
endif
FX_RPATH  := -Wl,-rpath,'$$ORIGIN'

FX_AFL   := $(FX_DIR)/libsfparse.so $(FX_DIR)/sfparse
FX_PLAIN := $(FX_DIR)/plain/libsfparse.so $(FX_DIR)/plain/sfparse

$(FX_DIR)/libsfparse.so: fuzz/examples/sfparse.c
	$(call msg,AFLCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)AFL_QUIET=1 $(AFL_CC) $(FX_CFLAGS) -fPIC -shared -Wl,-soname,libsfparse.so -o $@ $<

$(FX_DIR)/sfparse: fuzz/examples/sfparse-main.c $(FX_DIR)/libsfparse.so
	$(call msg,AFLCC,$@)
	$(Q)AFL_QUIET=1 $(AFL_CC) $(FX_CFLAGS) -o $@ $< -L$(FX_DIR) -lsfparse $(FX_RPATH)

$(FX_DIR)/plain/libsfparse.so: fuzz/examples/sfparse.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FX_CFLAGS) -fPIC -shared -Wl,-soname,libsfparse.so -o $@ $<

$(FX_DIR)/plain/sfparse: fuzz/examples/sfparse-main.c $(FX_DIR)/plain/libsfparse.so
	$(call msg,CC,$@)
	$(Q)$(CC) $(FX_CFLAGS) -o $@ $< -L$(FX_DIR)/plain -lsfparse $(FX_RPATH)

.PHONY: fuzz-example
fuzz-example: $(FX_AFL) $(FX_PLAIN)

PROGS += $(FX_PLAIN)
ifneq ($(shell command -v $(AFL_CC) 2>/dev/null),)
PROGS += $(FX_AFL)
endif

-include $(patsubst %,%.d,$(basename $(FX_AFL) $(FX_PLAIN)))
