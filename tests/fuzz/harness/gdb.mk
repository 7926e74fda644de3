# karasu-rv's GDB remote protocol: framing and the command set, over user-mode memory or a fake target.
LF_SRCS_gdb := rv/debug/gdb_packet.c rv/debug/gdb_session.c rv/debug/gdb_breakpoints.c rv/debug/gdb_riscv.c \
	rv/debug/gdb_signal.c rv/user/mem.c rv/mem/flat.c
LF_LDLIBS_gdb := -lpthread
LF_DICT_gdb := tests/fuzz/harness/gdb.dict
