/* Loading what the machine boots, the way QEMU's riscv virt does it, so that the same files and command
 * lines work: the firmware (-bios FILE) at the start of RAM, the kernel (a RISC-V Linux Image or an ELF)
 * 2 MiB above, the initrd above the kernel, the devicetree at the top of RAM (2 MiB aligned), and a reset
 * stub in the boot ROM at 0x1000 that passes a0 = hart id, a1 = devicetree, a2 = fw_dynamic_info and
 * jumps to the firmware (or, with -bios none, to the kernel). Every file is checked before anything is
 * copied: a malformed one gets a one-line reason. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fdt.h"
#include "rv/elf/elf_header.h"
#include "rv/system/boot.h"
#include "rv/system/machine.h"
#include "rv/system/virt_dtb.h"

/* The RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst). */
#define IMAGE_HEADER_SIZE     64u
#define IMAGE_TEXT_OFFSET_OFF 8u
#define IMAGE_SIZE_OFF        16u
#define IMAGE_MAGIC2_OFF      56u
#define IMAGE_MAGIC2          0x05435352u /* "RSC\x05" */
#define KERNEL_ALIGN          (2ull << 20)
#define INITRD_MAX_DISTANCE   (128ull << 20)
#define DTB_ALIGN             (2ull << 20)
#define DTB_MAX_SIZE          (1ull << 20)

/* fw_dynamic_info (OpenSBI's fw_dynamic interface, version 2). */
#define FW_DYNAMIC_MAGIC       0x4942534full /* "OSBI" */
#define FW_DYNAMIC_VERSION     2ull
#define FW_DYNAMIC_NEXT_MODE_S 1ull

/* Reset stub layout in the boot ROM. */
#define ROM_START_OFF 0x18u /* u64: where to jump */
#define ROM_FDT_OFF   0x20u /* u64: the devicetree */
#define ROM_INFO_OFF  0x28u /* struct fw_dynamic_info: 6 u64 */
#define REG_T0        5u
#define REG_A0        10u
#define REG_A1        11u
#define REG_A2        12u

static int failf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int rv_boot_read_file(const char *what, const char *path, uint64_t max, uint8_t **data, size_t *size,
                      char *err, size_t errlen)
{
	*data = NULL;
	*size = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return failf(err, errlen, "%s %s: %s", what, path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return failf(err, errlen, "%s %s: not a regular file", what, path);
	}
	if ((uint64_t)st.st_size > max) {
		fclose(f);
		return failf(err, errlen, "%s %s: too large (%lld bytes; at most %llu fit)", what, path,
		             (long long)st.st_size, (unsigned long long)max);
	}
	uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		fclose(f);
		return failf(err, errlen, "%s %s: out of memory", what, path);
	}
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (got != (size_t)st.st_size) {
		free(buf);
		return failf(err, errlen, "%s %s: read error", what, path);
	}
	*data = buf;
	*size = got;
	return 0;
}

static uint64_t ram_end(const struct rv_machine *m)
{
	return RV_VIRT_RAM_BASE + m->cfg.ram_size;
}

/* Copies bytes into RAM at pa; false if they do not fit. */
static bool ram_copy(struct rv_machine *m, uint64_t pa, const void *src, uint64_t len)
{
	uint8_t *host;
	if (len == 0)
		return pa >= RV_VIRT_RAM_BASE && pa <= ram_end(m);
	if (!rv_bus_ram(&m->bus, pa, len, &host))
		return false;
	memcpy(host, src, len);
	return true;
}

static uint64_t read_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t read_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Loads an ELF's PT_LOAD segments at their physical addresses. *end = the highest byte + 1. */
static int load_elf(struct rv_machine *m, const char *path, const uint8_t *data, size_t size, uint64_t *entry,
                    uint64_t *end, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	char why[160];
	if (rv_elf_check_header(data, size, 1u << ET_EXEC | 1u << ET_DYN, &eh, why, sizeof(why)) != 0)
		return failf(err, errlen, "%s: %s", path, why);
	*end = 0;
	bool entry_ok = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return failf(err, errlen, "%s: segment %u: data past the end of the file", path, i);
		uint64_t pa = ph.p_paddr;
		if (pa < RV_VIRT_RAM_BASE || ph.p_memsz > ram_end(m) - RV_VIRT_RAM_BASE ||
		    pa - RV_VIRT_RAM_BASE > m->cfg.ram_size - ph.p_memsz)
			return failf(
			    err, errlen,
			    "%s: segment %u at 0x%llx..0x%llx is outside RAM (0x%llx..0x%llx; -m %lluM)",
			    path, i, (unsigned long long)pa, (unsigned long long)(pa + ph.p_memsz),
			    (unsigned long long)RV_VIRT_RAM_BASE, (unsigned long long)ram_end(m),
			    (unsigned long long)(m->cfg.ram_size >> 20));
		uint8_t *host = NULL;
		if (!rv_bus_ram(&m->bus, pa, ph.p_memsz, &host))
			return failf(err, errlen, "%s: segment %u is not in RAM", path, i);
		memcpy(host, data + ph.p_offset, ph.p_filesz);
		memset(host + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if (pa + ph.p_memsz > *end)
			*end = pa + ph.p_memsz;
		if (eh.e_entry >= ph.p_paddr && eh.e_entry < ph.p_paddr + ph.p_memsz)
			entry_ok = true;
	}
	if (*end == 0)
		return failf(err, errlen, "%s: no loadable segment", path);
	if (!entry_ok)
		return failf(err, errlen, "%s: entry point 0x%llx is not in a loaded segment", path,
		             (unsigned long long)eh.e_entry);
	*entry = eh.e_entry;
	return 0;
}

/* The address of a symbol in an ELF's symbol table, 0 if absent (or the tables are unusable). */
static uint64_t elf_symbol(const uint8_t *data, size_t size, const char *name)
{
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;
		memcpy(&sh, data + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize != sizeof(Elf64_Sym) ||
		    sh.sh_link >= eh.e_shnum || sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
			continue;
		Elf64_Shdr strtab;
		memcpy(&strtab, data + eh.e_shoff + sh.sh_link * sizeof(strtab), sizeof(strtab));
		if (strtab.sh_offset > size || strtab.sh_size > size - strtab.sh_offset)
			continue;
		for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
			Elf64_Sym sym;
			memcpy(&sym, data + sh.sh_offset + off, sizeof(sym));
			if (sym.st_name >= strtab.sh_size)
				continue;
			const char *s = (const char *)data + strtab.sh_offset + sym.st_name;
			size_t room = strtab.sh_size - sym.st_name;
			if (strnlen(s, room) < room && strcmp(s, name) == 0)
				return sym.st_value;
		}
	}
	return 0;
}

/* -kernel: an ELF at its physical addresses, or a Linux Image at load_at. */
static int load_kernel(struct rv_machine *m, uint64_t load_at, struct rv_boot_info *bi, char *err,
                       size_t errlen)
{
	const char *path = m->cfg.kernel;
	uint8_t *data;
	size_t size;
	if (rv_boot_read_file("kernel", path, m->cfg.ram_size, &data, &size, err, errlen) != 0)
		return -1;
	int rc = 0;
	if (rv_elf_is_elf(data, size)) {
		rc = load_elf(m, path, data, size, &bi->kernel_entry, &bi->kernel_end, err, errlen);
		if (rc == 0 && m->cfg.firmware == RV_FW_NONE) {
			m->tohost = elf_symbol(data, size, "tohost");
			m->fromhost = elf_symbol(data, size, "fromhost");
		}
	} else if (size >= IMAGE_HEADER_SIZE && read_le32(data + IMAGE_MAGIC2_OFF) == IMAGE_MAGIC2) {
		uint64_t image_size = read_le64(data + IMAGE_SIZE_OFF);
		if (image_size < size)
			image_size = size; /* older headers may leave it 0 */
		if (load_at < RV_VIRT_RAM_BASE || image_size > ram_end(m) - load_at)
			rc = failf(err, errlen,
			           "%s: the kernel (%llu bytes with its bss) does not fit in RAM at 0x%llx "
			           "(-m %lluM)",
			           path, (unsigned long long)image_size, (unsigned long long)load_at,
			           (unsigned long long)(m->cfg.ram_size >> 20));
		else if (!ram_copy(m, load_at, data, size))
			rc = failf(err, errlen, "%s: cannot place the kernel at 0x%llx", path,
			           (unsigned long long)load_at);
		bi->kernel_entry = load_at;
		bi->kernel_end = load_at + image_size;
	} else {
		rc = failf(
		    err, errlen,
		    "%s: not a RISC-V Linux Image (no \"RSC\\x05\" magic at offset 56) and not an ELF file",
		    path);
	}
	free(data);
	return rc;
}

/* -bios FILE: an ELF, or a raw binary at the start of RAM. */
static int load_firmware(struct rv_machine *m, struct rv_boot_info *bi, char *err, size_t errlen)
{
	const char *path = m->cfg.bios;
	uint8_t *data;
	size_t size;
	if (rv_boot_read_file("firmware", path, m->cfg.ram_size, &data, &size, err, errlen) != 0)
		return -1;
	int rc = 0;
	if (rv_elf_is_elf(data, size)) {
		rc = load_elf(m, path, data, size, &bi->firmware_entry, &bi->firmware_end, err, errlen);
	} else if (size == 0) {
		rc = failf(err, errlen, "%s: empty file", path);
	} else {
		bi->firmware_entry = RV_VIRT_RAM_BASE;
		bi->firmware_end = RV_VIRT_RAM_BASE + size;
		if (!ram_copy(m, RV_VIRT_RAM_BASE, data, size))
			rc = failf(err, errlen, "%s: does not fit in RAM", path);
	}
	free(data);
	return rc;
}

static int load_initrd(struct rv_machine *m, struct rv_boot_info *bi, char *err, size_t errlen)
{
	const char *path = m->cfg.initrd;
	uint8_t *data;
	size_t size;
	if (rv_boot_read_file("initrd", path, m->cfg.ram_size, &data, &size, err, errlen) != 0)
		return -1;
	/* as QEMU: above the kernel by half the RAM, at most 128 MiB, and never on the kernel */
	uint64_t distance =
	    m->cfg.ram_size / 2 < INITRD_MAX_DISTANCE ? m->cfg.ram_size / 2 : INITRD_MAX_DISTANCE;
	uint64_t start = bi->kernel_entry + distance;
	if (start < bi->kernel_end)
		start = (bi->kernel_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int rc = 0;
	if (!ram_copy(m, start, data, size) || start + size > bi->dtb_limit)
		rc = failf(err, errlen,
		           "%s: the initrd (%zu bytes) does not fit in RAM above the kernel (-m %lluM)", path,
		           size, (unsigned long long)(m->cfg.ram_size >> 20));
	bi->initrd_start = start;
	bi->initrd_end = start + size;
	free(data);
	return rc;
}

/* Builds (or loads and patches) the devicetree into buf. */
static int make_dtb(struct rv_machine *m, const struct rv_boot_info *bi, void *buf, size_t cap, size_t *size,
                    char *err, size_t errlen)
{
	int rc;
	if (m->cfg.dtb) {
		uint8_t *data;
		size_t len;
		if (rv_boot_read_file("dtb", m->cfg.dtb, DTB_MAX_SIZE, &data, &len, err, errlen) != 0)
			return -1;
		rc = rv_virt_dtb_patch(data, len, m->cfg.append, bi->initrd_start, bi->initrd_end, buf, cap,
		                       size);
		free(data);
		if (rc != 0)
			return failf(err, errlen, "%s: not a usable devicetree blob: %s", m->cfg.dtb,
			             fdt_strerror(rc));
		return 0;
	}
	struct rv_virt_dtb_params p = {
	    .nr_harts = m->n_harts,
	    .ram_size = m->cfg.ram_size,
	    .bootargs = m->cfg.append,
	    .initrd_start = bi->initrd_start,
	    .initrd_end = bi->initrd_end,
	    .mmu = RV_VIRT_MMU_SV48,
	    .isa = RV_VIRT_DTB_DEFAULT_ISA,
	};
	rc = rv_virt_dtb_build(&p, buf, cap, size);
	if (rc != 0)
		return failf(err, errlen, "cannot build the devicetree: %s", fdt_strerror(rc));
	return 0;
}

static uint32_t enc_i(uint32_t opcode, unsigned funct3, unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)imm << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}

/* The reset stub (what QEMU's riscv boot ROM does, written from the ISA encodings):
 *   auipc t0, 0; addi a2, t0, INFO; csrr a0, mhartid; ld a1, FDT(t0); ld t0, START(t0); jr t0 */
static void write_rom(struct rv_machine *m, uint64_t start, uint64_t fdt, uint64_t next)
{
	enum { OP_AUIPC = 0x17, OP_IMM = 0x13, OP_SYSTEM = 0x73, OP_LOAD = 0x03, OP_JALR = 0x67 };
	enum { F3_ADDI = 0, F3_CSRRS = 2, F3_LD = 3, F3_JALR = 0, CSR_MHARTID_NUM = 0xf14 };
	uint32_t code[] = {
	    (REG_T0 << 7) | OP_AUIPC,
	    enc_i(OP_IMM, F3_ADDI, REG_A2, REG_T0, ROM_INFO_OFF),
	    enc_i(OP_SYSTEM, F3_CSRRS, REG_A0, 0, CSR_MHARTID_NUM),
	    enc_i(OP_LOAD, F3_LD, REG_A1, REG_T0, ROM_FDT_OFF),
	    enc_i(OP_LOAD, F3_LD, REG_T0, REG_T0, ROM_START_OFF),
	    enc_i(OP_JALR, F3_JALR, 0, REG_T0, 0),
	};
	memset(m->rom, 0, sizeof(m->rom));
	memcpy(m->rom, code, sizeof(code));
	memcpy(m->rom + ROM_START_OFF, &start, 8);
	memcpy(m->rom + ROM_FDT_OFF, &fdt, 8);
	uint64_t info[6] = {FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next, FW_DYNAMIC_NEXT_MODE_S, 0, 0};
	memcpy(m->rom + ROM_INFO_OFF, info, sizeof(info));
}

int rv_boot_load(struct rv_machine *m, struct rv_boot_info *bi, char *err, size_t errlen)
{
	memset(bi, 0, sizeof(*bi));
	/* the devicetree goes below the top of RAM (at most 3 GiB up, as QEMU), 2 MiB aligned */
	uint64_t top = ram_end(m);
	if (top > RV_VIRT_RAM_BASE + (3ull << 30))
		top = RV_VIRT_RAM_BASE + (3ull << 30);
	bi->dtb_limit = ((top - DTB_MAX_SIZE) & ~(DTB_ALIGN - 1));
	if (bi->dtb_limit <= RV_VIRT_RAM_BASE + RV_VIRT_KERNEL_OFFSET)
		return failf(err, errlen, "-m %lluM is too small for a devicetree and a kernel",
		             (unsigned long long)(m->cfg.ram_size >> 20));
	uint64_t kernel_at = RV_VIRT_RAM_BASE + RV_VIRT_KERNEL_OFFSET;
	if (m->cfg.firmware == RV_FW_FILE) {
		if (load_firmware(m, bi, err, errlen) != 0)
			return -1;
		kernel_at = (bi->firmware_end + KERNEL_ALIGN - 1) & ~(KERNEL_ALIGN - 1);
	}
	if (m->cfg.kernel) {
		if (load_kernel(m, kernel_at, bi, err, errlen) != 0)
			return -1;
	} else if (m->cfg.firmware != RV_FW_FILE && !m->cfg.dumpdtb) {
		/* (-dumpdtb only shows the devicetree: it needs nothing to run) */
		return failf(err, errlen, "no -kernel given (and no -bios firmware to run)");
	}
	if (m->cfg.initrd) {
		if (!m->cfg.kernel)
			return failf(err, errlen, "-initrd needs -kernel");
		if (load_initrd(m, bi, err, errlen) != 0)
			return -1;
	}
	size_t dtb_size;
	uint8_t *dtb = malloc(DTB_MAX_SIZE);
	if (!dtb)
		return failf(err, errlen, "out of memory for the devicetree");
	if (make_dtb(m, bi, dtb, DTB_MAX_SIZE, &dtb_size, err, errlen) != 0) {
		free(dtb);
		return -1;
	}
	bi->dtb_addr = bi->dtb_limit;
	if (bi->kernel_end > bi->dtb_addr && m->cfg.kernel) {
		free(dtb);
		return failf(err, errlen, "%s: the kernel does not fit below the devicetree (-m %lluM)",
		             m->cfg.kernel, (unsigned long long)(m->cfg.ram_size >> 20));
	}
	ram_copy(m, bi->dtb_addr, dtb, dtb_size);
	bi->dtb = dtb;
	bi->dtb_size = dtb_size;

	uint64_t start = m->cfg.firmware == RV_FW_FILE ? bi->firmware_entry : bi->kernel_entry;
	write_rom(m, start, bi->dtb_addr, bi->kernel_entry);
	rv_bus_set_rom(&m->bus, RV_VIRT_MROM_BASE, sizeof(m->rom), m->rom);
	m->entry = m->cfg.firmware == RV_FW_BUILTIN ? bi->kernel_entry : RV_VIRT_MROM_BASE;
	m->dtb_addr = bi->dtb_addr;
	return 0;
}
