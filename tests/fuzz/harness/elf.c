/* libFuzzer harness: karasu-rv's ELF loader (rv/elf/elf_header.c, rv/user/elf.c) and the initial stack
 * (rv/user/auxv.c), on a fuzzed riscv64 ELF file loaded into a small guest address space.
 *
 * Invariants:
 *  - rv_elf_check and the loader agree: a file the check refuses is never loaded, and a file it accepts
 *    is either loaded or refused with one of the loader's own reasons (outside the address space, page
 *    zero);
 *  - a loaded file maps exactly the pages of its PT_LOAD segments, all inside the guest address space,
 *    each with (at least, for a page shared by two segments) its segment's permissions; the segments'
 *    file bytes are in guest memory and their bss reads as zeros; the entry point lies in an
 *    executable segment; AT_PHDR, when taken from a segment, points at the program headers;
 *  - PT_INTERP: rv_elf_interp returns the first one's path, terminated, shorter than RV_ELF_INTERP_MAX;
 *  - the auxiliary vector has unique types, ends with AT_NULL and carries the image's values; the stack
 *    built from it is 16-byte aligned inside the stack, and argc, argv, envp, auxv, AT_RANDOM and
 *    AT_EXECFN read back from guest memory as given.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv/elf/elf_header.h"
#include "rv/user/auxv.h"
#include "rv/user/elf.h"
#include "rv/user/mem.h"
#include "tests/fuzz/harness/fuzz_require.h"

/* A 1 GiB guest address space keeps the page table small enough to scan after every load. */
#define GUEST_LIMIT (1ull << 30)
#define DYN_BIAS    0x10000000ull /* where ET_DYN files are put here (rv_elf_load would use 0x2aaaaaa000) */
#define STACK_TOP   (GUEST_LIMIT - RV_PAGE_SIZE)
#define STACK_SIZE  (64ull << 10)

static struct rv_mem mem;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	int err = rv_mem_init(&mem, GUEST_LIMIT);
	REQUIRE(err == 0, "rv_mem_init: %d", err);
	return 0;
}

static bool page_mapped(uint64_t page)
{
	return (mem.prot[page] & RV_PAGE_MAPPED) != 0;
}

static unsigned page_prot(uint64_t page)
{
	return mem.prot[page] & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
}

/* The permissions a segment's pages get: write-only is read-write, as Linux maps it. */
static unsigned seg_prot(uint32_t pf)
{
	return ((pf & PF_W) ? RV_PROT_READ : 0) | ((pf & PF_R) ? RV_PROT_READ : 0) |
	       ((pf & PF_W) ? RV_PROT_WRITE : 0) | ((pf & PF_X) ? RV_PROT_EXEC : 0);
}

/* The loaded image against its program headers. */
static void check_loaded(const uint8_t *data, size_t size, const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
                         uint64_t bias, const struct rv_elf_image *img)
{
	bool entry_ok = false, phdr_from_segment = true;
	uint64_t first_page = UINT64_MAX, last_page = 0;

	(void)size;
	REQUIRE(img->highest <= GUEST_LIMIT && img->lowest >= RV_PAGE_SIZE, "image [0x%llx, 0x%llx)",
	        (unsigned long long)img->lowest, (unsigned long long)img->highest);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_PHDR) {
			phdr_from_segment = false;
		}
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0) {
			continue;
		}
		uint64_t vaddr = ph[i].p_vaddr + bias;
		uint64_t start = vaddr / RV_PAGE_SIZE,
		         end = (vaddr + ph[i].p_memsz + RV_PAGE_SIZE - 1) / RV_PAGE_SIZE;
		first_page = start < first_page ? start : first_page;
		last_page = end > last_page ? end : last_page;
		for (uint64_t p = start; p < end; p++) {
			REQUIRE(page_mapped(p), "segment %u: page 0x%llx not mapped", i,
			        (unsigned long long)(p * RV_PAGE_SIZE));
			/* Only a first or last page may be shared with another segment and have more. */
			bool edge = p == start || p == end - 1;
			unsigned want = seg_prot(ph[i].p_flags);
			REQUIRE(edge ? (page_prot(p) & want) == want : page_prot(p) == want,
			        "segment %u: page 0x%llx has prot %x, segment %x", i,
			        (unsigned long long)(p * RV_PAGE_SIZE), page_prot(p), want);
		}
		if ((ph[i].p_flags & PF_X) && eh->e_entry >= ph[i].p_vaddr &&
		    eh->e_entry - ph[i].p_vaddr < ph[i].p_memsz) {
			entry_ok = true;
		}
		if ((ph[i].p_flags & (PF_R | PF_W | PF_X)) == 0) {
			continue; /* the host mapping is not readable either */
		}
		REQUIRE(memcmp(mem.base + vaddr, data + ph[i].p_offset, ph[i].p_filesz) == 0,
		        "segment %u: file bytes not loaded", i);
		for (uint64_t a = vaddr + ph[i].p_filesz;
		     a < vaddr + ph[i].p_memsz && a < vaddr + ph[i].p_filesz + 4096; a++) {
			REQUIRE(mem.base[a] == 0, "segment %u: bss byte 0x%llx is 0x%02x", i,
			        (unsigned long long)a, mem.base[a]);
		}
	}
	REQUIRE(entry_ok && img->entry == eh->e_entry + bias, "entry 0x%llx", (unsigned long long)img->entry);
	/* No page mapped outside the segments' span (the segments ascend and do not overlap). */
	for (uint64_t w = 0; w < GUEST_LIMIT / RV_PAGE_SIZE; w += 8) {
		uint64_t bits;
		memcpy(&bits, mem.prot + w, 8);
		if ((bits & 0x8080808080808080ull) == 0) {
			continue;
		}
		for (uint64_t p = w; p < w + 8; p++) {
			REQUIRE(!page_mapped(p) || (p >= first_page && p < last_page),
			        "page 0x%llx mapped outside the image",
			        (unsigned long long)(p * RV_PAGE_SIZE));
		}
	}
	/* AT_PHDR taken from the (last) segment whose file bytes hold the program headers: they are there. */
	for (int i = (int)eh->e_phnum - 1; i >= 0 && img->phdr_addr != 0 && phdr_from_segment; i--) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0 || eh->e_phoff < ph[i].p_offset ||
		    eh->e_phoff - ph[i].p_offset >= ph[i].p_filesz) {
			continue;
		}
		uint64_t len = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
		uint64_t in_segment = ph[i].p_offset + ph[i].p_filesz - eh->e_phoff;
		REQUIRE(img->phdr_addr == ph[i].p_vaddr + bias + (eh->e_phoff - ph[i].p_offset),
		        "AT_PHDR 0x%llx", (unsigned long long)img->phdr_addr);
		REQUIRE((ph[i].p_flags & (PF_R | PF_W | PF_X)) == 0 ||
		            memcmp(mem.base + img->phdr_addr, data + eh->e_phoff,
		                   len < in_segment ? len : in_segment) == 0,
		        "AT_PHDR 0x%llx does not hold the program headers",
		        (unsigned long long)img->phdr_addr);
		break;
	}
}

static uint64_t read_u64(uint64_t addr)
{
	uint64_t v;
	REQUIRE(addr >= STACK_TOP - STACK_SIZE && addr + 8 <= STACK_TOP, "stack read at 0x%llx",
	        (unsigned long long)addr);
	memcpy(&v, mem.base + addr, 8);
	return v;
}

static void require_string(uint64_t addr, const char *want, const char *what)
{
	size_t n = strlen(want) + 1;
	REQUIRE(addr >= STACK_TOP - STACK_SIZE && addr + n <= STACK_TOP &&
	            memcmp(mem.base + addr, want, n) == 0,
	        "%s at 0x%llx is not \"%s\"", what, (unsigned long long)addr, want);
}

/* The auxiliary vector and the initial stack for this image. */
static void check_stack(const struct rv_elf_image *img, const char *interp)
{
	struct rv_exec_info info;
	uint64_t auxv[RV_AUXV_MAX][2];
	char *argv[] = {"/bin/prog", (char *)interp, NULL};
	char *envp[] = {"PATH=/bin", "LANG=C", NULL};
	int argc = 2;

	memset(&info, 0, sizeof(info));
	info.phdr = img->phdr_addr;
	info.phent = img->phent;
	info.phnum = img->phnum;
	info.entry = img->entry;
	info.interp_base = interp[0] ? 0x20000000ull : 0;
	info.hwcap = RV_HWCAP;
	info.clktck = 100;
	info.minsigstksz = 4096;
	for (int i = 0; i < 16; i++) {
		info.random[i] = (uint8_t)(img->entry >> (i % 8) * 8) ^ (uint8_t)i;
	}
	info.execfn = interp[0] ? interp : "/bin/prog";

	size_t n = rv_auxv_fill(&info, 0x1000, 0x2000, auxv);
	REQUIRE(n >= 1 && n <= RV_AUXV_MAX && auxv[n - 1][0] == AT_NULL, "auxv of %zu entries", n);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			REQUIRE(auxv[i][0] != auxv[j][0], "auxv type %llu twice",
			        (unsigned long long)auxv[i][0]);
		}
		if (auxv[i][0] == AT_PHDR) {
			REQUIRE(auxv[i][1] == img->phdr_addr, "AT_PHDR");
		}
		if (auxv[i][0] == AT_ENTRY) {
			REQUIRE(auxv[i][1] == img->entry, "AT_ENTRY");
		}
		if (auxv[i][0] == AT_PHNUM) {
			REQUIRE(auxv[i][1] == img->phnum, "AT_PHNUM");
		}
	}

	REQUIRE(rv_mem_map(&mem, STACK_TOP - STACK_SIZE, STACK_SIZE, RV_PROT_READ | RV_PROT_WRITE) == 0,
	        "stack map");
	uint64_t sp = rv_stack_build(&mem, STACK_TOP, STACK_TOP - STACK_SIZE, argc, argv, envp, &info);
	REQUIRE(sp != 0, "a small stack (%zu-byte interpreter path) was refused", strlen(interp));
	REQUIRE(sp % 16 == 0 && sp >= STACK_TOP - STACK_SIZE && sp < STACK_TOP, "sp 0x%llx",
	        (unsigned long long)sp);
	REQUIRE(read_u64(sp) == (uint64_t)argc, "argc");
	uint64_t p = sp + 8;
	for (int i = 0; i < argc; i++, p += 8) {
		require_string(read_u64(p), argv[i], "argv");
	}
	REQUIRE(read_u64(p) == 0, "argv not NULL-terminated");
	p += 8;
	for (int i = 0; envp[i]; i++, p += 8) {
		require_string(read_u64(p), envp[i], "envp");
	}
	REQUIRE(read_u64(p) == 0, "envp not NULL-terminated");
	p += 8;
	bool random_seen = false, execfn_seen = false;
	for (int i = 0; i < RV_AUXV_MAX; i++, p += 16) {
		uint64_t type = read_u64(p), value = read_u64(p + 8);
		if (type == AT_NULL) {
			break;
		}
		if (type == AT_RANDOM) {
			REQUIRE(value + 16 <= STACK_TOP && memcmp(mem.base + value, info.random, 16) == 0,
			        "AT_RANDOM");
			random_seen = true;
		}
		if (type == AT_EXECFN) {
			require_string(value, info.execfn, "AT_EXECFN");
			execfn_seen = true;
		}
	}
	REQUIRE(random_seen && execfn_seen, "AT_RANDOM or AT_EXECFN missing");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char err[256], interp[RV_ELF_INTERP_MAX];
	static Elf64_Phdr ph[RV_ELF_MAX_PHNUM];
	struct rv_elf_image img;
	Elf64_Ehdr eh;

	(void)rv_elf_is_elf(data, size);
	if (rv_elf_check(data, size, err, sizeof(err)) != 0) {
		REQUIRE(err[0] != '\0', "a refusal without a reason");
		REQUIRE(rv_elf_load_at(&mem, data, size, -1, 0, &img, err, sizeof(err)) != 0,
		        "loaded a refused file");
		return 0; /* nothing was mapped */
	}
	memcpy(&eh, data, sizeof(eh));
	REQUIRE(eh.e_phnum <= RV_ELF_MAX_PHNUM &&
	            eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) <= size,
	        "program headers outside the file");
	memcpy(ph, data + eh.e_phoff, (size_t)eh.e_phnum * sizeof(Elf64_Phdr));

	interp[0] = '\0';
	bool has_interp = false;
	for (unsigned i = 0; i < eh.e_phnum && !has_interp; i++) {
		has_interp = ph[i].p_type == PT_INTERP;
	}
	REQUIRE(rv_elf_interp(data, size, interp, sizeof(interp)) == has_interp, "rv_elf_interp");
	if (has_interp) {
		size_t len = strnlen(interp, sizeof(interp));
		REQUIRE(len > 0 && len < RV_ELF_INTERP_MAX, "interpreter path of %zu bytes", len);
	}

	uint64_t lo, hi, align;
	rv_elf_span(data, size, &lo, &hi, &align);
	REQUIRE(lo <= hi && lo % RV_PAGE_SIZE == 0 && hi % RV_PAGE_SIZE == 0 && align >= RV_PAGE_SIZE,
	        "span [0x%llx, 0x%llx) align 0x%llx", (unsigned long long)lo, (unsigned long long)hi,
	        (unsigned long long)align);

	uint64_t bias = eh.e_type == ET_DYN ? DYN_BIAS : 0;
	err[0] = '\0';
	if (rv_elf_load_at(&mem, data, size, -1, bias, &img, err, sizeof(err)) != 0) {
		REQUIRE(strstr(err, "outside the guest address space") != NULL ||
		            strstr(err, "page zero") != NULL ||
		            strstr(err, "cannot map guest memory") != NULL,
		        "a checked file was refused: %s", err);
		rv_mem_unmap(&mem, 0, GUEST_LIMIT); /* a failed mapping may have mapped some segments */
	} else {
		check_loaded(data, size, &eh, ph, bias, &img);
		check_stack(&img, interp);
		/* check_loaded showed nothing is mapped outside the image's pages and the stack */
		uint64_t start = img.lowest & ~(RV_PAGE_SIZE - 1);
		rv_mem_unmap(&mem, start, ((img.highest + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1)) - start);
		rv_mem_unmap(&mem, STACK_TOP - STACK_SIZE, STACK_SIZE);
	}
	return 0;
}
