# RISC-V decoder and disassembler of karasu-rv.
LF_SRCS_rv_decode := rv/isa/decode.c rv/isa/disasm.c rv/isa/ops.c
# Each input is a code stream checked at every halfword: short ones keep executions per second high.
LF_OPTIONS_rv_decode := -max_len=128
