/* Process image: the ELF, the program break, the signal-return trampoline and the initial stack
 * (argc, argv, envp, auxv) exactly as riscv64 Linux lays it out. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rv/user/elf.h"
#include "rv/user/loader.h"

/* AT_HWCAP on riscv: one bit per single-letter extension ('a' = bit 0): rv64imafdc. */
#define HWCAP_ISA(letter) (1ull << ((letter) - 'a'))
#define RV_HWCAP \
	(HWCAP_ISA('i') | HWCAP_ISA('m') | HWCAP_ISA('a') | HWCAP_ISA('f') | HWCAP_ISA('d') | HWCAP_ISA('c'))

/* Bare-mode return address: a pc no program can reach by falling through. */
#define RV_BARE_EXIT_PC 0x3ffffffffeull

/* li a7, 139 (rt_sigreturn); ecall */
static const uint32_t sigreturn_code[] = {0x08b00893u, 0x00000073u};

static int read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		close(fd);
		return -1;
	}
	uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			snprintf(err, errlen, "read error: %s", n < 0 ? strerror(errno) : "short file");
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = got;
	return 0;
}

/* Pushes bytes onto the guest stack (downward); returns the new guest address. */
static uint64_t push_bytes(struct rv_mem *m, uint64_t *sp, const void *src, size_t len)
{
	*sp -= len;
	memcpy(m->base + *sp, src, len);
	return *sp;
}

static void put_u64(struct rv_mem *m, uint64_t addr, uint64_t v)
{
	memcpy(m->base + addr, &v, 8);
}

int rv_load_program(struct rv_process *proc, struct rv_thread *thread, const char *path, int argc,
                    char *const argv[], char *const envp[], char *err, size_t errlen)
{
	struct rv_mem *m = &proc->mem;
	struct rv_cpu *cpu = &thread->cpu;
	uint8_t *data;
	size_t size;
	if (read_file(path, &data, &size, err, errlen) != 0)
		return -1;
	struct rv_elf_image img;
	int r = rv_elf_load(m, data, size, &img, err, errlen);
	free(data);
	if (r != 0)
		return -1;
	if (!realpath(path, proc->exe_path))
		snprintf(proc->exe_path, sizeof(proc->exe_path), "%s", path);

	proc->brk_start = proc->brk_cur = (img.highest + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1);

	/* stack */
	proc->stack_top = m->limit - RV_PAGE_SIZE;
	/* the whole stack is mapped up front (pages are only allocated when touched), as large as the
	 * stack limit Linux would let it grow to */
	uint64_t stack_size = RV_STACK_SIZE;
	struct rlimit rl;
	if (getrlimit(RLIMIT_STACK, &rl) == 0)
		stack_size = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > RV_STACK_MAX ? RV_STACK_MAX
		             : rl.rlim_cur < RV_STACK_MIN                               ? RV_STACK_MIN
		                                                                        : rl.rlim_cur;
	stack_size &= ~(RV_PAGE_SIZE - 1);
	if (stack_size > m->limit / 8)
		stack_size = m->limit / 8;
	uint64_t stack_lo = proc->stack_top - stack_size;
	/* the program must end below the mmap area, whose top holds the trampoline (mapping the stack
	 * over it would replace its pages) */
	uint64_t area_top = (stack_lo - RV_STACK_GAP) & ~(RV_PAGE_SIZE - 1);
	if (proc->brk_start > area_top) {
		snprintf(
		    err, errlen,
		    "the program (up to 0x%llx) overlaps the stack and mmap area: it must end below 0x%llx",
		    (unsigned long long)img.highest, (unsigned long long)area_top);
		return -1;
	}
	unsigned stack_prot = RV_PROT_READ | RV_PROT_WRITE | (img.exec_stack ? RV_PROT_EXEC : 0);
	if (rv_mem_map(m, stack_lo, stack_size, stack_prot) != 0) {
		snprintf(err, errlen, "cannot map the stack");
		return -1;
	}
	proc->mmap_top = (stack_lo - RV_STACK_GAP) & ~(RV_PAGE_SIZE - 1);

	/* signal-return trampoline: one executable page just below the mmap area */
	uint64_t tramp = proc->mmap_top;
	proc->mmap_top -= RV_PAGE_SIZE;
	if (rv_mem_map(m, tramp, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0) {
		snprintf(err, errlen, "cannot map the signal trampoline");
		return -1;
	}
	memcpy(m->base + tramp, sigreturn_code, sizeof(sigreturn_code));
	rv_mem_protect(m, tramp, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_EXEC);
	proc->sigreturn_tramp = tramp;

	memset(cpu->x, 0, sizeof(cpu->x));
	memset(cpu->f, 0, sizeof(cpu->f));
	cpu->pc = img.entry;
	uint64_t sp = proc->stack_top;

	if (proc->opt.bare) {
		cpu->exit_pc = RV_BARE_EXIT_PC;
		cpu->x[1] = RV_BARE_EXIT_PC;
		cpu->x[2] = sp & ~15ull;
		return 0;
	}

	/* strings first (top of the stack): execfn, then environment and arguments */
	int envc = 0;
	while (envp[envc])
		envc++;
	uint64_t execfn = push_bytes(m, &sp, path, strlen(path) + 1);
	uint64_t *env_addr = calloc((size_t)envc + 1, sizeof(uint64_t));
	uint64_t *arg_addr = calloc((size_t)argc + 1, sizeof(uint64_t));
	if (!env_addr || !arg_addr) {
		free(env_addr);
		free(arg_addr);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = envc - 1; i >= 0; i--)
		env_addr[i] = push_bytes(m, &sp, envp[i], strlen(envp[i]) + 1);
	for (int i = argc - 1; i >= 0; i--)
		arg_addr[i] = push_bytes(m, &sp, argv[i], strlen(argv[i]) + 1);
	sp &= ~15ull;
	uint8_t random_bytes[16];
	if (getentropy(random_bytes, sizeof(random_bytes)) != 0)
		memset(random_bytes, 0x5a, sizeof(random_bytes));
	uint64_t at_random = push_bytes(m, &sp, random_bytes, sizeof(random_bytes));

	const uint64_t auxv[][2] = {
	    {AT_PHDR, img.phdr_addr},
	    {AT_PHENT, img.phent},
	    {AT_PHNUM, img.phnum},
	    {AT_PAGESZ, RV_PAGE_SIZE},
	    {AT_BASE, 0},
	    {AT_FLAGS, 0},
	    {AT_ENTRY, img.entry},
	    {AT_UID, (uint64_t)getuid()},
	    {AT_EUID, (uint64_t)geteuid()},
	    {AT_GID, (uint64_t)getgid()},
	    {AT_EGID, (uint64_t)getegid()},
	    {AT_HWCAP, RV_HWCAP},
	    {AT_CLKTCK, (uint64_t)sysconf(_SC_CLK_TCK)},
	    {AT_SECURE, 0},
	    {AT_RANDOM, at_random},
	    {AT_EXECFN, execfn},
	    {AT_NULL, 0},
	};
	size_t nauxv = sizeof(auxv) / sizeof(auxv[0]);
	/* argc, argv[], NULL, envp[], NULL, auxv pairs: keep sp 16-byte aligned at argc */
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * nauxv;
	sp -= words * 8;
	sp &= ~15ull;
	uint64_t p = sp;
	put_u64(m, p, (uint64_t)argc);
	p += 8;
	for (int i = 0; i < argc; i++, p += 8)
		put_u64(m, p, arg_addr[i]);
	put_u64(m, p, 0);
	p += 8;
	for (int i = 0; i < envc; i++, p += 8)
		put_u64(m, p, env_addr[i]);
	put_u64(m, p, 0);
	p += 8;
	for (size_t i = 0; i < nauxv; i++, p += 16) {
		put_u64(m, p, auxv[i][0]);
		put_u64(m, p + 8, auxv[i][1]);
	}
	free(env_addr);
	free(arg_addr);

	cpu->x[2] = sp;
	/* a0 = 0: no function for atexit (no dynamic linker), as the kernel leaves it */
	return 0;
}
