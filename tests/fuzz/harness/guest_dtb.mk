# Guest devicetrees: karasu-hv's generated tree and karasu-rv's virt tree and -dtb patching.
LF_SRCS_guest_dtb := hv/core/guest_dtb.c rv/system/virt_dtb.c
LF_OPTIONS_guest_dtb := -max_len=16384
