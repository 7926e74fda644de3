/* ELF loading: every header field the kernel would check is checked here first, so a truncated or
 * foreign file gets a clear message instead of a crash. */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rv/elf/elf_header.h"
#include "rv/user/elf.h"

static bool is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static int check(const uint8_t *data, size_t size, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	if (rv_elf_check_header(data, size, 1u << ET_EXEC | 1u << ET_DYN, &eh, err, errlen) != 0)
		return -1;

	bool entry_ok = false;
	int loads = 0;
	uint64_t prev_end = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP)
			return rv_elf_fail(
			    err, errlen,
			    "dynamically linked (PT_INTERP): only static programs are supported");
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return rv_elf_fail(err, errlen, "segment %u: file size 0x%llx > memory size 0x%llx",
			                   i, (unsigned long long)ph.p_filesz,
			                   (unsigned long long)ph.p_memsz);
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return rv_elf_fail(err, errlen,
			                   "truncated: segment %u data ends past the file (%zu bytes)", i,
			                   size);
		if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return rv_elf_fail(err, errlen, "segment %u: address range wraps", i);
		if (ph.p_align > 1 && !is_pow2(ph.p_align))
			return rv_elf_fail(err, errlen, "segment %u: alignment 0x%llx is not a power of two",
			                   i, (unsigned long long)ph.p_align);
		if ((ph.p_vaddr & 0xfff) != (ph.p_offset & 0xfff))
			return rv_elf_fail(err, errlen,
			                   "segment %u: address and file offset differ modulo the page size",
			                   i);
		if (loads > 0 && ph.p_vaddr < prev_end)
			return rv_elf_fail(err, errlen,
			                   "segment %u overlaps or is out of order with the previous one", i);
		prev_end = ph.p_vaddr + ph.p_memsz;
		loads++;
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr && eh.e_entry < ph.p_vaddr + ph.p_memsz)
			entry_ok = true;
	}
	if (loads == 0)
		return rv_elf_fail(err, errlen, "no loadable segment");
	if (!entry_ok)
		return rv_elf_fail(err, errlen, "entry point 0x%llx is not in an executable segment",
		                   (unsigned long long)eh.e_entry);
	return 0;
}

int rv_elf_check(const uint8_t *data, size_t size, char *err, size_t errlen)
{
	return check(data, size, err, errlen);
}

static unsigned seg_prot(uint32_t pf)
{
	unsigned p = 0;
	if (pf & PF_R)
		p |= RV_PROT_READ;
	if (pf & PF_W)
		p |= RV_PROT_WRITE;
	if (pf & PF_X)
		p |= RV_PROT_EXEC;
	return p;
}

/* The page range [*start, *end) a PT_LOAD segment occupies; false for other headers and empty ones. */
static bool seg_pages(const Elf64_Phdr *ph, uint64_t bias, uint64_t *start, uint64_t *end)
{
	if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
		return false;
	uint64_t vaddr = ph->p_vaddr + bias;
	*start = vaddr & ~(RV_PAGE_SIZE - 1);
	*end = (vaddr + ph->p_memsz + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1);
	return true;
}

int rv_elf_load(struct rv_mem *m, const uint8_t *data, size_t size, struct rv_elf_image *img, char *err,
                size_t errlen)
{
	if (check(data, size, err, errlen) != 0)
		return -1;
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	memset(img, 0, sizeof(*img));
	img->load_bias = eh.e_type == ET_DYN ? RV_ELF_DYN_BASE : 0;
	img->lowest = UINT64_MAX;

	Elf64_Phdr ph[RV_ELF_MAX_PHNUM];
	memcpy(ph, data + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uint64_t start = (ph[i].p_vaddr + img->load_bias) & ~(RV_PAGE_SIZE - 1);
		uint64_t end = ph[i].p_vaddr + img->load_bias + ph[i].p_memsz;
		if (end > m->limit || end < start)
			return rv_elf_fail(err, errlen,
			                   "segment %u at 0x%llx lies outside the guest address space", i,
			                   (unsigned long long)(ph[i].p_vaddr + img->load_bias));
		if (start < img->lowest)
			img->lowest = start;
		if (end > img->highest)
			img->highest = end;
	}
	if (img->lowest < RV_PAGE_SIZE)
		return rv_elf_fail(err, errlen, "a segment maps page zero");

	/* Each segment's pages are mapped writable in one host mapping (the page a previous segment ends
	 * in is mapped already and keeps its contents), the file data copied, then the final permissions
	 * applied range by range: a segment of any size costs a few host calls. */
	uint64_t mapped_end = 0; /* end of the pages mapped so far (segments ascend) */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		uint64_t start, end;
		if (!seg_pages(&ph[i], img->load_bias, &start, &end))
			continue;
		uint64_t from = start < mapped_end ? mapped_end : start;
		if (from < end && rv_mem_map(m, from, end - from, RV_PROT_READ | RV_PROT_WRITE) != 0)
			return rv_elf_fail(err, errlen, "cannot map guest memory at 0x%llx (%llu bytes)",
			                   (unsigned long long)from, (unsigned long long)(end - from));
		if (end > mapped_end)
			mapped_end = end;
		memcpy(m->base + ph[i].p_vaddr + img->load_bias, data + ph[i].p_offset, ph[i].p_filesz);
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		uint64_t start, end;
		if (!seg_pages(&ph[i], img->load_bias, &start, &end))
			continue;
		rv_mem_protect(m, start, end - start, seg_prot(ph[i].p_flags));
		uint64_t vaddr = ph[i].p_vaddr + img->load_bias;
		if (eh.e_phoff >= ph[i].p_offset && eh.e_phoff < ph[i].p_offset + ph[i].p_filesz)
			img->phdr_addr = vaddr + (eh.e_phoff - ph[i].p_offset);
	}
	/* a page shared by segments (a data segment may start in the page where the text ends) gets the
	 * union of their permissions; only a segment's first and last pages can be shared */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		uint64_t start, end;
		if (!seg_pages(&ph[i], img->load_bias, &start, &end))
			continue;
		const uint64_t edges[2] = {start, end - RV_PAGE_SIZE};
		for (int k = 0; k < 2; k++) {
			unsigned prot = 0;
			int users = 0;
			for (unsigned j = 0; j < eh.e_phnum; j++) {
				uint64_t s, e;
				if (seg_pages(&ph[j], img->load_bias, &s, &e) && edges[k] >= s &&
				    edges[k] < e) {
					prot |= seg_prot(ph[j].p_flags);
					users++;
				}
			}
			if (users > 1)
				rv_mem_protect(m, edges[k], RV_PAGE_SIZE, prot);
		}
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			img->phdr_addr = ph[i].p_vaddr + img->load_bias;
		if (ph[i].p_type == PT_GNU_STACK)
			img->exec_stack = (ph[i].p_flags & PF_X) != 0;
	}
	img->entry = eh.e_entry + img->load_bias;
	img->phnum = eh.e_phnum;
	img->phent = sizeof(Elf64_Phdr);
	return 0;
}
