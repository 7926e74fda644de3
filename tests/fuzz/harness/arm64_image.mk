# arm64 Image header -> placement of kernel, initrd and devicetree in guest RAM (karasu-hv).
LF_SRCS_arm64_image := hv/core/arm64_image.c
