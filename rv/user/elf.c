/* ELF loading: every header field the kernel would check is checked here first, so a truncated or
 * foreign file gets a clear message instead of a crash. */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
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

	bool entry_ok = false, interp_seen = false;
	int loads = 0;
	uint64_t prev_end = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP && !interp_seen) {
			/* the loader opens this path: it must be a whole C string inside the file */
			interp_seen = true;
			if (ph.p_filesz < 2 || ph.p_filesz > RV_ELF_INTERP_MAX)
				return rv_elf_fail(err, errlen, "PT_INTERP: bad interpreter path length %llu",
				                   (unsigned long long)ph.p_filesz);
			if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
				return rv_elf_fail(
				    err, errlen, "truncated: PT_INTERP ends past the file (%zu bytes)", size);
			if (data[ph.p_offset + ph.p_filesz - 1] != '\0')
				return rv_elf_fail(err, errlen,
				                   "PT_INTERP: the interpreter path is not NUL-terminated");
			if (data[ph.p_offset] == '\0')
				return rv_elf_fail(err, errlen, "PT_INTERP: empty interpreter path");
		}
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

bool rv_elf_interp(const uint8_t *data, size_t size, char *buf, size_t buflen)
{
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_INTERP || ph.p_offset >= size)
			continue;
		snprintf(buf, buflen, "%.*s", (int)ph.p_filesz, (const char *)data + ph.p_offset);
		return true;
	}
	return false;
}

void rv_elf_span(const uint8_t *data, size_t size, uint64_t *lo, uint64_t *hi, uint64_t *align)
{
	(void)size;
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	*lo = UINT64_MAX;
	*hi = 0;
	*align = RV_PAGE_SIZE;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint64_t start, end;
		memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (!seg_pages(&ph, 0, &start, &end))
			continue;
		if (start < *lo)
			*lo = start;
		if (end > *hi)
			*hi = end;
		if (ph.p_align > *align)
			*align = ph.p_align;
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}

/* Maps one segment's pages that no earlier segment mapped ([from, end)) writable, and fills the
 * segment's file bytes: mapped from fd where they cover whole pages of the range, else copied (also
 * when the file cannot be mapped, e.g. on a file system without mmap). */
static int load_segment(struct rv_mem *m, const uint8_t *data, int fd, const Elf64_Phdr *ph, uint64_t bias,
                        uint64_t from, uint64_t end)
{
	const unsigned rw = RV_PROT_READ | RV_PROT_WRITE;
	uint64_t vaddr = ph->p_vaddr + bias;
	uint64_t file_end = vaddr + ph->p_filesz; /* guest address after the last file byte */
	uint64_t file_pages_end = (file_end + RV_PAGE_SIZE - 1) & ~(RV_PAGE_SIZE - 1);
	uint64_t anon_from = from;
	bool file_mapped = false;
	if (fd >= 0 && ph->p_filesz > 0 && from < file_end) {
		/* whole pages of the file, like Linux's mmap of a segment: the bytes around the segment in
		 * its first and last page are the file's too; vaddr ≡ p_offset (mod page), so the offset
		 * of the page at `from` is page aligned */
		uint64_t offset = ph->p_offset + from - vaddr;
		file_mapped = rv_mem_map_host(m, from, file_pages_end - from, rw, false, fd, offset) == 0;
		if (file_mapped)
			anon_from = file_pages_end;
	}
	if (anon_from < end && rv_mem_map(m, anon_from, end - anon_from, rw) != 0)
		return -1;
	/* the bytes no file mapping provided: all of them, or those in a page an earlier segment mapped */
	uint64_t copy_end = file_end;
	if (file_mapped)
		copy_end = from > vaddr ? from : vaddr;
	if (vaddr < copy_end)
		memcpy(m->base + vaddr, data + ph->p_offset, copy_end - vaddr);
	/* a segment with a bss gets the rest of its last file page zeroed, to the end of the page as Linux
	 * does (padzero): ld.so's early allocator takes that space after its own bss as fresh memory */
	if (ph->p_memsz > ph->p_filesz && file_pages_end > file_end)
		memset(m->base + file_end, 0, file_pages_end - file_end);
	return 0;
}

int rv_elf_load_at(struct rv_mem *m, const uint8_t *data, size_t size, int fd, uint64_t bias,
                   struct rv_elf_image *img, char *err, size_t errlen)
{
	if (check(data, size, err, errlen) != 0)
		return -1;
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	memset(img, 0, sizeof(*img));
	img->load_bias = bias;
	img->lowest = UINT64_MAX;

	Elf64_Phdr ph[RV_ELF_MAX_PHNUM];
	memcpy(ph, data + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uint64_t start = (ph[i].p_vaddr + img->load_bias) & ~(RV_PAGE_SIZE - 1);
		uint64_t end = ph[i].p_vaddr + img->load_bias + ph[i].p_memsz;
		if (end > m->limit || end < start || ph[i].p_vaddr + img->load_bias < ph[i].p_vaddr)
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

	/* Each segment's pages are mapped writable (the page a previous segment ends in is mapped already
	 * and keeps its contents), its file bytes filled in, then the final permissions applied range by
	 * range: a segment of any size costs a few host calls. */
	uint64_t mapped_end = 0; /* end of the pages mapped so far (segments ascend) */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		uint64_t start, end;
		if (!seg_pages(&ph[i], img->load_bias, &start, &end))
			continue;
		uint64_t from = start < mapped_end ? mapped_end : start;
		if (from > end)
			from = end;
		if (load_segment(m, data, fd, &ph[i], img->load_bias, from, end) != 0)
			return rv_elf_fail(err, errlen, "cannot map guest memory at 0x%llx (%llu bytes)",
			                   (unsigned long long)from, (unsigned long long)(end - from));
		if (end > mapped_end)
			mapped_end = end;
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

int rv_elf_load(struct rv_mem *m, const uint8_t *data, size_t size, struct rv_elf_image *img, char *err,
                size_t errlen)
{
	if (check(data, size, err, errlen) != 0)
		return -1;
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	return rv_elf_load_at(m, data, size, -1, eh.e_type == ET_DYN ? RV_ELF_DYN_BASE : 0, img, err, errlen);
}
