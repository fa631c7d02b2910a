# CFI table builder + ELF helpers: unit test and tools (tests/progs/cfi/).
# Included by the top-level Makefile; overrides the generic unit-test rule
# for test_cfi, which needs tracer/cfi.c and tracer/elfinfo.c.
CFI_SRCS := tracer/cfi.c tracer/elfinfo.c
CFI_HDRS := tracer/cfi.h tracer/elfinfo.h bpf/sysfence.h
CFI_TOOLS := $(O)/tests/progs/cfi/cfi-dump $(O)/tests/progs/cfi/cfi-truth

$(O)/tests/unit/test_cfi: tests/unit/test_cfi.c $(CFI_SRCS) $(CFI_HDRS) $(CFI_TOOLS) | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEP_CFLAGS) -DSRCDIR='"$(CURDIR)"' \
		-DCFI_TRUTH='"$(abspath $(O))/tests/progs/cfi/cfi-truth"' \
		tests/unit/test_cfi.c $(CFI_SRCS) -o $@ \
		$(LDFLAGS) $(DEP_LIBS) -l$(CMOCKA)

$(CFI_TOOLS): $(O)/tests/progs/cfi/%: tests/progs/cfi/%.c $(CFI_SRCS) $(CFI_HDRS) | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEP_CFLAGS) $< $(CFI_SRCS) -o $@ \
		$(LDFLAGS) $(DEP_LIBS) -lpthread

-include $(O)/tests/unit/test_cfi.d $(CFI_TOOLS:=.d)
