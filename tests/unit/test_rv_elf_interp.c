/* Unit tests of the ELF loader's side of dynamically linked programs (rv/user/elf.c): PT_INTERP checked
 * as Linux checks it (a NUL-terminated path of 2..PATH_MAX bytes inside the file; the first one counts),
 * the span an ET_DYN file needs, and segments mapped from the file as Linux maps them (the file's pages,
 * the rest of a bss segment's last file page zeroed, /proc/self/maps naming the file). */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rv/user/elf.h"

#define INTERP_PATH "/lib/ld-linux-riscv64-lp64d.so.1"

/* ELF header, program headers (text R+X from offset 0, data RW with a bss, PT_INTERP), a page of text
 * and a page of data with junk after the data's file bytes: the shape of a small PIE. */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4]; /* the fourth only when a test adds it */
	char interp[64];
	uint8_t pad[0x1000 - sizeof(Elf64_Ehdr) - 4 * sizeof(Elf64_Phdr) - 64];
	uint8_t text[0x1000];
	uint8_t data[0x1000];
};
#define DATA_FILESZ 0x100
#define DATA_MEMSZ  0x3000

static void build(struct image *im, uint16_t type)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = type;
	im->eh.e_machine = 243;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_phoff = offsetof(struct image, ph);
	im->eh.e_ehsize = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 3;
	uint64_t base = type == ET_DYN ? 0 : 0x10000;
	im->eh.e_entry = base + offsetof(struct image, text);
	im->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
	                         .p_flags = PF_R | PF_X,
	                         .p_vaddr = base,
	                         .p_filesz = offsetof(struct image, data),
	                         .p_memsz = offsetof(struct image, data),
	                         .p_align = 0x1000};
	im->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
	                         .p_flags = PF_R | PF_W,
	                         .p_offset = offsetof(struct image, data),
	                         .p_vaddr = base + offsetof(struct image, data),
	                         .p_filesz = DATA_FILESZ,
	                         .p_memsz = DATA_MEMSZ,
	                         .p_align = 0x1000};
	snprintf(im->interp, sizeof(im->interp), "%s", INTERP_PATH);
	im->ph[2] = (Elf64_Phdr){.p_type = PT_INTERP,
	                         .p_flags = PF_R,
	                         .p_offset = offsetof(struct image, interp),
	                         .p_vaddr = base + offsetof(struct image, interp),
	                         .p_filesz = sizeof(INTERP_PATH),
	                         .p_memsz = sizeof(INTERP_PATH),
	                         .p_align = 1};
	memset(im->text, 0x13, sizeof(im->text)); /* nops */
	memset(im->data, 0xd5, sizeof(im->data)); /* file bytes past DATA_FILESZ are junk for the bss */
}

static void expect_refused(const struct image *im, const char *want)
{
	char err[200] = "";
	if (rv_elf_check((const uint8_t *)im, sizeof(*im), err, sizeof(err)) == 0)
		fail_msg("accepted, but should be refused (%s)", want);
	if (!strstr(err, want))
		fail_msg("reason \"%s\" does not mention \"%s\"", err, want);
}

static void test_interp_accepted(void **state)
{
	(void)state;
	struct image im;
	build(&im, ET_DYN);
	char err[200] = "", path[RV_ELF_INTERP_MAX];
	if (rv_elf_check((const uint8_t *)&im, sizeof(im), err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_true(rv_elf_interp((const uint8_t *)&im, sizeof(im), path, sizeof(path)));
	assert_string_equal(path, INTERP_PATH);
	/* a second PT_INTERP (here not even a C string) is ignored: Linux takes the first */
	im.eh.e_phnum = 4;
	im.ph[3] = (Elf64_Phdr){.p_type = PT_INTERP, .p_offset = offsetof(struct image, text), .p_filesz = 8};
	if (rv_elf_check((const uint8_t *)&im, sizeof(im), err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_true(rv_elf_interp((const uint8_t *)&im, sizeof(im), path, sizeof(path)));
	assert_string_equal(path, INTERP_PATH);
	/* without PT_INTERP there is none */
	build(&im, ET_DYN);
	im.ph[2].p_type = PT_NOTE;
	assert_false(rv_elf_interp((const uint8_t *)&im, sizeof(im), path, sizeof(path)));
}

static void test_interp_refused(void **state)
{
	(void)state;
	struct image im;
	build(&im, ET_DYN);
	im.ph[2].p_filesz -= 1; /* the NUL is outside: not terminated */
	expect_refused(&im, "NUL-terminated");
	build(&im, ET_DYN);
	im.interp[0] = '\0';
	expect_refused(&im, "empty");
	build(&im, ET_DYN);
	im.ph[2].p_filesz = 1; /* Linux wants at least 2 bytes */
	expect_refused(&im, "length");
	build(&im, ET_DYN);
	im.ph[2].p_filesz = RV_ELF_INTERP_MAX + 1;
	expect_refused(&im, "length");
	build(&im, ET_DYN);
	im.ph[2].p_offset = sizeof(im) - 4;
	expect_refused(&im, "past the file");
	build(&im, ET_DYN);
	im.ph[2].p_offset = UINT64_MAX - 2;
	expect_refused(&im, "past the file");
}

static void test_span(void **state)
{
	(void)state;
	struct image im;
	build(&im, ET_DYN);
	uint64_t lo, hi, align;
	rv_elf_span((const uint8_t *)&im, sizeof(im), &lo, &hi, &align);
	assert_true(lo == 0);
	assert_true(hi == offsetof(struct image, data) + DATA_MEMSZ);
	assert_true(align == 0x1000);
	im.ph[1].p_align = 0x10000;
	rv_elf_span((const uint8_t *)&im, sizeof(im), &lo, &hi, &align);
	assert_true(align == 0x10000);
}

/* The host's /proc/self/maps line holding host address a: its file name (or "" if anonymous). */
static void host_map_name(const void *a, char *name, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[PATH_MAX + 128];
	name[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		int at = 0;
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &s, &e, &at) < 2)
			continue;
		if ((uintptr_t)a >= s && (uintptr_t)a < e) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(name, len, "%s", at ? line + at : "");
			break;
		}
	}
	fclose(f);
}

static void test_file_backed_load(void **state)
{
	(void)state;
	struct image im;
	build(&im, ET_DYN);
	char path[] = "/tmp/test_rv_elf_interp.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, &im, sizeof(im)), (ssize_t)sizeof(im));

	struct rv_mem copied, mapped;
	assert_int_equal(rv_mem_init(&copied, 1u << 28), 0);
	assert_int_equal(rv_mem_init(&mapped, 1u << 28), 0);
	const uint64_t bias = 0x400000;
	struct rv_elf_image ic, imap;
	char err[200] = "";
	assert_int_equal(
	    rv_elf_load_at(&copied, (const uint8_t *)&im, sizeof(im), -1, bias, &ic, err, sizeof(err)), 0);
	assert_int_equal(
	    rv_elf_load_at(&mapped, (const uint8_t *)&im, sizeof(im), fd, bias, &imap, err, sizeof(err)), 0);
	assert_true(imap.entry == bias + offsetof(struct image, text));
	assert_true(imap.load_bias == bias);
	assert_true(imap.highest == bias + offsetof(struct image, data) + DATA_MEMSZ);
	/* every byte of every segment is the same either way */
	uint64_t text = bias, data = bias + offsetof(struct image, data);
	assert_memory_equal(copied.base + text, mapped.base + text, offsetof(struct image, data));
	assert_memory_equal(copied.base + data, mapped.base + data, DATA_MEMSZ);
	assert_memory_equal(mapped.base + data, im.data, DATA_FILESZ);
	/* the bss, from the end of the file bytes to the end of their page too, is zero (padzero) */
	for (uint64_t i = DATA_FILESZ; i < DATA_MEMSZ; i++)
		if (mapped.base[data + i] != 0)
			fail_msg("bss byte 0x%llx is 0x%02x", (unsigned long long)i, mapped.base[data + i]);
	/* permissions per segment */
	assert_true(rv_mem_range_ok(&mapped, text, 0x1000, RV_PROT_READ | RV_PROT_EXEC));
	assert_false(rv_mem_range_ok(&mapped, text, 0x1000, RV_PROT_WRITE));
	assert_true(rv_mem_range_ok(&mapped, data, DATA_MEMSZ, RV_PROT_READ | RV_PROT_WRITE));
	/* the text page is the file's own page (so /proc/self/maps can name it), the pages past the
	 * file's data are anonymous */
	char name[PATH_MAX];
	host_map_name(mapped.base + text, name, sizeof(name));
	assert_string_equal(name, path);
	host_map_name(mapped.base + data + 0x2000, name, sizeof(name));
	assert_string_equal(name, "");
	host_map_name(copied.base + text, name, sizeof(name));
	assert_string_equal(name, "");
	rv_mem_fini(&copied);
	rv_mem_fini(&mapped);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interp_accepted),
	    cmocka_unit_test(test_interp_refused),
	    cmocka_unit_test(test_span),
	    cmocka_unit_test(test_file_backed_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
