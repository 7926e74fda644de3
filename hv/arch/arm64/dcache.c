#include "hv/arch/arm64/dcache.h"

#include <stdbool.h>

#include "hv/arch/arm64/sysreg.h"
#include "lib/mem.h"

/* CTR_EL0.DminLine: log2 of the smallest data cache line, in 4-byte words. */
#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK  0xfull
/* DCZID_EL0: BS = log2 of the DC ZVA block, in 4-byte words; DZP = DC ZVA prohibited. */
#define DCZID_BS_MASK      0xfull
#define DCZID_DZP          (1ull << 4)
#define SCRUB_PAGE         4096u

static uint64_t line_size(void)
{
	return 4ull << ((read_sysreg(ctr_el0) >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
}

void dcache_clean_range(const void *p, uint64_t size)
{
	uint64_t line = line_size();
	uint64_t a = (uint64_t)(uintptr_t)p & ~(line - 1);
	for (; a < (uint64_t)(uintptr_t)p + size; a += line)
		__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
	dsb_sy();
}

void dcache_clean_inval_range(const void *p, uint64_t size)
{
	uint64_t line = line_size();
	uint64_t a = (uint64_t)(uintptr_t)p & ~(line - 1);
	for (; a < (uint64_t)(uintptr_t)p + size; a += line)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb_sy();
}

static bool page_is_zero(const void *page)
{
	const volatile uint64_t *q = page;
	uint64_t acc = 0;
	for (unsigned i = 0; i < SCRUB_PAGE / 8u; i += 8)
		acc |= q[i] | q[i + 1] | q[i + 2] | q[i + 3] | q[i + 4] | q[i + 5] | q[i + 6] | q[i + 7];
	return acc == 0;
}

static void zero_page(void *page)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4ull << (dczid & DCZID_BS_MASK);
	if ((dczid & DCZID_DZP) || block > SCRUB_PAGE) {
		k_memset(page, 0, SCRUB_PAGE);
		return;
	}
	/* A whole ZVA block per instruction: far fewer stores than a loop. */
	for (uint64_t a = (uint64_t)(uintptr_t)page; a < (uint64_t)(uintptr_t)page + SCRUB_PAGE; a += block)
		__asm__ volatile("dc zva, %0" ::"r"(a) : "memory");
}

/* Guest RAM must not show what U-Boot, karasu or a guest before left there. Writing every page costs the
 * whole of the guest's RAM up front wherever the platform backs memory lazily (QEMU under a host kernel
 * allocates a page on its first write, and inside a VM that can take milliseconds per MiB), so each page is
 * read first and written only when it holds something else than zeros.
 *
 * The read must see memory, not a stale cache line: a line that is clean in the cache can hide newer data
 * that a non-coherent device wrote behind it. Clean+invalidate first, then read: what the read returns is
 * then what memory holds. A page that needs zeroing is zeroed through the cache and cleaned afterwards, so
 * a guest that maps it non-cacheable (or runs with its MMU off) reads zeros as well. */
void dcache_scrub_range(void *p, uint64_t size)
{
	uint8_t *page = p;
	for (uint64_t off = 0; off < size; off += SCRUB_PAGE, page += SCRUB_PAGE) {
		dcache_clean_inval_range(page, SCRUB_PAGE);
		if (page_is_zero(page))
			continue;
		zero_page(page);
		dcache_clean_range(page, SCRUB_PAGE);
	}
}
