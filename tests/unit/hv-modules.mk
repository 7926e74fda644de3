# Extra sources for the unit tests of karasu-hv's pure-logic modules (see tests/unit/unit.mk).
UNIT_SRCS_test_stage2 := hv/arch/arm64/stage2.c
UNIT_SRCS_test_vgic := hv/vdev/vgic.c hv/vdev/vgicd.c hv/vdev/vgicr.c
UNIT_SRCS_test_vgic_lr_queue := hv/arch/arm64/vgic_lr_queue.c $(UNIT_SRCS_test_vgic)
UNIT_SRCS_test_psci := hv/arch/arm64/psci.c
UNIT_SRCS_test_guest_dtb := hv/core/guest_dtb.c
UNIT_SRCS_test_vpl011 := hv/vdev/vpl011.c
UNIT_SRCS_test_insn_decode := hv/arch/arm64/insn_decode.c
# These tests race threads against the lock-free state.
UNIT_LDLIBS_test_psci := -lpthread
UNIT_LDLIBS_test_vgic_lr_queue := -lpthread
