# Unit tests of pure tracer/ modules (no libbpf calls): they compile the
# module with the test.  Included by the top-level Makefile; overrides
# the generic unit-test rule for these tests.
$(O)/tests/unit/test_objtab: tests/unit/test_objtab.c tracer/objtab.c tracer/objtab.h \
		bpf/sysfence.h | $(O)/.deps-ok
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEP_CFLAGS) tests/unit/test_objtab.c tracer/objtab.c \
		-o $@ $(LDFLAGS) $(DEP_LIBS) -l$(CMOCKA)

-include $(O)/tests/unit/test_objtab.d
