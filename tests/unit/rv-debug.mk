# karasu-rv's GDB stub (rv/debug). Included by tests/unit/unit.mk.

# Unit tests: the protocol layer (test_gdbstub), the run loop over a socketpair with the interpreter
# (test_gdbstub_run), several threads (test_gdbstub_threads).
# The runtime glue (gdb_user.c, gdb_system.c) is left out: it needs the whole of rv/user or rv/system.
UNIT_SRCS_test_gdbstub := $(filter-out rv/debug/gdb_user.c rv/debug/gdb_system.c,$(wildcard rv/debug/gdb_*.c)) \
	rv/debug/gdbstub.c $(wildcard rv/isa/*.c) $(wildcard rv/interp/*.c) rv/user/mem.c rv/mem/flat.c
UNIT_SRCS_test_gdbstub_run := $(UNIT_SRCS_test_gdbstub)
# The multi-thread commands (system mode's target: one thread per hart) and the stub's building blocks
# for system mode's run loop (wake-ups, Ctrl-C while running, re-accepting debuggers).
UNIT_SRCS_test_gdbstub_threads := $(UNIT_SRCS_test_gdbstub)

# Integration (tests/integration/test-rv-gdb.sh): karasu-rv --gdb, and a -O0 -g guest program for
# gdb-multiarch to debug.
GDB_GUEST := $(BUILD)/tests/gdb_guest
INTEGRATION_DEPS += $(GDB_GUEST)

$(GDB_GUEST): tests/integration/gdb_guest.c
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) -std=gnu11 -O0 -g -static -Wall -Wextra -Werror -o $@ $<
