/* Unit tests of karasu-rv's initial stack (rv/user/auxv.c): the layout riscv64 Linux's execve builds
 * (fs/binfmt_elf.c create_elf_tables, the psABI's process initialization): argc at sp, argv[] and envp[]
 * NULL-terminated, the auxiliary vector after them ending with AT_NULL, sp 16-byte aligned, the strings
 * above with argv[0] lowest, AT_EXECFN's string at the top, AT_RANDOM's 16 bytes; E2BIG past a quarter of
 * the stack. The stack is parsed back from guest memory as a program's start code reads it. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rv/user/auxv.h"

#define STACK_TOP  0x800000ull /* end of the test stack */
#define STACK_SIZE 0x40000ull  /* 256 KiB: a quarter is 64 KiB of arguments */
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

struct fixture {
	struct rv_mem m;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || rv_mem_init(&f->m, 1ull << 24) != 0 ||
	    rv_mem_map(&f->m, STACK_TOP - STACK_SIZE, STACK_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rv_mem_fini(&f->m);
	free(f);
	return 0;
}

static uint64_t get_u64(const struct rv_mem *m, uint64_t addr)
{
	uint64_t v;
	memcpy(&v, m->base + addr, sizeof(v));
	return v;
}

static const char *guest_str(const struct rv_mem *m, uint64_t addr)
{
	return (const char *)m->base + addr;
}

static struct rv_exec_info sample_info(void)
{
	struct rv_exec_info info = {
	    .phdr = 0x2aaaaaa040,
	    .phent = sizeof(Elf64_Phdr),
	    .phnum = 10,
	    .entry = 0x2aaaaaa5b0,
	    .interp_base = 0x3fef7df000,
	    .hwcap = RV_HWCAP,
	    .uid = 1000,
	    .euid = 1001,
	    .gid = 100,
	    .egid = 101,
	    .clktck = 100,
	    .minsigstksz = 1088,
	    .secure = 0,
	    .execfn = "./hello",
	};
	for (int i = 0; i < 16; i++)
		info.random[i] = (uint8_t)(0xa0 + i);
	return info;
}

/* The value of auxv entry `type` in the vector at addr, or UINT64_MAX if it is not there. */
static uint64_t auxv_get(const struct rv_mem *m, uint64_t auxv, uint64_t type)
{
	for (uint64_t p = auxv;; p += 16) {
		uint64_t t = get_u64(m, p);
		if (t == type)
			return get_u64(m, p + 8);
		if (t == AT_NULL)
			return UINT64_MAX;
	}
}

static void test_hwcap_is_imafdc(void **state)
{
	(void)state;
	/* one bit per extension letter, 'a' = bit 0: i(8) m(12) a(0) f(5) d(3) c(2) */
	assert_int_equal(RV_HWCAP, 0x112d);
}

static void test_auxv_order_and_values(void **state)
{
	(void)state;
	struct rv_exec_info info = sample_info();
	uint64_t auxv[RV_AUXV_MAX][2];
	size_t n = rv_auxv_fill(&info, 0x1230, 0x4560, auxv);
	/* Linux's order (create_elf_tables): the architecture's entries, then the generic ones */
	const uint64_t want[][2] = {
	    {AT_MINSIGSTKSZ, 1088},  {AT_HWCAP, 0x112d},
	    {AT_PAGESZ, 4096},       {AT_CLKTCK, 100},
	    {AT_PHDR, 0x2aaaaaa040}, {AT_PHENT, 56},
	    {AT_PHNUM, 10},          {AT_BASE, 0x3fef7df000},
	    {AT_FLAGS, 0},           {AT_ENTRY, 0x2aaaaaa5b0},
	    {AT_UID, 1000},          {AT_EUID, 1001},
	    {AT_GID, 100},           {AT_EGID, 101},
	    {AT_SECURE, 0},          {AT_RANDOM, 0x1230},
	    {AT_EXECFN, 0x4560},     {AT_NULL, 0},
	};
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		if (auxv[i][0] != want[i][0] || auxv[i][1] != want[i][1])
			fail_msg("auxv[%zu] = {%llu, 0x%llx}, want {%llu, 0x%llx}", i,
			         (unsigned long long)auxv[i][0], (unsigned long long)auxv[i][1],
			         (unsigned long long)want[i][0], (unsigned long long)want[i][1]);
	}
	/* no vDSO is offered: glibc must not look for one */
	for (size_t i = 0; i < n; i++)
		assert_true(auxv[i][0] != AT_SYSINFO_EHDR);
}

static void test_stack_layout(void **state)
{
	struct fixture *f = *state;
	struct rv_mem *m = &f->m;
	char *argv[] = {"prog", "one", "two words", "", NULL};
	char *envp[] = {"A=1", "HOME=/root", NULL};
	struct rv_exec_info info = sample_info();
	uint64_t sp = rv_stack_build(m, STACK_TOP, STACK_TOP - STACK_SIZE, 4, argv, envp, &info);
	assert_true(sp != 0);
	assert_int_equal(sp % 16, 0);
	assert_true(sp > STACK_TOP - STACK_SIZE && sp < STACK_TOP);

	assert_int_equal(get_u64(m, sp), 4);
	uint64_t p = sp + 8;
	uint64_t prev = 0;
	for (int i = 0; i < 4; i++, p += 8) {
		uint64_t s = get_u64(m, p);
		assert_string_equal(guest_str(m, s), argv[i]);
		assert_true(s > prev); /* argv[0] lowest, ascending */
		assert_true(s > sp);
		prev = s;
	}
	assert_int_equal(get_u64(m, p), 0);
	p += 8;
	for (int i = 0; i < 2; i++, p += 8) {
		uint64_t s = get_u64(m, p);
		assert_string_equal(guest_str(m, s), envp[i]);
		assert_true(s > prev); /* the environment's strings follow the arguments' */
		prev = s;
	}
	assert_int_equal(get_u64(m, p), 0);
	p += 8;

	uint64_t auxv = p;
	assert_true(auxv_get(m, auxv, AT_PHDR) == info.phdr);
	assert_true(auxv_get(m, auxv, AT_BASE) == info.interp_base);
	assert_true(auxv_get(m, auxv, AT_ENTRY) == info.entry);
	uint64_t execfn = auxv_get(m, auxv, AT_EXECFN);
	assert_string_equal(guest_str(m, execfn), "./hello");
	/* the file name is the topmost string, below the pointer-sized gap Linux leaves */
	assert_true(execfn + strlen("./hello") + 1 == STACK_TOP - RV_STACK_TOP_GAP);
	assert_int_equal(get_u64(m, STACK_TOP - RV_STACK_TOP_GAP), 0);
	assert_true(execfn > prev);
	uint64_t random = auxv_get(m, auxv, AT_RANDOM);
	assert_memory_equal(m->base + random, info.random, 16);
	/* the random bytes lie between the vectors and the strings */
	assert_true(random > auxv && random < get_u64(m, sp + 8));
	/* the vectors end before the random bytes begin */
	uint64_t end = auxv;
	while (get_u64(m, end) != AT_NULL)
		end += 16;
	assert_true(end + 16 <= random);
}

static void test_empty_vectors(void **state)
{
	struct fixture *f = *state;
	struct rv_mem *m = &f->m;
	char *none[] = {NULL};
	struct rv_exec_info info = sample_info();
	info.interp_base = 0;
	uint64_t sp = rv_stack_build(m, STACK_TOP, STACK_TOP - STACK_SIZE, 0, none, none, &info);
	assert_true(sp != 0 && sp % 16 == 0);
	assert_int_equal(get_u64(m, sp), 0);      /* argc */
	assert_int_equal(get_u64(m, sp + 8), 0);  /* argv's NULL */
	assert_int_equal(get_u64(m, sp + 16), 0); /* envp's NULL */
	assert_true(auxv_get(m, sp + 24, AT_BASE) == 0);
}

/* Alignment holds for every string length: the vectors start 16-byte aligned whatever sits above. */
static void test_alignment_for_any_length(void **state)
{
	struct fixture *f = *state;
	struct rv_exec_info info = sample_info();
	char arg[40];
	for (int len = 0; len < 32; len++) {
		memset(arg, 'x', (size_t)len);
		arg[len] = '\0';
		char *argv[] = {arg, NULL};
		char *envp[] = {NULL};
		uint64_t sp = rv_stack_build(&f->m, STACK_TOP, STACK_TOP - STACK_SIZE, 1, argv, envp, &info);
		assert_true(sp != 0);
		assert_int_equal(sp % 16, 0);
		assert_string_equal(guest_str(&f->m, get_u64(&f->m, sp + 8)), arg);
	}
}

/* More than a quarter of the stack in arguments: E2BIG (0), and nothing below the stack is touched. */
static void test_too_many_arguments(void **state)
{
	struct fixture *f = *state;
	struct rv_exec_info info = sample_info();
	size_t len = STACK_SIZE / 4;
	char *big = malloc(len + 1);
	assert_non_null(big);
	memset(big, 'a', len);
	big[len] = '\0';
	char *argv[] = {"prog", big, NULL};
	char *envp[] = {NULL};
	assert_true(rv_stack_build(&f->m, STACK_TOP, STACK_TOP - STACK_SIZE, 2, argv, envp, &info) == 0);
	/* just under the limit fits */
	big[len - 1024] = '\0';
	assert_true(rv_stack_build(&f->m, STACK_TOP, STACK_TOP - STACK_SIZE, 2, argv, envp, &info) != 0);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hwcap_is_imafdc),
	    cmocka_unit_test(test_auxv_order_and_values),
	    cmocka_unit_test_setup_teardown(test_stack_layout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_vectors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_alignment_for_any_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_many_arguments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
