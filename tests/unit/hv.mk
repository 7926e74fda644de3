# Extra sources for the host unit tests of karasu-hv's pure code (see tests/unit/unit.mk). hv/base is what
# every hv module may use (the logger, panic, per-CPU data, the spinlock): tests link it whole.
HV_BASE_SRCS := hv/base/log.c hv/base/percpu.c hv/base/spinlock.c
UNIT_SRCS_test_stage2 := hv/arch/arm64/stage2.c
UNIT_SRCS_test_vgic := hv/vdev/vgic.c hv/vdev/vgicd.c hv/vdev/vgicr.c $(HV_BASE_SRCS)
UNIT_SRCS_test_vgic_lr_queue := hv/vdev/vgic_lr_queue.c hv/vdev/vgic.c hv/vdev/vgicd.c hv/vdev/vgicr.c \
	$(HV_BASE_SRCS)
UNIT_SRCS_test_vgicd_v2 := hv/vdev/vgic.c hv/vdev/vgicd_v2.c $(HV_BASE_SRCS)
UNIT_SRCS_test_gich_lr := hv/vdev/vgic_lr_queue.c hv/vdev/vgic.c $(HV_BASE_SRCS)
UNIT_SRCS_test_psci := hv/vdev/psci.c
UNIT_SRCS_test_guest_dtb := hv/core/guest_dtb.c
UNIT_SRCS_test_vpl011 := hv/vdev/vpl011.c
UNIT_SRCS_test_insn_decode := hv/arch/arm64/insn_decode.c
UNIT_SRCS_test_ram_ranges := hv/core/ram_ranges.c
UNIT_SRCS_test_spinlock := $(HV_BASE_SRCS)
UNIT_SRCS_test_mmio_bus := hv/core/mmio_bus.c
UNIT_SRCS_test_mmio_decode := hv/arch/arm64/mmio_decode.c hv/arch/arm64/exit_decode.c \
	hv/arch/arm64/insn_decode.c
UNIT_SRCS_test_ram_scrub := hv/core/ram_scrub.c $(HV_BASE_SRCS)
# These tests race threads against the lock-free state or the spinlock.
UNIT_LDLIBS_test_psci := -lpthread
UNIT_LDLIBS_test_vgic_lr_queue := -lpthread
UNIT_LDLIBS_test_spinlock := -lpthread
UNIT_LDLIBS_test_ram_scrub := -lpthread
