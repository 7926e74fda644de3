/* Process image: the program, its ELF interpreter (the dynamic loader) if it names one, the program
 * break, the signal-return trampoline and the initial stack, as riscv64 Linux's execve builds them. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rv/user/auxv.h"
#include "rv/user/elf.h"
#include "rv/user/loader.h"
#include "rv/user/prefix.h"
#include "rv/user/signal.h"

/* Bare-mode return address: a pc no program can reach by falling through. */
#define RV_BARE_EXIT_PC 0x3ffffffffeull

/* li a7, 139 (rt_sigreturn); ecall */
static const uint32_t sigreturn_code[] = {0x08b00893u, 0x00000073u};

/* An ELF file read into memory, with its descriptor kept open for mapping its pages. */
struct elf_file {
	uint8_t *data;
	size_t size;
	int fd;
};

static void elf_file_close(struct elf_file *f)
{
	free(f->data);
	if (f->fd >= 0)
		close(f->fd);
	f->data = NULL;
	f->fd = -1;
}

static int elf_file_read(const char *path, struct elf_file *f, char *err, size_t errlen)
{
	f->data = NULL;
	f->size = 0;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		elf_file_close(f);
		return -1;
	}
	f->data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!f->data) {
		snprintf(err, errlen, "out of memory");
		elf_file_close(f);
		return -1;
	}
	while (f->size < (size_t)st.st_size) {
		ssize_t n = pread(f->fd, f->data + f->size, (size_t)st.st_size - f->size, (off_t)f->size);
		if (n <= 0) {
			snprintf(err, errlen, "read error: %s", n < 0 ? strerror(errno) : "short file");
			elf_file_close(f);
			return -1;
		}
		f->size += (size_t)n;
	}
	return 0;
}

/* The stack size: the host's RLIMIT_STACK, clamped, as Linux lets a stack grow that far. */
static uint64_t stack_size_for(const struct rv_mem *m)
{
	uint64_t size = RV_STACK_SIZE;
	struct rlimit rl;
	if (getrlimit(RLIMIT_STACK, &rl) == 0)
		size = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > RV_STACK_MAX ? RV_STACK_MAX
		       : rl.rlim_cur < RV_STACK_MIN                               ? RV_STACK_MIN
		                                                                  : rl.rlim_cur;
	size &= ~(RV_PAGE_SIZE - 1);
	if (size > m->limit / 8)
		size = m->limit / 8;
	return size;
}

/* Maps the stack and the trampoline page; sets stack_top, mmap_top, sigreturn_tramp. *stack_lo: the
 * stack's lowest address. */
static int map_stack(struct rv_process *proc, bool exec_stack, uint64_t *stack_lo, char *err, size_t errlen)
{
	struct rv_mem *m = &proc->mem;
	proc->stack_top = m->limit - RV_PAGE_SIZE;
	/* the whole stack is mapped up front (pages are only allocated when touched), as large as the
	 * stack limit Linux would let it grow to */
	uint64_t lo = proc->stack_top - stack_size_for(m);
	/* the program must end below the mmap area, whose top holds the trampoline (mapping the stack
	 * over it would replace its pages) */
	uint64_t area_top = (lo - RV_STACK_GAP) & ~(RV_PAGE_SIZE - 1);
	if (proc->brk_start > area_top) {
		snprintf(
		    err, errlen,
		    "the program (up to 0x%llx) overlaps the stack and mmap area: it must end below 0x%llx",
		    (unsigned long long)proc->brk_start, (unsigned long long)area_top);
		return -1;
	}
	unsigned stack_prot = RV_PROT_READ | RV_PROT_WRITE | (exec_stack ? RV_PROT_EXEC : 0);
	if (rv_mem_map(m, lo, proc->stack_top - lo, stack_prot) != 0) {
		snprintf(err, errlen, "cannot map the stack");
		return -1;
	}
	proc->mmap_top = area_top;

	/* signal-return trampoline: one executable page at the top of the mmap area */
	uint64_t tramp = proc->mmap_top;
	proc->mmap_top -= RV_PAGE_SIZE;
	if (rv_mem_map(m, tramp, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0) {
		snprintf(err, errlen, "cannot map the signal trampoline");
		return -1;
	}
	memcpy(m->base + tramp, sigreturn_code, sizeof(sigreturn_code));
	rv_mem_protect(m, tramp, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_EXEC);
	proc->sigreturn_tramp = tramp;
	*stack_lo = lo;
	return 0;
}

/* Loads the ELF interpreter `name` (from PT_INTERP; looked up under the prefix first): an ET_DYN one
 * top-down in the mmap area, as Linux maps it, an ET_EXEC one at its link address. */
static int load_interp(struct rv_process *proc, const char *name, struct rv_elf_image *img, char *err,
                       size_t errlen)
{
	struct rv_mem *m = &proc->mem;
	char host[PATH_MAX], why[200];
	const char *path = rv_prefix_lookup(rv_prefix_get(), name, host, sizeof(host));
	struct elf_file f;
	if (elf_file_read(path, &f, why, sizeof(why)) != 0) {
		if (rv_prefix_get()[0])
			snprintf(err, errlen, "ELF interpreter %s (looked up under %s, then on the host): %s",
			         name, rv_prefix_get(), why);
		else
			snprintf(err, errlen, "ELF interpreter %s: %s (no prefix: give one with -L DIR)",
			         name, why);
		return -1;
	}
	int r = -1;
	if (rv_elf_check(f.data, f.size, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "ELF interpreter %s: %s", path, why);
		goto out;
	}
	Elf64_Ehdr eh;
	memcpy(&eh, f.data, sizeof(eh));
	uint64_t bias = 0;
	if (eh.e_type == ET_DYN) {
		uint64_t lo, hi, align;
		rv_elf_span(f.data, f.size, &lo, &hi, &align);
		uint64_t span = hi - lo, floor = proc->brk_start + RV_INTERP_HEAP_ROOM;
		uint64_t at = UINT64_MAX;
		if (align <= m->limit && span <= m->limit) {
			/* room for the heap first (as mmap leaves it), any free range if there is none */
			uint64_t len = span + align - RV_PAGE_SIZE;
			if (floor < proc->mmap_top)
				at = rv_mem_find_free(m, len, floor, proc->mmap_top, true);
			if (at == UINT64_MAX)
				at = rv_mem_find_free(m, len, proc->brk_start, proc->mmap_top, true);
		}
		if (at == UINT64_MAX) {
			snprintf(err, errlen, "ELF interpreter %s: no room for %llu bytes aligned to 0x%llx",
			         path, (unsigned long long)span, (unsigned long long)align);
			goto out;
		}
		bias = ((at + align - 1) & ~(align - 1)) - lo;
	}
	if (rv_elf_load_at(m, f.data, f.size, f.fd, bias, img, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "ELF interpreter %s: %s", path, why);
		goto out;
	}
	r = 0;
out:
	elf_file_close(&f);
	return r;
}

int rv_load_program(struct rv_process *proc, struct rv_thread *thread, const char *path, const char *execfn,
                    int argc, char *const argv[], char *const envp[], char *err, size_t errlen)
{
	struct rv_mem *m = &proc->mem;
	struct rv_cpu *cpu = &thread->cpu;
	struct elf_file f;
	if (elf_file_read(path, &f, err, errlen) != 0)
		return -1;
	char interp[RV_ELF_INTERP_MAX];
	bool dynamic = false;
	struct rv_elf_image img, interp_img;
	int r = -1;
	if (rv_elf_check(f.data, f.size, err, errlen) != 0)
		goto out;
	dynamic = rv_elf_interp(f.data, f.size, interp, sizeof(interp));
	if (dynamic && proc->opt.bare) {
		snprintf(err, errlen, "--bare runs no ELF interpreter, but the program names one (%s)",
		         interp);
		goto out;
	}
	Elf64_Ehdr eh;
	memcpy(&eh, f.data, sizeof(eh));
	if (rv_elf_load_at(m, f.data, f.size, f.fd, eh.e_type == ET_DYN ? RV_ELF_DYN_BASE : 0, &img, err,
	                   errlen) != 0)
		goto out;
	if (!realpath(path, proc->exe_path))
		snprintf(proc->exe_path, sizeof(proc->exe_path), "%s", path);
	proc->brk_start = proc->brk_cur = (img.highest + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1);

	uint64_t stack_lo;
	if (map_stack(proc, img.exec_stack, &stack_lo, err, errlen) != 0)
		goto out;
	if (dynamic && load_interp(proc, interp, &interp_img, err, errlen) != 0)
		goto out;

	memset(cpu->x, 0, sizeof(cpu->x));
	memset(cpu->f, 0, sizeof(cpu->f));
	/* the interpreter runs first and jumps to AT_ENTRY when the libraries are in place; a0 = 0 (no
	 * function for atexit), as the kernel leaves it */
	cpu->pc = dynamic ? interp_img.entry : img.entry;
	if (proc->opt.bare) {
		cpu->exit_pc = RV_BARE_EXIT_PC;
		cpu->x[1] = RV_BARE_EXIT_PC;
		cpu->x[2] = proc->stack_top & ~15ull;
		r = 0;
		goto out;
	}

	struct rv_exec_info info = {
	    .phdr = img.phdr_addr,
	    .phent = img.phent,
	    .phnum = img.phnum,
	    .entry = img.entry,
	    .interp_base = dynamic ? interp_img.load_bias : 0,
	    .hwcap = RV_HWCAP,
	    .uid = (uint64_t)getuid(),
	    .euid = (uint64_t)geteuid(),
	    .gid = (uint64_t)getgid(),
	    .egid = (uint64_t)getegid(),
	    .clktck = (uint64_t)sysconf(_SC_CLK_TCK),
	    .minsigstksz = RV_SIGFRAME_SIZE,
	    .secure = 0,
	    .execfn = execfn ? execfn : path,
	};
	if (getentropy(info.random, sizeof(info.random)) != 0)
		memset(info.random, 0x5a, sizeof(info.random));
	uint64_t sp = rv_stack_build(m, proc->stack_top, stack_lo, argc, argv, envp, &info);
	if (sp == 0) {
		snprintf(err, errlen, "%s", strerror(E2BIG));
		goto out;
	}
	cpu->x[2] = sp;
	r = 0;
out:
	elf_file_close(&f);
	return r;
}
