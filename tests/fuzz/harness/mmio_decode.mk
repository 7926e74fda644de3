# ISV=0 load/store decoder and the MMIO access decoder of karasu-hv (host-buildable, pure).
LF_SRCS_mmio_decode := hv/arch/arm64/insn_decode.c hv/arch/arm64/mmio_decode.c
