# karasu-hv's virtual GIC: the shared model, the GICv3 distributor and redistributors, the GICv2
# distributor, and hv/base (spinlock, logger) as in tests/unit/hv.mk (HV_BASE_SRCS).
LF_SRCS_vgic := hv/vdev/vgic.c hv/vdev/vgicd.c hv/vdev/vgicr.c hv/vdev/vgicd_v2.c hv/base/log.c \
	hv/base/percpu.c hv/base/spinlock.c
LF_OPTIONS_vgic := -max_len=512
