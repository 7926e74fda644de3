/* riscv_hwprobe (see sys_hwprobe.h). glibc (2.40 and later) asks it once at startup and hands the answer
 * to its ifunc resolvers; GCC/LLVM's __riscv_feature_bits and programs that choose code paths by CPU
 * features read it too. karasu-rv's harts are all alike, so every CPU has the same answer, and a CPU set
 * only matters for being valid (non-empty once limited to online CPUs). */
#include "rv/user/sys_hwprobe.h"

#include <errno.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "rv/interp/interp.h"
#include "rv/user/guest_copy.h"
#include "rv/user/syscall.h"

/* The largest CPU set looked at (Linux also ignores what is past its own cpumask): 1024 CPUs. */
#define HWPROBE_MAX_CPUSET_BYTES 128
/* Pairs copied in and out per step (a guest may pass any count). */
#define HWPROBE_CHUNK            64

/* Extensions user code can use, in IMA_EXT_0's bits: F and D, C, and the bit-manipulation ones the
 * translator and the interpreter implement; Zca and Zcd are what C and D's compressed instructions are
 * (Linux 6.11 and later set them along with C). No V, Zicboz, Zfh, Zacas, Zcb... */
#define KARASU_IMA_EXT_0                                                                  \
	(RV_HWPROBE_IMA_FD | RV_HWPROBE_IMA_C | RV_HWPROBE_EXT_ZBA | RV_HWPROBE_EXT_ZBB | \
	 RV_HWPROBE_EXT_ZBS | RV_HWPROBE_EXT_ZICOND | RV_HWPROBE_EXT_ZCA | RV_HWPROBE_EXT_ZCD)

bool rv_hwprobe_value(int64_t key, uint64_t highest_va, uint64_t *value)
{
	switch (key) {
	case RV_HWPROBE_KEY_MVENDORID: /* no vendor, architecture or implementation id (QEMU's virt: 0) */
	case RV_HWPROBE_KEY_MARCHID:
	case RV_HWPROBE_KEY_MIMPID: *value = 0; return true;
	case RV_HWPROBE_KEY_BASE_BEHAVIOR: *value = RV_HWPROBE_BASE_BEHAVIOR_IMA; return true;
	case RV_HWPROBE_KEY_IMA_EXT_0: *value = KARASU_IMA_EXT_0; return true;
	/* Misaligned accesses are as fast as aligned ones on the x86 host, but saying so would switch
	 * glibc's memcpy to another implementation: left as Linux says before it has measured. */
	case RV_HWPROBE_KEY_CPUPERF_0:
	case RV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF: *value = RV_HWPROBE_MISALIGNED_UNKNOWN; return true;
	case RV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE: *value = 0; return true; /* no Zicboz */
	case RV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS: *value = highest_va; return true;
	case RV_HWPROBE_KEY_TIME_CSR_FREQ: *value = RV_TIME_CSR_HZ; return true;
	default: return false;
	}
}

/* Whether a CPU whose value for the key is `have` matches the pair asked for: bitmask keys when every
 * bit asked for is there, the others when equal. */
static bool matches(const struct rv_hwprobe_pair *asked, uint64_t have)
{
	if (asked->key == RV_HWPROBE_KEY_BASE_BEHAVIOR || asked->key == RV_HWPROBE_KEY_IMA_EXT_0)
		return (asked->value & have) == asked->value;
	return asked->value == have;
}

/* The set limited to online CPUs; true if it still has one. */
static bool keep_online(uint8_t *cpus, size_t size, unsigned n_online)
{
	bool any = false;
	for (size_t i = 0; i < size * 8; i++) {
		uint8_t bit = (uint8_t)(1u << (i % 8));
		if (i >= n_online)
			cpus[i / 8] &= (uint8_t)~bit;
		any |= (cpus[i / 8] & bit) != 0;
	}
	return any;
}

long rv_hwprobe_cpus(uint8_t *cpus, size_t cpusetsize, bool have_cpus, unsigned flags, unsigned n_online)
{
	if (flags & ~RV_HWPROBE_WHICH_CPUS)
		return -EINVAL;
	if (!(flags & RV_HWPROBE_WHICH_CPUS)) {
		/* no set: all online CPUs; a set: the online ones of it (the values are the same for all) */
		if ((cpusetsize || have_cpus) && !keep_online(cpus, cpusetsize, n_online))
			return -EINVAL;
		return 0;
	}
	if (!cpusetsize || !have_cpus)
		return -EINVAL;
	bool empty = true;
	for (size_t i = 0; i < cpusetsize; i++)
		empty &= cpus[i] == 0;
	if (empty)
		memset(cpus, 0xff, cpusetsize);
	keep_online(cpus, cpusetsize, n_online);
	return 0;
}

void rv_hwprobe_fill(struct rv_hwprobe_pair *pairs, size_t n, uint64_t highest_va)
{
	for (size_t i = 0; i < n; i++)
		if (!rv_hwprobe_value(pairs[i].key, highest_va, &pairs[i].value))
			pairs[i] = (struct rv_hwprobe_pair){.key = -1, .value = 0};
}

bool rv_hwprobe_match(struct rv_hwprobe_pair *pairs, size_t n, uint64_t highest_va)
{
	bool all = true;
	for (size_t i = 0; i < n; i++) {
		uint64_t have;
		if (!rv_hwprobe_value(pairs[i].key, highest_va, &have)) {
			pairs[i] = (struct rv_hwprobe_pair){.key = -1, .value = 0};
			all = false;
		} else if (!matches(&pairs[i], have)) {
			all = false;
		}
	}
	return all;
}

long rv_hwprobe(struct rv_hwprobe_pair *pairs, size_t n, uint8_t *cpus, size_t cpusetsize, bool have_cpus,
                unsigned flags, unsigned n_online, uint64_t highest_va)
{
	long ret = rv_hwprobe_cpus(cpus, cpusetsize, have_cpus, flags, n_online);
	if (ret < 0)
		return ret;
	if (!(flags & RV_HWPROBE_WHICH_CPUS))
		rv_hwprobe_fill(pairs, n, highest_va);
	else if (!rv_hwprobe_match(pairs, n, highest_va))
		memset(cpus, 0, cpusetsize);
	return 0;
}

/* riscv_hwprobe(pairs, pair_count, cpusetsize, cpus, flags) */
long rv_sys_riscv_hwprobe(struct rv_thread *t, const uint64_t *a)
{
	uint64_t pairs_addr = a[0], count = a[1], cpus_addr = a[3];
	size_t cpusetsize = a[2] < HWPROBE_MAX_CPUSET_BYTES ? (size_t)a[2] : HWPROBE_MAX_CPUSET_BYTES;
	unsigned flags = (unsigned)a[4];
	bool which = flags & RV_HWPROBE_WHICH_CPUS;
	uint8_t cpus[HWPROBE_MAX_CPUSET_BYTES] = {0};
	/* Without WHICH_CPUS, Linux reads the set whenever a size is given: a NULL set of nonzero size is a
	 * fault there, not a bad argument (with WHICH_CPUS it is EINVAL, rv_hwprobe_cpus says so). */
	if (flags == 0 && !cpus_addr && cpusetsize)
		return -EFAULT;
	if (cpus_addr && cpusetsize && rv_copy_from_guest(t, cpus, cpus_addr, cpusetsize) != 0)
		return -EFAULT;
	long ret = rv_hwprobe_cpus(cpus, cpusetsize, cpus_addr != 0, flags, (unsigned)get_nprocs());
	if (ret < 0)
		return ret;
	uint64_t highest_va = t->cpu.mem_limit - 1;
	bool all_match = true;
	for (uint64_t done = 0; done < count; done += HWPROBE_CHUNK) {
		struct rv_hwprobe_pair chunk[HWPROBE_CHUNK];
		size_t n = count - done < HWPROBE_CHUNK ? (size_t)(count - done) : HWPROBE_CHUNK;
		uint64_t addr = pairs_addr + done * sizeof(chunk[0]);
		if (rv_copy_from_guest(t, chunk, addr, n * sizeof(chunk[0])) != 0)
			return -EFAULT;
		if (which)
			all_match &= rv_hwprobe_match(chunk, n, highest_va);
		else
			rv_hwprobe_fill(chunk, n, highest_va);
		if (rv_copy_to_guest(t, addr, chunk, n * sizeof(chunk[0])) != 0)
			return -EFAULT;
	}
	if (which) {
		if (!all_match)
			memset(cpus, 0, cpusetsize);
		if (rv_copy_to_guest(t, cpus_addr, cpus, cpusetsize) != 0)
			return -EFAULT;
	}
	return 0;
}
