# The built-in SBI test (guest/rv/sbitest): a bare-metal S-mode program that karasu-rv starts as its
# kernel with -bios default; tests/integration/test-rv-sbi.sh runs it.
RV_SBITEST := $(BUILD)/guest/rv/sbitest/sbitest.elf
RV_SBITEST_ARCH := -march=rv64gc -mabi=lp64 -mcmodel=medany -fno-pie
RV_SBITEST_CFLAGS := $(RV_SBITEST_ARCH) -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-fno-stack-protector -msmall-data-limit=0 -I. -Iinclude -DKARASU_FREESTANDING
RV_SBITEST_SRCS := guest/rv/sbitest/start.S guest/rv/sbitest/sbitest.c

$(RV_SBITEST): $(RV_SBITEST_SRCS) guest/rv/sbitest/link.ld include/karasu/hv.h lib/hypercall.h
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_SBITEST_CFLAGS) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-relax \
		-Wl,-T,guest/rv/sbitest/link.ld -o $@ $(RV_SBITEST_SRCS)

INTEGRATION_DEPS += $(RV_SBITEST)
