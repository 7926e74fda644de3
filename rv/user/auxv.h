/* karasu-rv: the initial stack of a new program (argc, argv, envp, the auxiliary vector and the
 * strings they point to), laid out as riscv64 Linux's execve lays it out. */
#ifndef KARASU_RV_USER_AUXV_H
#define KARASU_RV_USER_AUXV_H

#include <stddef.h>
#include <stdint.h>

#include "rv/user/mem.h"

/* AT_HWCAP on riscv: one bit per single-letter extension ('a' = bit 0). karasu-rv runs rv64imafdc. */
#define RV_HWCAP_ISA(letter) (1ull << ((letter) - 'a'))
#define RV_HWCAP                                                                                             \
	(RV_HWCAP_ISA('i') | RV_HWCAP_ISA('m') | RV_HWCAP_ISA('a') | RV_HWCAP_ISA('f') | RV_HWCAP_ISA('d') | \
	 RV_HWCAP_ISA('c'))

/* Auxiliary vector entries karasu-rv writes at most (AT_NULL included). */
#define RV_AUXV_MAX 24

/* Bytes Linux leaves unused at the very top of a new stack (one pointer). */
#define RV_STACK_TOP_GAP 8

/* What the kernel tells a new program besides its arguments and environment. */
struct rv_exec_info {
	uint64_t phdr, phent, phnum; /* the main program's program headers (AT_PHDR/PHENT/PHNUM) */
	uint64_t entry;              /* the main program's entry point (AT_ENTRY) */
	uint64_t interp_base;        /* load bias of the ELF interpreter (AT_BASE); 0 without one */
	uint64_t hwcap;              /* AT_HWCAP */
	uint64_t uid, euid, gid, egid;
	uint64_t clktck;      /* AT_CLKTCK: clock ticks per second of times() */
	uint64_t minsigstksz; /* AT_MINSIGSTKSZ: the size of a signal frame */
	uint64_t secure;      /* AT_SECURE */
	uint8_t random[16];   /* the bytes AT_RANDOM points to */
	const char *execfn;   /* the file name execve was given (AT_EXECFN) */
};

/* Fills auxv with (type, value) pairs in the order Linux writes them, ending with AT_NULL; at_random and
 * at_execfn are the guest addresses of the random bytes and of the execfn string. Returns the number of
 * pairs (AT_NULL included), at most RV_AUXV_MAX. */
size_t rv_auxv_fill(const struct rv_exec_info *info, uint64_t at_random, uint64_t at_execfn,
                    uint64_t auxv[RV_AUXV_MAX][2]);

/* Writes the initial stack into guest memory m below top (the stack's end; [lo, top) must be mapped
 * writable): from the top down the execfn string, the environment and argument strings, the 16 random
 * bytes, then argc, argv[], NULL, envp[], NULL and the auxiliary vector at the returned sp (16-byte
 * aligned). Returns 0 if the strings and vectors would take more than a quarter of the stack (Linux's
 * E2BIG rule). */
uint64_t rv_stack_build(struct rv_mem *m, uint64_t top, uint64_t lo, int argc, char *const argv[],
                        char *const envp[], const struct rv_exec_info *info);

#endif
