/* The initial stack of a new program (auxv.h): what riscv64 Linux's execve leaves for the program's
 * (or its ELF interpreter's) entry point. */
#include <elf.h>
#include <string.h>

#include "rv/user/auxv.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

size_t rv_auxv_fill(const struct rv_exec_info *info, uint64_t at_random, uint64_t at_execfn,
                    uint64_t auxv[RV_AUXV_MAX][2])
{
	/* Linux's order: the architecture's entries first (riscv: AT_SYSINFO_EHDR, the cache geometry,
	 * AT_MINSIGSTKSZ; karasu-rv has no vDSO and no cache geometry to report), then the generic ones */
	const uint64_t entries[][2] = {
	    {AT_MINSIGSTKSZ, info->minsigstksz},
	    {AT_HWCAP, info->hwcap},
	    {AT_PAGESZ, RV_PAGE_SIZE},
	    {AT_CLKTCK, info->clktck},
	    {AT_PHDR, info->phdr},
	    {AT_PHENT, info->phent},
	    {AT_PHNUM, info->phnum},
	    {AT_BASE, info->interp_base},
	    {AT_FLAGS, 0},
	    {AT_ENTRY, info->entry},
	    {AT_UID, info->uid},
	    {AT_EUID, info->euid},
	    {AT_GID, info->gid},
	    {AT_EGID, info->egid},
	    {AT_SECURE, info->secure},
	    {AT_RANDOM, at_random},
	    {AT_EXECFN, at_execfn},
	    {AT_NULL, 0},
	};
	size_t n = sizeof(entries) / sizeof(entries[0]);
	_Static_assert(sizeof(entries) / sizeof(entries[0]) <= RV_AUXV_MAX, "RV_AUXV_MAX too small");
	memcpy(auxv, entries, sizeof(entries));
	return n;
}

/* Copies bytes just below *sp (downward); returns their guest address. */
static uint64_t push_bytes(struct rv_mem *m, uint64_t *sp, const void *src, size_t len)
{
	*sp -= len;
	memcpy(m->base + *sp, src, len);
	return *sp;
}

static void put_u64(struct rv_mem *m, uint64_t addr, uint64_t v)
{
	memcpy(m->base + addr, &v, sizeof(v));
}

uint64_t rv_stack_build(struct rv_mem *m, uint64_t top, uint64_t lo, int argc, char *const argv[],
                        char *const envp[], const struct rv_exec_info *info)
{
	int envc = 0;
	while (envp[envc])
		envc++;
	/* everything the layout needs, measured before anything is written: strings, the random bytes,
	 * alignment, and the words of argc/argv/envp/auxv */
	uint64_t need = RV_STACK_TOP_GAP + strlen(info->execfn) + 1 + 16 + 2 * 16;
	for (int i = 0; i < envc; i++)
		need += strlen(envp[i]) + 1;
	for (int i = 0; i < argc; i++)
		need += strlen(argv[i]) + 1;
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * RV_AUXV_MAX;
	need += words * 8;
	if (top <= lo || need > (top - lo) / 4)
		return 0;

	uint64_t sp = top - RV_STACK_TOP_GAP;
	/* strings from the top down: execfn, the environment (last first), the arguments (last first), so
	 * that argv[0] is the lowest string and each vector's strings ascend */
	uint64_t execfn = push_bytes(m, &sp, info->execfn, strlen(info->execfn) + 1);
	for (int i = envc - 1; i >= 0; i--)
		push_bytes(m, &sp, envp[i], strlen(envp[i]) + 1);
	uint64_t env_start = sp;
	for (int i = argc - 1; i >= 0; i--)
		push_bytes(m, &sp, argv[i], strlen(argv[i]) + 1);
	uint64_t arg_start = sp;
	sp &= ~15ull;
	uint64_t at_random = push_bytes(m, &sp, info->random, sizeof(info->random));

	uint64_t auxv[RV_AUXV_MAX][2];
	size_t nauxv = rv_auxv_fill(info, at_random, execfn, auxv);
	/* argc, argv[], NULL, envp[], NULL, auxv pairs: sp 16-byte aligned at argc */
	sp -= (1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + 2 * nauxv) * 8;
	sp &= ~15ull;
	uint64_t p = sp;
	put_u64(m, p, (uint64_t)argc);
	p += 8;
	uint64_t s = arg_start;
	for (int i = 0; i < argc; i++, p += 8) {
		put_u64(m, p, s);
		s += strlen(argv[i]) + 1;
	}
	put_u64(m, p, 0);
	p += 8;
	s = env_start;
	for (int i = 0; i < envc; i++, p += 8) {
		put_u64(m, p, s);
		s += strlen(envp[i]) + 1;
	}
	put_u64(m, p, 0);
	p += 8;
	for (size_t i = 0; i < nauxv; i++, p += 16) {
		put_u64(m, p, auxv[i][0]);
		put_u64(m, p + 8, auxv[i][1]);
	}
	return sp;
}
