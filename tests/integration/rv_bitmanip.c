/* A riscv64 program for test-rv-bitmanip.sh, compiled with -march=rv64gc_zba_zbb_zbs: ordinary C that
 * GCC turns into Zba/Zbb/Zbs instructions (bit counts, rotations, byte swaps, min/max, sign and zero
 * extensions, single-bit operations, shifted-index address arithmetic), plus orc.b through inline asm
 * (GCC emits it only from its string builtins). It prints what it computes; the test compares the output
 * with qemu-riscv64's.
 *
 * `rv_bitmanip --report` instead prints what the system says about the CPU: riscv_hwprobe's answers,
 * AT_HWCAP and the isa line of /proc/cpuinfo (checked by the test against the documented values). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

/* ---- Zbb ---- */
NOINLINE static uint64_t count_ops(uint64_t x)
{
	uint64_t leading = x ? (uint64_t)__builtin_clzll(x) : 64;
	uint64_t trailing = x ? (uint64_t)__builtin_ctzll(x) : 64;
	uint32_t w = (uint32_t)x;
	uint64_t leading_w = w ? (uint64_t)__builtin_clz(w) : 32;
	uint64_t trailing_w = w ? (uint64_t)__builtin_ctz(w) : 32;
	return (uint64_t)__builtin_popcountll(x) | leading << 8 | trailing << 16 | leading_w << 24 |
	       trailing_w << 32 | (uint64_t)__builtin_popcount(w) << 40;
}

NOINLINE static uint64_t rotl64(uint64_t x, unsigned n)
{
	return (x << (n & 63)) | (x >> (-n & 63));
}

NOINLINE static uint64_t rotr64(uint64_t x, unsigned n)
{
	return (x >> (n & 63)) | (x << (-n & 63));
}

NOINLINE static uint32_t rotl32(uint32_t x, unsigned n)
{
	return (x << (n & 31)) | (x >> (-n & 31));
}

NOINLINE static uint32_t rotr32(uint32_t x, unsigned n)
{
	return (x >> (n & 31)) | (x << (-n & 31));
}

NOINLINE static uint64_t rotr_const(uint64_t x)
{
	return (x >> 13) | (x << 51); /* rori */
}

NOINLINE static uint32_t rotr32_const(uint32_t x)
{
	return (x >> 7) | (x << 25); /* roriw */
}

NOINLINE static int64_t smin(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

NOINLINE static int64_t smax(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

NOINLINE static uint64_t umin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

NOINLINE static uint64_t umax(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

NOINLINE static uint64_t logic_not(uint64_t a, uint64_t b)
{
	uint64_t andn = a & ~b, orn = a | ~b, xnor = ~(a ^ b);
	return andn * 3 + orn * 5 + xnor * 7;
}

NOINLINE static int64_t extensions(uint64_t x)
{
	int64_t sb = (int8_t)x, sh = (int16_t)x;
	uint64_t zh = (uint16_t)x, zw = (uint32_t)x;
	return sb + sh * 3 + (int64_t)(zh * 5) + (int64_t)(zw * 7);
}

NOINLINE static uint64_t byte_swap(uint64_t x)
{
	return __builtin_bswap64(x);
}

/* orc.b: each byte 0xff if it has a set bit, else 0 (the building block of Zbb strlen) */
NOINLINE static uint64_t or_combine(uint64_t x)
{
	uint64_t r;
	__asm__("orc.b %0, %1" : "=r"(r) : "r"(x));
	return r;
}

/* ---- Zbs ---- */
NOINLINE static uint64_t bit_set(uint64_t x, unsigned i)
{
	return x | (1ull << (i & 63));
}

NOINLINE static uint64_t bit_clear(uint64_t x, unsigned i)
{
	return x & ~(1ull << (i & 63));
}

NOINLINE static uint64_t bit_flip(uint64_t x, unsigned i)
{
	return x ^ (1ull << (i & 63));
}

NOINLINE static uint64_t bit_test(uint64_t x, unsigned i)
{
	return (x >> (i & 63)) & 1;
}

NOINLINE static uint64_t bit_consts(uint64_t x)
{
	uint64_t set = x | (1ull << 40), clear = x & ~(1ull << 52), flip = x ^ (1ull << 33);
	return set + clear * 3 + flip * 5 + ((x >> 47) & 1);
}

NOINLINE static uint64_t bit_ops(uint64_t x, unsigned i)
{
	return bit_set(x, i) + bit_clear(x, i) * 3 + bit_flip(x, i) * 5 + bit_test(x, i) * 7 +
	       bit_consts(x) * 11;
}

/* ---- Zba: array indexing with 32-bit and 64-bit indexes ---- */
NOINLINE static uint64_t gather(const uint64_t *a64, const uint32_t *a32, const uint16_t *a16, unsigned n,
                                uint64_t seed)
{
	uint64_t sum = 0;
	for (unsigned k = 0; k < 200; k++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned i = (unsigned)(seed >> 40) % n; /* unsigned int index: sh*add.uw */
		long j = (long)((seed >> 20) % n);       /* long index: sh*add */
		sum += a64[i] + a32[j] + a16[i] + a64[j];
	}
	return sum;
}

NOINLINE static uint64_t zext_word_shift(uint32_t x, unsigned s)
{
	return (uint64_t)x << 5 | (uint64_t)x << (s & 31); /* slli.uw */
}

/* splitmix64 */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const uint64_t edges[] = {
    0,
    1,
    0xffffffffffffffffull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x0000000080000000ull,
    0x00000000ffffffffull,
    0xffffffff80000000ull,
    0x0000000100000000ull,
    0x00ff00ff00ff00ffull,
    0x0123456789abcdefull,
    0x8080808080808080ull,
    63,
    64,
};
#define N_EDGES (sizeof(edges) / sizeof(edges[0]))

/* One line per value: every operation on it (and on its neighbour in the list). */
static void print_edges(void)
{
	for (unsigned k = 0; k < N_EDGES; k++) {
		uint64_t x = edges[k], y = edges[(k + 1) % N_EDGES];
		printf("edge %2u: count %012" PRIx64 " rot %016" PRIx64 " %016" PRIx64 " %08" PRIx32
		       " %08" PRIx32 " %016" PRIx64 " %08" PRIx32 "\n",
		       k, count_ops(x), rotl64(x, (unsigned)y), rotr64(x, (unsigned)y),
		       rotl32((uint32_t)x, (unsigned)y), rotr32((uint32_t)x, (unsigned)y), rotr_const(x),
		       rotr32_const((uint32_t)x));
		printf("         min/max %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 " not %016" PRIx64
		       " ext %" PRId64 " bswap %016" PRIx64 " orc %016" PRIx64 " bits %016" PRIx64
		       " slliuw %016" PRIx64 "\n",
		       smin((int64_t)x, (int64_t)y), smax((int64_t)x, (int64_t)y), umin(x, y), umax(x, y),
		       logic_not(x, y), extensions(x), byte_swap(x), or_combine(x), bit_ops(x, (unsigned)y),
		       zext_word_shift((uint32_t)x, (unsigned)y));
	}
}

/* Random values: one checksum per operation over many inputs. */
static void print_sums(void)
{
	uint64_t seed = 0x5eed, sums[12] = {0};
	for (unsigned k = 0; k < 20000; k++) {
		uint64_t x = next(&seed), y = next(&seed);
		if (k % 4 == 1)
			x &= 0x00ff00ff0000ffffull; /* zero bytes for orc.b, zero words for the *w counts */
		if (k % 8 == 3)
			x >>= y & 63;
		sums[0] = rotl64(sums[0], 1) ^ count_ops(x);
		sums[1] += rotl64(x, (unsigned)y) ^ rotr64(y, (unsigned)x);
		sums[2] += rotl32((uint32_t)x, (unsigned)y) + rotr32((uint32_t)y, (unsigned)x) +
		           rotr_const(x) + rotr32_const((uint32_t)y);
		sums[3] += (uint64_t)smin((int64_t)x, (int64_t)y) ^ (uint64_t)smax((int64_t)y, (int64_t)x);
		sums[4] += umin(x, y) * 3 + umax(y, x);
		sums[5] ^= logic_not(x, y);
		sums[6] += (uint64_t)extensions(x);
		sums[7] ^= byte_swap(x) + k;
		sums[8] = rotl64(sums[8], 3) ^ or_combine(x);
		sums[9] += bit_ops(x, (unsigned)y);
		sums[10] += zext_word_shift((uint32_t)x, (unsigned)y);
	}
	static uint64_t a64[257];
	static uint32_t a32[257];
	static uint16_t a16[257];
	for (unsigned i = 0; i < 257; i++) {
		a64[i] = next(&seed);
		a32[i] = (uint32_t)next(&seed);
		a16[i] = (uint16_t)next(&seed);
	}
	sums[11] = gather(a64, a32, a16, 257, 42);
	for (unsigned i = 0; i < 12; i++)
		printf("sum %2u: %016" PRIx64 "\n", i, sums[i]);
}

/* ---- --report ---- */
struct hwprobe_pair {
	int64_t key;
	uint64_t value;
};
#define NR_RISCV_HWPROBE 258 /* riscv64 Linux */
#define WHICH_CPUS       1u

static void report(void)
{
	struct hwprobe_pair pairs[] = {{3, 0}, {4, 0}, {0, 0}, {8, 0}, {0x7fffffff, 5}};
	long r = syscall(NR_RISCV_HWPROBE, pairs, sizeof(pairs) / sizeof(pairs[0]), 0, NULL, 0);
	printf("hwprobe: %ld\n", r);
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		printf("hwprobe key %" PRId64 " = %#" PRIx64 "\n", pairs[i].key, pairs[i].value);
	/* which CPUs have Zba+Zbb (all), which have V (none) */
	uint8_t cpus[8] = {1};
	struct hwprobe_pair want_zb = {4, (1u << 3) | (1u << 4)};
	r = syscall(NR_RISCV_HWPROBE, &want_zb, 1, sizeof(cpus), cpus, WHICH_CPUS);
	printf("which zba+zbb: %ld cpu0 %d\n", r, cpus[0] & 1);
	memset(cpus, 0, sizeof(cpus));
	cpus[0] = 1;
	struct hwprobe_pair want_v = {4, 1u << 2};
	r = syscall(NR_RISCV_HWPROBE, &want_v, 1, sizeof(cpus), cpus, WHICH_CPUS);
	printf("which v: %ld cpu0 %d\n", r, cpus[0] & 1);
	/* Linux reads a CPU set whenever a size is given: a NULL one faults (EFAULT) without WHICH_CPUS and is
	 * an invalid argument (EINVAL) with it (arch/riscv/kernel/sys_hwprobe.c). */
	r = syscall(NR_RISCV_HWPROBE, &want_v, 1, sizeof(cpus), NULL, 0);
	printf("null set: %ld %s\n", r, r < 0 && errno == EFAULT ? "EFAULT" : "other");
	r = syscall(NR_RISCV_HWPROBE, &want_v, 1, sizeof(cpus), NULL, WHICH_CPUS);
	printf("null set, which: %ld %s\n", r, r < 0 && errno == EINVAL ? "EINVAL" : "other");
	printf("AT_HWCAP = %#lx\n", getauxval(AT_HWCAP));
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "isa", 3) == 0) {
			printf("cpuinfo %s", line);
			break;
		}
	if (f)
		fclose(f);
	else
		printf("cpuinfo: cannot open\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--report") == 0) {
		report();
		return 0;
	}
	print_edges();
	print_sums();
	return 0;
}
