# karasu-rv's ELF loader and initial stack, on a 1 GiB guest address space (rv/user/mem.c).
LF_SRCS_elf := rv/elf/elf_header.c rv/user/elf.c rv/user/auxv.c rv/user/mem.c rv/mem/flat.c
LF_LDLIBS_elf := -lpthread
LF_DICT_elf := tests/fuzz/harness/elf.dict
LF_OPTIONS_elf := -max_len=16384
