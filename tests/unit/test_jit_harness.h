/* Shared fixture of the translator tests (test_jit.c, test_jit_random.c): guest memory and one jit set
 * up per cmocka group, and the harness that runs a program through rv_interp_run and rv_jit_run from
 * the same start state and compares registers, pc, fflags, the exit reason and the data memory. */
#ifndef KARASU_TESTS_UNIT_TEST_JIT_HARNESS_H
#define KARASU_TESTS_UNIT_TEST_JIT_HARNESS_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rv/interp/interp.h"
#include "rv/jit/jit.h"
#include "rv/user/mem.h"

#include "tests/unit/test_jit_asm.h"

enum {
	MEM_LIMIT = 16 << 20,
	CODE_ADDR = 0x10000,
	CODE_SIZE = 0x10000,
	DATA_ADDR = 0x40000,
	DATA_SIZE = 0x2000,
	UNMAPPED_ADDR = 0x80000,
	RW_BEFORE_RO_ADDR = 0x4f000, /* a writable page followed by a read-only one */
	RO_ADDR = 0x50000,
};

static struct rv_mem mem;
static struct rv_jit *jit;
static struct rv_cpu *current_jit_cpu; /* for the SIGSEGV handler */
static uint8_t data_init[DATA_SIZE];

static inline void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	if (current_jit_cpu && rv_jit_recover_fault(jit, current_jit_cpu, uc))
		return;
	signal(sig, SIG_DFL); /* a real bug: let it crash */
}

static inline int setup(void **state)
{
	(void)state;
	if (rv_mem_init(&mem, MEM_LIMIT) != 0)
		return -1;
	if (rv_mem_map(&mem, CODE_ADDR, CODE_SIZE, RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC) != 0 ||
	    rv_mem_map(&mem, DATA_ADDR, DATA_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0 ||
	    rv_mem_map(&mem, RW_BEFORE_RO_ADDR, 0x1000, RV_PROT_READ | RV_PROT_WRITE) != 0 ||
	    rv_mem_map(&mem, RO_ADDR, 0x1000, RV_PROT_READ) != 0)
		return -1;
	struct rv_jit_options o = {0};
	o.dump = getenv("KARASU_TEST_DUMP_JIT") ? stderr : NULL;
	jit = rv_jit_create(&o);
	return jit ? 0 : -1;
}

static inline int teardown(void **state)
{
	(void)state;
	if (getenv("KARASU_TEST_DUMP_JIT"))
		rv_jit_print_stats(jit, stderr);
	rv_jit_destroy(jit);
	rv_mem_fini(&mem);
	return 0;
}

/* Loads a program at CODE_ADDR (and tells the jit that code there changed). */
static inline void load_program(const struct rv_asm *a)
{
	assert_true(a->n * 4 <= CODE_SIZE);
	assert_true(rv_mem_write(&mem, CODE_ADDR, a->code, a->n * 4));
	rv_jit_invalidate(jit, CODE_ADDR, CODE_SIZE);
}

static inline void init_cpu(struct rv_cpu *cpu, uint64_t seed)
{
	memset(cpu, 0, sizeof(*cpu));
	rv_mem_attach(&mem, cpu);
	cpu->pc = CODE_ADDR;
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	for (int i = 1; i < 32; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		cpu->x[i] = s;
	}
	for (int i = 0; i < 32; i++)
		cpu->f[i] = 0x3ff0000000000000ull + (uint64_t)i * 0x0001000000000000ull; /* 1.0, 1.0625... */
}

struct outcome {
	enum rv_exit exit;
	struct rv_cpu cpu;
	uint8_t data[DATA_SIZE];
};

/* Code and data are reloaded before each engine runs: programs may rewrite both. */
static inline void run_both(const struct rv_asm *a, const struct rv_cpu *start, struct outcome *interp,
                            struct outcome *jitted)
{
	load_program(a);
	assert_true(rv_mem_write(&mem, DATA_ADDR, data_init, DATA_SIZE));
	interp->cpu = *start;
	do /* the runtime's answer to fence.i: nothing to drop in the interpreter, go on */
		interp->exit = rv_interp_run(&interp->cpu, 50000000);
	while (interp->exit == RV_EXIT_FENCE_I);
	assert_true(rv_mem_read(&mem, DATA_ADDR, interp->data, DATA_SIZE));

	load_program(a);
	assert_true(rv_mem_write(&mem, DATA_ADDR, data_init, DATA_SIZE));
	jitted->cpu = *start;
	/* cmocka installs its own SIGSEGV handler per test: put the runtime's in place around the run */
	struct sigaction sa, old_segv, old_bus;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	current_jit_cpu = &jitted->cpu;
	jitted->exit = rv_jit_run(jit, &jitted->cpu);
	current_jit_cpu = NULL;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	assert_true(rv_mem_read(&mem, DATA_ADDR, jitted->data, DATA_SIZE));
}

static inline void expect_same(const struct outcome *i, const struct outcome *j, const char *what)
{
	bool ok = true;
	if (i->exit != j->exit) {
		fprintf(stderr, "%s: exit interp %d jit %d\n", what, i->exit, j->exit);
		ok = false;
	}
	if (i->cpu.pc != j->cpu.pc) {
		fprintf(stderr, "%s: pc interp %#llx jit %#llx\n", what, (unsigned long long)i->cpu.pc,
		        (unsigned long long)j->cpu.pc);
		ok = false;
	}
	for (int r = 0; r < 32; r++) {
		if (i->cpu.x[r] != j->cpu.x[r]) {
			fprintf(stderr, "%s: x%d interp %#llx jit %#llx\n", what, r,
			        (unsigned long long)i->cpu.x[r], (unsigned long long)j->cpu.x[r]);
			ok = false;
		}
		if (i->cpu.f[r] != j->cpu.f[r]) {
			fprintf(stderr, "%s: f%d interp %#llx jit %#llx\n", what, r,
			        (unsigned long long)i->cpu.f[r], (unsigned long long)j->cpu.f[r]);
			ok = false;
		}
	}
	if (i->cpu.fflags != j->cpu.fflags) {
		fprintf(stderr, "%s: fflags interp %#x jit %#x\n", what, i->cpu.fflags, j->cpu.fflags);
		ok = false;
	}
	if (i->exit == RV_EXIT_FAULT &&
	    (i->cpu.fault_addr != j->cpu.fault_addr || i->cpu.fault_kind != j->cpu.fault_kind)) {
		fprintf(stderr, "%s: fault interp %#llx/%u jit %#llx/%u\n", what,
		        (unsigned long long)i->cpu.fault_addr, i->cpu.fault_kind,
		        (unsigned long long)j->cpu.fault_addr, j->cpu.fault_kind);
		ok = false;
	}
	if (memcmp(i->data, j->data, DATA_SIZE) != 0) {
		for (int k = 0; k < DATA_SIZE; k++)
			if (i->data[k] != j->data[k]) {
				fprintf(stderr, "%s: data byte %#x interp %#x jit %#x\n", what, k, i->data[k],
				        j->data[k]);
				break;
			}
		ok = false;
	}
	if (!ok)
		fail_msg("%s: interpreter and translator disagree", what);
}

/* Runs the program from a seeded register state on both engines and compares everything. */
static struct outcome out_interp, out_jit;

static inline void check_program(const struct rv_asm *a, uint64_t seed, const char *what, struct outcome *out)
{
	struct rv_cpu start;
	struct outcome *i = &out_interp, *j = &out_jit;
	init_cpu(&start, seed);
	start.x[3] = DATA_ADDR;          /* gp: data base (unmapped in host regs) */
	start.x[12] = DATA_ADDR + 0x100; /* a2: data base (mapped in a host reg) */
	run_both(a, &start, i, j);
	expect_same(i, j, what);
	if (out)
		*out = *j;
}

/* The value of "jit: NAME N" in the jit's statistics. */
static inline unsigned long stat_value(const char *name)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	rv_jit_print_stats(jit, f);
	fclose(f);
	const char *p = strstr(text, name);
	assert_non_null(p);
	unsigned long v = strtoul(p + strlen(name), NULL, 10);
	free(text);
	return v;
}

#endif
