/* riscv_hwprobe (riscv64 Linux syscall 258): what a program may rely on beyond AT_HWCAP's single
 * letters, e.g. the Zba/Zbb/Zbs/Zicond instructions karasu-rv translates. The answer is computed on host
 * copies by rv_hwprobe (a pure function, unit-tested); rv_sys_riscv_hwprobe moves them from and to the
 * guest. */
#ifndef KARASU_RV_USER_SYS_HWPROBE_H
#define KARASU_RV_USER_SYS_HWPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/user/process.h"

/* struct riscv_hwprobe (Linux uapi asm/hwprobe.h): the same 16 bytes in the guest. */
struct rv_hwprobe_pair {
	int64_t key;
	uint64_t value;
};

/* Keys (Documentation/arch/riscv/hwprobe.rst). */
#define RV_HWPROBE_KEY_MVENDORID              0
#define RV_HWPROBE_KEY_MARCHID                1
#define RV_HWPROBE_KEY_MIMPID                 2
#define RV_HWPROBE_KEY_BASE_BEHAVIOR          3
#define RV_HWPROBE_BASE_BEHAVIOR_IMA          (1ull << 0) /* rv64ima user ABI */
#define RV_HWPROBE_KEY_IMA_EXT_0              4
#define RV_HWPROBE_IMA_FD                     (1ull << 0)
#define RV_HWPROBE_IMA_C                      (1ull << 1)
#define RV_HWPROBE_EXT_ZBA                    (1ull << 3)
#define RV_HWPROBE_EXT_ZBB                    (1ull << 4)
#define RV_HWPROBE_EXT_ZBS                    (1ull << 5)
#define RV_HWPROBE_EXT_ZICOND                 (1ull << 35)
#define RV_HWPROBE_EXT_ZCA                    (1ull << 43) /* the compressed subsets C is made of */
#define RV_HWPROBE_EXT_ZCD                    (1ull << 45)
#define RV_HWPROBE_KEY_CPUPERF_0              5
#define RV_HWPROBE_MISALIGNED_UNKNOWN         0
#define RV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE      6
#define RV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS   7
#define RV_HWPROBE_KEY_TIME_CSR_FREQ          8
#define RV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF 9 /* CPUPERF_0's successor: the same values */
/* The only flag: instead of values for a set of CPUs, reduce the set to the CPUs matching every pair. */
#define RV_HWPROBE_WHICH_CPUS                 (1u << 0)

/* What every CPU has for key (they are all alike); false for a key karasu-rv does not know (Linux then
 * answers key -1, value 0). highest_va: the top address of the guest's address space. */
bool rv_hwprobe_value(int64_t key, uint64_t highest_va, uint64_t *value);

/* The pieces of the call, on host copies (rv_sys_riscv_hwprobe applies them to the guest's arrays in
 * chunks). rv_hwprobe_cpus checks the flags and the CPU set, a CPU_SET of cpusetsize bytes (have_cpus:
 * the guest passed one; CPUs 0..n_online-1 are the online ones): without RV_HWPROBE_WHICH_CPUS no set, or
 * one with an online CPU; with it a set, whose empty form stands for every online CPU it can hold (filled
 * in). 0 or -EINVAL. rv_hwprobe_fill writes the values of pairs (unknown keys become -1, value 0).
 * rv_hwprobe_match (RV_HWPROBE_WHICH_CPUS) tells whether the CPUs match every pair (an unknown key, made
 * -1/0, matches none). */
long rv_hwprobe_cpus(uint8_t *cpus, size_t cpusetsize, bool have_cpus, unsigned flags, unsigned n_online);
void rv_hwprobe_fill(struct rv_hwprobe_pair *pairs, size_t n, uint64_t highest_va);
bool rv_hwprobe_match(struct rv_hwprobe_pair *pairs, size_t n, uint64_t highest_va);

/* The whole system call on host copies: the pairs filled, or with RV_HWPROBE_WHICH_CPUS the set reduced
 * to the matching CPUs. 0 or -EINVAL. */
long rv_hwprobe(struct rv_hwprobe_pair *pairs, size_t n, uint8_t *cpus, size_t cpusetsize, bool have_cpus,
                unsigned flags, unsigned n_online, uint64_t highest_va);

long rv_sys_riscv_hwprobe(struct rv_thread *t, const uint64_t *a);

#endif
