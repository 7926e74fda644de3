/* libFuzzer harness: karasu-rv's translator against its interpreter, coverage-guided. The existing
 * differential fuzzer's machinery does the work (tests/fuzz/rv_gen.c makes terminating RV64GC programs on
 * the same flat user-mode memory layout as tests/fuzz/rv_fuzz.c); the fuzz input shapes it:
 *   - the generator's seed, program length and instruction classes;
 *   - initial register values (integer and FP) on top of the seeded ones;
 *   - instruction words spliced over generated ones: any 16/32-bit word of the same length that cannot
 *     change control flow or escape the sandbox (no branches/jumps, no CSRs but fflags/frm/fcsr, memory
 *     only through the scratch base registers x2/x8, no writes to x2/x8/x31 or to an indirect jump's
 *     base), which is where coverage guidance drives the translator's instruction selection.
 * Both engines run the program from the same state; asserted: identical exit reason, pc, x and f
 * registers, fflags, frm, fault address and kind, and scratch memory (the comparison rv_fuzz makes).
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/cpu.h"
#include "rv/interp/interp.h"
#include "rv/isa/insn.h"
#include "rv/jit/jit.h"
#include "rv/user/mem.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"
#include "tests/fuzz/rv_gen.h"

#define GUEST_LIMIT      (1ull << 32)
#define INTERP_MAX_INSNS 1000000
#define MAX_SPLICES      32u
#define REG_LOOP         31u

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

struct outcome {
	struct rv_cpu cpu;
	enum rv_exit exit;
	uint8_t scratch[RV_GEN_SCRATCH_SIZE];
};

static struct rv_mem mem;
static struct rv_jit *jit;
static struct rv_cpu *volatile running_cpu;
static struct rv_gen_program program;
static struct sigaction previous_segv, previous_bus;

/* Guest accesses from translated code fault on the host: the translator recovers them. Anything else is
 * passed on to the handler that was there before (the sanitizer's or libFuzzer's crash report). */
static void on_host_fault(int sig, siginfo_t *info, void *uctx)
{
	if (jit && running_cpu && rv_jit_recover_fault(jit, running_cpu, uctx))
		return;
	const struct sigaction *prev = sig == SIGSEGV ? &previous_segv : &previous_bus;
	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, info, uctx);
		return;
	}
	signal(sig, prev->sa_handler == SIG_IGN ? SIG_DFL : prev->sa_handler);
	raise(sig);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	int err = rv_mem_init(&mem, GUEST_LIMIT);
	if (!err)
		err = rv_mem_map(&mem, RV_GEN_CODE_BASE, RV_GEN_CODE_MAX,
		                 RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	if (!err)
		err =
		    rv_mem_map(&mem, RV_GEN_SCRATCH_BASE, RV_GEN_SCRATCH_SIZE, RV_PROT_READ | RV_PROT_WRITE);
	if (!err)
		err = rv_mem_map(&mem, RV_GEN_READONLY_BASE, RV_PAGE_SIZE, RV_PROT_READ);
	struct rv_jit_options o = {0};
	jit = err ? NULL : rv_jit_create(&o);
	if (!jit) {
		fprintf(stderr, "rv_jit_diff: guest memory or translator setup failed\n");
		exit(1);
	}
	return 0;
}

/* Installed at the first input, after libFuzzer and the sanitizers installed theirs, so it comes first. */
static void install_fault_handler(void)
{
	static bool installed;
	if (installed)
		return;
	installed = true;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_host_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, &previous_segv);
	sigaction(SIGBUS, &sa, &previous_bus);
}

/* ---- what a spliced word may be ---- */
static bool writes_x(const struct rv_insn *in)
{
	const char *ops = rv_op_operands(in->op);
	return strchr(ops, 'd') != NULL;
}

static bool splice_allowed(uint32_t word, const struct rv_insn *in, uint32_t protected_regs)
{
	if (in->op == RV_OP_ILLEGAL)
		return true; /* both engines must report it the same way */
	uint32_t flags = rv_op_flags(in->op);
	if (flags & (RV_OPF_CONTROL | RV_OPF_SYSTEM | RV_OPF_PRIV))
		return false;
	if ((flags & RV_OPF_CSR) && (in->csr < RV_CSR_FFLAGS || in->csr > RV_CSR_FCSR))
		return false; /* counters and time differ between two runs */
	if ((flags & (RV_OPF_LOAD | RV_OPF_STORE)) && in->rs1 != 2 && in->rs1 != 8)
		return false; /* memory only around the scratch bases (+-2 KiB stays inside scratch) */
	if (writes_x(in) && in->rd != 0 && (protected_regs & (1u << in->rd)))
		return false;
	(void)word;
	return true;
}

/* Registers nothing spliced may write: the scratch bases, the loop counter, and the base of an indirect
 * jump (set by the one or two instructions before it). */
static uint32_t protected_registers(const uint8_t *code)
{
	uint32_t regs = 1u << 2 | 1u << 8 | 1u << REG_LOOP;
	uint32_t off = 0;
	for (unsigned i = 0; i < program.count; i++) {
		uint32_t raw = 0;
		memcpy(&raw, code + off, program.insn[i].len);
		struct rv_insn in;
		rv_decode(raw, &in);
		if (rv_op_flags(in.op) & RV_OPF_INDIRECT)
			regs |= 1u << in.rs1;
		off += program.insn[i].len;
	}
	return regs;
}

static bool is_control(const uint8_t *code, uint32_t off, unsigned len)
{
	uint32_t raw = 0;
	memcpy(&raw, code + off, len);
	struct rv_insn in;
	rv_decode(raw, &in);
	return (rv_op_flags(in.op) & (RV_OPF_CONTROL | RV_OPF_SYSTEM)) != 0;
}

static void splice(struct fuzz_input *fin, uint8_t *code)
{
	uint32_t offs[1025], off = 0;
	for (unsigned i = 0; i < program.count; i++) {
		offs[i] = off;
		off += program.insn[i].len;
	}
	uint32_t protected_regs = protected_registers(code);
	unsigned n = fuzz_take_u8(fin) % (MAX_SPLICES + 1);
	for (unsigned k = 0; k < n && fin->pos < fin->size; k++) {
		unsigned i = (unsigned)fuzz_take_bytes(fin, 2) % program.count;
		uint32_t word = fuzz_take_u32(fin);
		const struct rv_gen_insn *g = &program.insn[i];
		/* keep control flow: not a branch/jump or what sets one up (the two instructions before) */
		if (g->fixup || is_control(code, offs[i], g->len))
			continue;
		bool feeds_jump = false;
		for (unsigned j = i + 1; j <= i + 2 && j < program.count; j++)
			feeds_jump = feeds_jump || program.insn[j].fixup ||
			             is_control(code, offs[j], program.insn[j].len);
		if (feeds_jump)
			continue;
		/* nor what counts a loop (writes x31) */
		struct rv_insn orig;
		uint32_t old = 0;
		memcpy(&old, code + offs[i], g->len);
		rv_decode(old, &orig);
		if (writes_x(&orig) && orig.rd == REG_LOOP)
			continue;
		struct rv_insn in;
		if (rv_decode(word, &in) != g->len)
			continue;
		if (!splice_allowed(word, &in, protected_regs))
			continue;
		memcpy(code + offs[i], &word, g->len);
	}
}

/* ---- running ---- */
static enum rv_exit run_interp(struct rv_cpu *cpu)
{
	enum rv_exit e;
	do
		e = rv_interp_run(cpu, INTERP_MAX_INSNS);
	while (e == RV_EXIT_FENCE_I);
	return e;
}

static enum rv_exit run_jit(struct rv_cpu *cpu)
{
	rv_jit_invalidate(jit, RV_GEN_CODE_BASE, RV_GEN_CODE_MAX);
	enum rv_exit e;
	running_cpu = cpu;
	do
		e = rv_jit_run(jit, cpu);
	while (e == RV_EXIT_FENCE_I);
	running_cpu = NULL;
	return e;
}

static void initial_state(struct fuzz_input *fin, struct rv_cpu *cpu, uint8_t *scratch, uint64_t seed)
{
	memset(cpu, 0, sizeof(*cpu));
	rv_mem_attach(&mem, cpu);
	for (int i = 1; i < 32; i++)
		cpu->x[i] = rv_gen_random(&seed) % 4 == 0 ? rv_gen_random(&seed) % 64 : rv_gen_random(&seed);
	for (int i = 0; i < 32; i++)
		cpu->f[i] = rv_gen_random(&seed) % 2 ? 0xffffffff00000000ull | (uint32_t)rv_gen_random(&seed)
		                                     : rv_gen_random(&seed);
	/* the input's own values: (register, value) pairs; 0..31 x, 32..63 f */
	unsigned n = fuzz_take_u8(fin) % 16;
	for (unsigned k = 0; k < n; k++) {
		unsigned r = fuzz_take_u8(fin) % 64;
		uint64_t v = fuzz_take_u64(fin);
		if (r < 32)
			cpu->x[r] = v;
		else
			cpu->f[r - 32] = v;
	}
	cpu->x[0] = 0;
	cpu->x[2] = RV_GEN_BASE_VALUE;
	cpu->x[8] = RV_GEN_BASE_VALUE;
	cpu->frm = fuzz_take_u8(fin) % 5;
	cpu->fflags = fuzz_take_u8(fin) & 0x1f;
	cpu->pc = RV_GEN_CODE_BASE;
	for (size_t i = 0; i < RV_GEN_SCRATCH_SIZE; i += 8) {
		uint64_t v = rv_gen_random(&seed);
		memcpy(scratch + i, &v, 8);
	}
}

static void compare(const struct outcome *a, const struct outcome *b)
{
	CHECK(a->exit == b->exit);
	CHECK(a->cpu.pc == b->cpu.pc);
	for (int i = 0; i < 32; i++)
		REQUIRE(a->cpu.x[i] == b->cpu.x[i], "x%d: interp %#llx, jit %#llx", i,
		        (unsigned long long)a->cpu.x[i], (unsigned long long)b->cpu.x[i]);
	for (int i = 0; i < 32; i++)
		REQUIRE(a->cpu.f[i] == b->cpu.f[i], "f%d: interp %#llx, jit %#llx", i,
		        (unsigned long long)a->cpu.f[i], (unsigned long long)b->cpu.f[i]);
	CHECK(a->cpu.fflags == b->cpu.fflags);
	CHECK(a->cpu.frm == b->cpu.frm);
	if (a->exit == RV_EXIT_FAULT)
		CHECK(a->cpu.fault_addr == b->cpu.fault_addr && a->cpu.fault_kind == b->cpu.fault_kind);
	CHECK(memcmp(a->scratch, b->scratch, RV_GEN_SCRATCH_SIZE) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome in_out, jit_out;
	static struct rv_cpu init;
	static uint8_t scratch[RV_GEN_SCRATCH_SIZE];
	install_fault_handler();
	struct fuzz_input fin = fuzz_input_init(data, size);
	uint64_t seed = fuzz_take_u64(&fin);
	unsigned length = 8 + fuzz_take_u8(&fin) % 72;
	unsigned mask = (unsigned)fuzz_take_bytes(&fin, 2) & GEN_ALL;
	if (!mask)
		mask = GEN_ALL;
	uint64_t gen_seed = seed;
	rv_gen_program(&program, length, mask, &gen_seed);
	uint8_t *code = mem.base + RV_GEN_CODE_BASE;
	memset(code, 0, RV_GEN_CODE_MAX);
	rv_gen_emit(&program, code, program.count);
	initial_state(&fin, &init, scratch, seed ^ 0x9e3779b97f4a7c15ull);
	splice(&fin, code);

	in_out.cpu = init;
	memcpy(mem.base + RV_GEN_SCRATCH_BASE, scratch, RV_GEN_SCRATCH_SIZE);
	in_out.exit = run_interp(&in_out.cpu);
	memcpy(in_out.scratch, mem.base + RV_GEN_SCRATCH_BASE, RV_GEN_SCRATCH_SIZE);

	jit_out.cpu = init;
	memcpy(mem.base + RV_GEN_SCRATCH_BASE, scratch, RV_GEN_SCRATCH_SIZE);
	jit_out.exit = run_jit(&jit_out.cpu);
	memcpy(jit_out.scratch, mem.base + RV_GEN_SCRATCH_BASE, RV_GEN_SCRATCH_SIZE);

	/* the interpreter's budget: a program that did not finish in it says nothing about the translator */
	if (in_out.exit == RV_EXIT_LIMIT)
		return 0;
	compare(&in_out, &jit_out);
	return 0;
}
