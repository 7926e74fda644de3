/* riscv64 ELF header validation (elf_header.h): every field a loader relies on is checked, so a
 * truncated or foreign file gets a clear message instead of a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rv/elf/elf_header.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

int rv_elf_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool rv_elf_is_elf(const uint8_t *data, size_t size)
{
	return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

int rv_elf_check_header(const uint8_t *data, size_t size, unsigned type_mask, Elf64_Ehdr *eh, char *err,
                        size_t errlen)
{
	if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
		return rv_elf_fail(err, errlen, "not an ELF file (bad magic)");
	if (data[EI_CLASS] != ELFCLASS64)
		return rv_elf_fail(err, errlen, "not a 64-bit ELF (class %u)", data[EI_CLASS]);
	if (data[EI_DATA] != ELFDATA2LSB)
		return rv_elf_fail(err, errlen, "not a little-endian ELF (data encoding %u)", data[EI_DATA]);
	if (data[EI_VERSION] != EV_CURRENT)
		return rv_elf_fail(err, errlen, "unknown ELF version %u", data[EI_VERSION]);
	if (size < sizeof(Elf64_Ehdr))
		return rv_elf_fail(err, errlen, "truncated ELF header (%zu bytes)", size);
	memcpy(eh, data, sizeof(*eh));
	if (eh->e_machine != EM_RISCV)
		return rv_elf_fail(err, errlen, "not a RISC-V ELF (e_machine %u, expected %u)", eh->e_machine,
		                   EM_RISCV);
	if (eh->e_type >= 32 || !(type_mask & (1u << eh->e_type)))
		return rv_elf_fail(err, errlen, "not an executable (e_type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return rv_elf_fail(err, errlen, "bad program header size %u", eh->e_phentsize);
	if (eh->e_phnum == 0 || eh->e_phnum > RV_ELF_MAX_PHNUM)
		return rv_elf_fail(err, errlen, "bad program header count %u", eh->e_phnum);
	if (eh->e_phoff > size || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
		return rv_elf_fail(err, errlen, "truncated: program headers end past the file (%zu bytes)",
		                   size);
	/* a loader may ignore section headers, but a table past the end means the file was cut short */
	if (eh->e_shnum != 0 && (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > size ||
	                         (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > size - eh->e_shoff))
		return rv_elf_fail(
		    err, errlen, "truncated or corrupt: section headers end past the file (%zu bytes)", size);
	return 0;
}
