# hvtest: the bare-metal hypercall test guest (guest/hvtest/hvtest.h), built for both engines from the shared
# sources in guest/hvtest/ plus one architecture folder:
#   $(BUILD)/guest/hvtest/hvtest.bin     arm64 Image for karasu-hv   (guest/hvtest/hvtest-arm64.mk)
#   $(BUILD)/guest/hvtest/hvtest-rv.bin  RISC-V Image for karasu-rv  (guest/hvtest/hvtest-riscv.mk)
# each with its ELF beside it (hvtest.elf, hvtest-rv.elf) for gdb.
HVTEST_SHARED_C_SRCS := $(wildcard guest/hvtest/*.c)
HVTEST_HEADERS := guest/hvtest/hvtest.h $(wildcard guest/hvtest/*/arch.h)

include guest/hvtest/hvtest-arm64.mk
include guest/hvtest/hvtest-riscv.mk
