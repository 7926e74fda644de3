/* Unit tests of karasu-rv's ELF loader (rv/user/elf.c): a minimal valid riscv64 executable built in
 * memory, then one broken field at a time; every broken file must be refused with a reason. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rv/user/elf.h"

#define TEXT_VADDR 0x10000ull
#define DATA_VADDR 0x12000ull

/* ELF header, 2 program headers (text R+X, data RW with bss), then the segment bytes. */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[0x100];
	uint8_t data[0x20];
};

static void build(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = 243; /* EM_RISCV */
	im->eh.e_version = EV_CURRENT;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_ehsize = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 2;
	/* text: the whole file from offset 0 (so the program headers are loaded: AT_PHDR) */
	im->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
	                         .p_flags = PF_R | PF_X,
	                         .p_offset = 0,
	                         .p_vaddr = TEXT_VADDR,
	                         .p_filesz = offsetof(struct image, data),
	                         .p_memsz = offsetof(struct image, data),
	                         .p_align = 0x1000};
	size_t data_off = offsetof(struct image, data);
	im->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
	                         .p_flags = PF_R | PF_W,
	                         .p_offset = data_off,
	                         .p_vaddr = DATA_VADDR + (data_off & 0xfff),
	                         .p_filesz = sizeof(im->data),
	                         .p_memsz = 0x3000,
	                         .p_align = 0x1000};
	im->eh.e_entry = TEXT_VADDR + offsetof(struct image, text);
	for (size_t i = 0; i < sizeof(im->text); i++)
		im->text[i] = (uint8_t)i;
	memset(im->data, 0xab, sizeof(im->data));
}

static void expect_refused(const struct image *im, size_t size, const char *want_word)
{
	char err[200] = "";
	int r = rv_elf_check((const uint8_t *)im, size, err, sizeof(err));
	if (r == 0)
		fail_msg("accepted, but should be refused (%s)", want_word);
	if (strstr(err, want_word) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", err, want_word);
}

static void test_valid_image_loads(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	struct rv_mem m;
	assert_int_equal(rv_mem_init(&m, 1u << 24), 0);
	struct rv_elf_image img;
	char err[200] = "";
	int r = rv_elf_load(&m, (const uint8_t *)&im, sizeof(im), &img, err, sizeof(err));
	if (r != 0)
		fail_msg("refused: %s", err);
	assert_true(img.entry == im.eh.e_entry);
	assert_true(img.phdr_addr == TEXT_VADDR + im.eh.e_phoff);
	assert_int_equal(img.phnum, 2);
	assert_true(img.highest == im.ph[1].p_vaddr + 0x3000);
	/* contents, bss zeroed, permissions per segment */
	assert_memory_equal(m.base + TEXT_VADDR + offsetof(struct image, text), im.text, sizeof(im.text));
	uint64_t data = im.ph[1].p_vaddr;
	assert_memory_equal(m.base + data, im.data, sizeof(im.data));
	assert_int_equal(m.base[data + sizeof(im.data)], 0);
	assert_int_equal(m.base[data + 0x2000], 0);
	assert_true(rv_mem_range_ok(&m, TEXT_VADDR, 0x100, RV_PROT_READ | RV_PROT_EXEC));
	assert_false(rv_mem_range_ok(&m, TEXT_VADDR, 0x100, RV_PROT_WRITE));
	assert_true(rv_mem_range_ok(&m, data, 0x3000, RV_PROT_READ | RV_PROT_WRITE));
	assert_false(rv_mem_range_ok(&m, data, 0x3000, RV_PROT_EXEC));
	assert_false(rv_mem_is_mapped(&m, TEXT_VADDR - RV_PAGE_SIZE));
	rv_mem_fini(&m);
}

static void test_header_errors(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	expect_refused(&im, 3, "magic");
	expect_refused(&im, 40, "truncated");
	build(&im);
	im.eh.e_ident[EI_MAG1] = 'X';
	expect_refused(&im, sizeof(im), "magic");
	build(&im);
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_refused(&im, sizeof(im), "64-bit");
	build(&im);
	im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect_refused(&im, sizeof(im), "little-endian");
	build(&im);
	im.eh.e_machine = 62;
	expect_refused(&im, sizeof(im), "RISC-V");
	build(&im);
	im.eh.e_type = ET_REL;
	expect_refused(&im, sizeof(im), "executable");
	build(&im);
	im.eh.e_phentsize = 1;
	expect_refused(&im, sizeof(im), "program header size");
	build(&im);
	im.eh.e_phnum = 0;
	expect_refused(&im, sizeof(im), "program header count");
	build(&im);
	im.eh.e_phoff = sizeof(im) - 8;
	expect_refused(&im, sizeof(im), "truncated");
	build(&im);
	im.eh.e_phoff = UINT64_MAX - 8;
	expect_refused(&im, sizeof(im), "truncated");
	build(&im);
	im.eh.e_shnum = 3;
	im.eh.e_shentsize = sizeof(Elf64_Shdr);
	im.eh.e_shoff = sizeof(im) - 10;
	expect_refused(&im, sizeof(im), "section headers");
}

static void test_segment_errors(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.ph[1].p_type = PT_INTERP;
	expect_refused(&im, sizeof(im), "PT_INTERP");
	build(&im);
	im.ph[1].p_filesz = im.ph[1].p_memsz + 1;
	expect_refused(&im, sizeof(im), "file size");
	build(&im);
	im.ph[1].p_offset = sizeof(im);
	expect_refused(&im, sizeof(im), "past the file");
	build(&im);
	im.ph[1].p_vaddr = UINT64_MAX - 0x10;
	expect_refused(&im, sizeof(im), "wraps");
	build(&im);
	im.ph[1].p_align = 0x3000;
	expect_refused(&im, sizeof(im), "power of two");
	build(&im);
	im.ph[1].p_vaddr += 8; /* address no longer congruent with the offset */
	expect_refused(&im, sizeof(im), "modulo");
	build(&im);
	im.ph[0].p_memsz = 0x3000; /* the text segment now reaches into the data segment */
	expect_refused(&im, sizeof(im), "overlaps");
	build(&im);
	im.ph[1].p_vaddr -= 0x4000; /* below the text segment: out of order */
	expect_refused(&im, sizeof(im), "out of order");
	build(&im);
	im.eh.e_entry = im.ph[1].p_vaddr; /* in the data segment */
	expect_refused(&im, sizeof(im), "entry point");
	build(&im);
	im.eh.e_entry = 0;
	expect_refused(&im, sizeof(im), "entry point");
	/* passes the header checks but lies outside a small address space, or maps page 0 */
	build(&im);
	im.ph[1].p_memsz = 1ull << 40;
	struct rv_mem m;
	assert_int_equal(rv_mem_init(&m, 1u << 24), 0);
	struct rv_elf_image img;
	char err[200] = "";
	assert_int_equal(rv_elf_load(&m, (const uint8_t *)&im, sizeof(im), &img, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside"));
	build(&im);
	im.ph[0].p_vaddr = 0;
	im.eh.e_entry = offsetof(struct image, text);
	assert_int_equal(rv_elf_load(&m, (const uint8_t *)&im, sizeof(im), &img, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "page zero"));
	rv_mem_fini(&m);
}

/* A static-pie (ET_DYN) program is placed at RV_ELF_DYN_BASE, like riscv64 Linux places it. */
static void test_static_pie_is_relocated(void **state)
{
	(void)state;
	struct image im;
	build(&im);
	im.eh.e_type = ET_DYN;
	struct rv_mem m;
	assert_int_equal(rv_mem_init(&m, RV_MEM_DEFAULT_LIMIT), 0);
	struct rv_elf_image img;
	char err[200] = "";
	int r = rv_elf_load(&m, (const uint8_t *)&im, sizeof(im), &img, err, sizeof(err));
	if (r != 0)
		fail_msg("refused: %s", err);
	assert_true(img.load_bias == RV_ELF_DYN_BASE);
	assert_true(img.entry == RV_ELF_DYN_BASE + im.eh.e_entry);
	assert_true(img.phdr_addr == RV_ELF_DYN_BASE + TEXT_VADDR + im.eh.e_phoff);
	assert_true(rv_mem_range_ok(&m, RV_ELF_DYN_BASE + TEXT_VADDR, 0x100, RV_PROT_READ | RV_PROT_EXEC));
	assert_false(rv_mem_is_mapped(&m, TEXT_VADDR));
	rv_mem_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_image_loads),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_segment_errors),
	    cmocka_unit_test(test_static_pie_is_relocated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
