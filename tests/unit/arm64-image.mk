# Unit test of karasu-hv's arm64 Image placement (hv/core/arm64_image.c). Included by tests/unit/unit.mk.
UNIT_SRCS_test_arm64_image := hv/core/arm64_image.c
