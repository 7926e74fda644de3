# karasu-rv's GDB stub (rv/debug). Included by tests/unit/unit.mk.

# Unit tests: the protocol layer, and the run loop over a socketpair with the interpreter.
UNIT_SRCS_test_gdbstub := $(wildcard rv/debug/gdb_*.c) rv/debug/gdbstub.c $(wildcard rv/isa/*.c) \
	$(wildcard rv/interp/*.c) rv/user/mem.c
UNIT_SRCS_test_gdbstub := $(filter-out rv/debug/gdb_user.c,$(UNIT_SRCS_test_gdbstub))
# unit.mk's pattern rule cannot see UNIT_SRCS_* objects (see tests/unit/rv-jit.mk): name them here too.
$(BUILD)/tests/unit/test_gdbstub: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_gdbstub))

# Integration (tests/integration/test-rv-gdb.sh): a driver that runs a program under the stub (all of
# karasu-rv but its main and the translator: rv/user/run.c falls back to the interpreter when rv/jit is
# not linked, and the stub only uses the interpreter; this keeps the driver independent of rv/jit work
# in progress), and a -O0 -g guest program for gdb-multiarch to debug.
GDB_DRIVER := $(BUILD)/tests/gdb_driver
GDB_GUEST := $(BUILD)/tests/gdb_guest
INTEGRATION_DEPS += $(GDB_DRIVER) $(GDB_GUEST)

$(GDB_DRIVER): $(BUILD)/host/tests/integration/gdb_driver.o \
		$(filter-out $(BUILD)/host/rv/main.o $(BUILD)/host/rv/jit/%,$(RV_HOST_OBJS)) \
		$(LIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $^ -lcapstone -lm -lpthread -o $@

$(GDB_GUEST): tests/integration/gdb_guest.c
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) -std=gnu11 -O0 -g -static -Wall -Wextra -Werror -o $@ $<
