# Unit tests of karasu-rv's user mode: the initial stack, execve plans and the library prefix, the ELF
# loader's dynamic-program side. Included by tests/unit/unit.mk; unit.mk's pattern rule does not see
# UNIT_SRCS_* objects as prerequisites, so they are also named explicitly.
RV_USER_MEM_SRCS := rv/user/mem.c rv/mem/flat.c

UNIT_SRCS_test_rv_auxv := rv/user/auxv.c $(RV_USER_MEM_SRCS)
$(BUILD)/tests/unit/test_rv_auxv: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_auxv))

UNIT_SRCS_test_rv_exec := rv/user/exec.c rv/user/prefix.c rv/user/elf.c rv/elf/elf_header.c $(RV_USER_MEM_SRCS)
$(BUILD)/tests/unit/test_rv_exec: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_exec))

UNIT_SRCS_test_rv_elf_interp := rv/user/elf.c rv/elf/elf_header.c $(RV_USER_MEM_SRCS)
$(BUILD)/tests/unit/test_rv_elf_interp: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_elf_interp))
