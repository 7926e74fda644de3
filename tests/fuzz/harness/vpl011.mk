# vPL011 register file (karasu-hv): the model only.
LF_SRCS_vpl011 := hv/vdev/vpl011.c
