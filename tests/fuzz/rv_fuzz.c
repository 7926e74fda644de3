/* karasu-rv differential fuzzer: random valid RV64GC programs (tests/fuzz/rv_gen.c) run by the
 * translator (rv_jit_run) and by the reference interpreter (rv_interp_run) from the same initial state;
 * the whole final state must be identical: x and f registers, pc, fflags, frm, the scratch memory, the
 * exit reason (and for faults the address and kind).
 *
 * On a mismatch it prints the seed, the program (disassembled), the shortest prefix of the program that
 * still differs and the differing state, and exits 1. Output is TAP with --tap (one line per run).
 *
 *   rv_fuzz [--seed N] [--iterations N | --seconds N] [--length N] [--ext I,M,A,F,D,C,CSR,BRANCH,FAULT,ZBA,ZBB,ZBS,ZICOND,B|all]
 *           [--fresh-jit] [--tap NAME] [--stats] [--verbose]
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "rv/cpu.h"
#include "rv/interp/interp.h"
#include "rv/isa/insn.h"
#include "rv/jit/jit.h"
#include "rv/user/mem.h"
#include "tests/fuzz/rv_gen.h"

#define GUEST_LIMIT      (1ull << 32)
#define INTERP_MAX_INSNS 1000000

struct outcome {
	struct rv_cpu cpu;
	enum rv_exit exit;
	uint8_t scratch[RV_GEN_SCRATCH_SIZE];
};

static struct rv_mem mem;
static struct rv_jit *jit;
static struct rv_cpu *volatile running_cpu; /* for the SIGSEGV handler */
static struct rv_gen_program program;
static uint64_t current_seed;
static const char *tap_name;
static bool jit_stats;

static void on_host_fault(int sig, siginfo_t *info, void *uctx)
{
	(void)info;
	if (jit && running_cpu && rv_jit_recover_fault(jit, running_cpu, uctx))
		return;
	/* Not a guest access from translated code: a crash of the translator or of the fuzzer. */
	static const char msg[] = "rv_fuzz: host fault outside translated guest accesses (a karasu-rv bug)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char *exit_name(enum rv_exit e)
{
	static const char *const names[] = {
	    [RV_EXIT_NONE] = "none",       [RV_EXIT_ECALL] = "ecall",      [RV_EXIT_EBREAK] = "ebreak",
	    [RV_EXIT_ILLEGAL] = "illegal", [RV_EXIT_FAULT] = "fault",      [RV_EXIT_HALT] = "halt",
	    [RV_EXIT_FENCE_I] = "fence.i", [RV_EXIT_LIMIT] = "insn limit", [RV_EXIT_INTERRUPT] = "interrupt",
	};
	return (unsigned)e < sizeof(names) / sizeof(names[0]) && names[e] ? names[e] : "?";
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] =
	    "rv_fuzz: a run did not finish within 10 s (hang in the JIT or interpreter)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
	}
	_exit(3);
}

static uint64_t special_int(uint64_t *seed)
{
	static const uint64_t values[] = {0,
	                                  1,
	                                  ~0ull,
	                                  0x8000000000000000ull,
	                                  0x7fffffffffffffffull,
	                                  0x80000000ull,
	                                  0x7fffffffull,
	                                  0xffffffffull,
	                                  0xffffffff80000000ull,
	                                  2,
	                                  0x100000000ull,
	                                  RV_GEN_BASE_VALUE};
	uint64_t r = rv_gen_random(seed);
	switch (r % 4) {
	case 0: return values[(r >> 8) % (sizeof(values) / sizeof(values[0]))];
	case 1: return (uint64_t)(int64_t)(int32_t)rv_gen_random(seed);
	case 2: return rv_gen_random(seed) % 64;
	default: return rv_gen_random(seed);
	}
}

static uint64_t special_fp(uint64_t *seed, bool specials_only)
{
	static const uint64_t doubles[] = {
	    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
	    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
	    0x0000000000000001ull, 0x7fefffffffffffffull, 0x0010000000000000ull, 0x41dfffffffc00000ull,
	    0x43e0000000000000ull, 0xc3e0000000000000ull, 0x4004000000000000ull};
	static const uint32_t singles[] = {0x00000000u, 0x80000000u, 0x3f800000u, 0xbfc00000u, 0x7f800000u,
	                                   0xff800000u, 0x7fc00000u, 0x7f800001u, 0x00000001u, 0x7f7fffffu,
	                                   0x00800000u, 0x4f000000u, 0xcf000000u, 0x40200000u, 0x5f000000u};
	uint64_t r = rv_gen_random(seed);
	switch (specials_only ? r % 2 : r % 6) {
	case 0: return doubles[(r >> 8) % 15];
	case 1: return 0xffffffff00000000ull | singles[(r >> 8) % 15];
	case 2: /* an ordinary double near 1 */
		return 0x3f00000000000000ull + (rv_gen_random(seed) & 0x00ffffffffffffffull);
	case 3: /* an ordinary boxed single */
		return 0xffffffff00000000ull | (0x3c000000u + (uint32_t)(rv_gen_random(seed) & 0x07ffffffu));
	case 4: return (uint64_t)singles[(r >> 8) % 15]; /* not NaN-boxed: reads as the canonical NaN */
	default: return rv_gen_random(seed);
	}
}

static void initial_state(struct rv_cpu *cpu, uint8_t *scratch, uint64_t *seed)
{
	memset(cpu, 0, sizeof(*cpu));
	rv_mem_attach(&mem, cpu);
	for (int i = 1; i < 32; i++)
		cpu->x[i] = special_int(seed);
	cpu->x[2] = RV_GEN_BASE_VALUE;
	cpu->x[8] = RV_GEN_BASE_VALUE;
	/* a third of the programs see only special FP values (infinities, NaNs, zeros, extremes), so that
	 * combinations like inf * 0 + qNaN in an FMA are common */
	bool specials_only = rv_gen_random(seed) % 3 == 0;
	for (int i = 0; i < 32; i++)
		cpu->f[i] = special_fp(seed, specials_only);
	cpu->frm = (uint32_t)(rv_gen_random(seed) % 5);
	cpu->fflags = (uint32_t)(rv_gen_random(seed) % 4 == 0 ? rv_gen_random(seed) & 0x1f : 0);
	cpu->pc = RV_GEN_CODE_BASE;
	for (size_t i = 0; i < RV_GEN_SCRATCH_SIZE; i += 8) {
		uint64_t v = special_int(seed);
		memcpy(scratch + i, &v, 8);
	}
}

static void load_scratch(const uint8_t *scratch)
{
	memcpy(mem.base + RV_GEN_SCRATCH_BASE, scratch, RV_GEN_SCRATCH_SIZE);
}

static enum rv_exit run_interp(struct rv_cpu *cpu)
{
	enum rv_exit e;
	do
		e = rv_interp_run(cpu, INTERP_MAX_INSNS);
	while (e == RV_EXIT_FENCE_I);
	return e;
}

static enum rv_exit run_jit(struct rv_cpu *cpu, bool fresh)
{
	if (fresh) {
		rv_jit_destroy(jit);
		struct rv_jit_options o = {.stats = jit_stats};
		jit = rv_jit_create(&o);
		if (!jit) {
			fprintf(stderr, "rv_fuzz: rv_jit_create failed\n");
			exit(2);
		}
	} else {
		rv_jit_invalidate(jit, RV_GEN_CODE_BASE, RV_GEN_CODE_MAX);
	}
	enum rv_exit e;
	running_cpu = cpu;
	do
		e = rv_jit_run(jit, cpu);
	while (e == RV_EXIT_FENCE_I);
	running_cpu = NULL;
	return e;
}

/* Runs the program (truncated at stop_at) in both engines from the same initial state. */
static void run_both(const struct rv_cpu *init, const uint8_t *scratch, unsigned stop_at, bool fresh,
                     struct outcome *in, struct outcome *jt)
{
	uint8_t *code = mem.base + RV_GEN_CODE_BASE;
	memset(code, 0, RV_GEN_CODE_MAX);
	rv_gen_emit(&program, code, stop_at);

	alarm(10);
	in->cpu = *init;
	load_scratch(scratch);
	in->exit = run_interp(&in->cpu);
	memcpy(in->scratch, mem.base + RV_GEN_SCRATCH_BASE, RV_GEN_SCRATCH_SIZE);

	jt->cpu = *init;
	load_scratch(scratch);
	jt->exit = run_jit(&jt->cpu, fresh);
	memcpy(jt->scratch, mem.base + RV_GEN_SCRATCH_BASE, RV_GEN_SCRATCH_SIZE);
	alarm(0);
}

/* Prints the differences (or nothing) and returns how many there are. */
static int compare(const struct outcome *a, const struct outcome *b, FILE *out)
{
	int diffs = 0;
#define DIFF(...)                                         \
	do {                                              \
		if (out)                                  \
			fprintf(out, "#   " __VA_ARGS__); \
		diffs++;                                  \
	} while (0)
	if (a->exit != b->exit)
		DIFF("exit: interp %s, jit %s\n", exit_name(a->exit), exit_name(b->exit));
	if (a->cpu.pc != b->cpu.pc)
		DIFF("pc: interp %#" PRIx64 ", jit %#" PRIx64 "\n", a->cpu.pc, b->cpu.pc);
	for (int i = 1; i < 32; i++)
		if (a->cpu.x[i] != b->cpu.x[i])
			DIFF("x%d: interp %016" PRIx64 ", jit %016" PRIx64 "\n", i, a->cpu.x[i], b->cpu.x[i]);
	if (b->cpu.x[0] != 0)
		DIFF("x0: jit %016" PRIx64 " (must be 0)\n", b->cpu.x[0]);
	for (int i = 0; i < 32; i++)
		if (a->cpu.f[i] != b->cpu.f[i])
			DIFF("f%d: interp %016" PRIx64 ", jit %016" PRIx64 "\n", i, a->cpu.f[i], b->cpu.f[i]);
	if (a->cpu.fflags != b->cpu.fflags)
		DIFF("fflags: interp %#x, jit %#x\n", a->cpu.fflags, b->cpu.fflags);
	if (a->cpu.frm != b->cpu.frm)
		DIFF("frm: interp %u, jit %u\n", a->cpu.frm, b->cpu.frm);
	if (a->exit == RV_EXIT_FAULT && b->exit == RV_EXIT_FAULT &&
	    (a->cpu.fault_addr != b->cpu.fault_addr || a->cpu.fault_kind != b->cpu.fault_kind))
		DIFF("fault: interp %#" PRIx64 " kind %u, jit %#" PRIx64 " kind %u\n", a->cpu.fault_addr,
		     a->cpu.fault_kind, b->cpu.fault_addr, b->cpu.fault_kind);
	for (size_t i = 0; i < RV_GEN_SCRATCH_SIZE; i++)
		if (a->scratch[i] != b->scratch[i]) {
			DIFF("memory %#" PRIx64 ": interp %02x, jit %02x\n",
			     (uint64_t)(RV_GEN_SCRATCH_BASE + i), a->scratch[i], b->scratch[i]);
			if (diffs > 40)
				break;
		}
#undef DIFF
	return diffs;
}

static void print_program(FILE *out, unsigned upto)
{
	const uint8_t *code = mem.base + RV_GEN_CODE_BASE;
	uint64_t pc = RV_GEN_CODE_BASE;
	for (unsigned i = 0; i < program.count && i <= upto; i++) {
		uint32_t raw = 0;
		memcpy(&raw, code + (pc - RV_GEN_CODE_BASE), program.insn[i].len);
		struct rv_insn in;
		rv_decode(raw, &in);
		char text[96];
		rv_disasm(&in, pc, text, sizeof(text));
		fprintf(out, "#   %5u %08" PRIx64 ": %0*x  %s\n", i, pc, program.insn[i].len * 2, raw, text);
		pc += program.insn[i].len;
	}
}

static void print_state(FILE *out, const struct rv_cpu *c)
{
	for (int i = 0; i < 32; i += 4)
		fprintf(out,
		        "#   x%-2d %016" PRIx64 " x%-2d %016" PRIx64 " x%-2d %016" PRIx64 " x%-2d %016" PRIx64
		        "\n",
		        i, c->x[i], i + 1, c->x[i + 1], i + 2, c->x[i + 2], i + 3, c->x[i + 3]);
	for (int i = 0; i < 32; i += 4)
		fprintf(out,
		        "#   f%-2d %016" PRIx64 " f%-2d %016" PRIx64 " f%-2d %016" PRIx64 " f%-2d %016" PRIx64
		        "\n",
		        i, c->f[i], i + 1, c->f[i + 1], i + 2, c->f[i + 2], i + 3, c->f[i + 3]);
	fprintf(out, "#   frm %u fflags %#x\n", c->frm, c->fflags);
}

/* Every generated word must decode (a generator bug would make the comparison meaningless). */
static bool program_decodes(void)
{
	const uint8_t *code = mem.base + RV_GEN_CODE_BASE;
	uint32_t off = 0;
	for (unsigned i = 0; i < program.count; i++) {
		uint32_t raw = 0;
		memcpy(&raw, code + off, program.insn[i].len);
		struct rv_insn in;
		int len = rv_decode(raw, &in);
		if (in.op == RV_OP_ILLEGAL || len != program.insn[i].len) {
			fprintf(stderr, "# generator bug: instruction %u (%0*x) does not decode\n", i,
			        program.insn[i].len * 2, raw);
			return false;
		}
		off += program.insn[i].len;
	}
	return true;
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: rv_fuzz [--seed N] [--iterations N | --seconds N] [--length N]\n"
	    "               [--ext I,M,A,F,D,C,CSR,BRANCH,FAULT,ZBA,ZBB,ZBS,ZICOND,B|all] [--fresh-jit]\n"
	    "               [--tap NAME] [--stats] [--verbose]\n"
	    "  --ext LIST  instruction classes, comma-separated (B = ZBA,ZBB,ZBS; all = every class)\n"
	    "Runs random RV64GC programs with the karasu-rv translator and the interpreter and compares the\n"
	    "final states. Exit status: 0 all equal, 1 a difference, 2 usage/setup error.\n");
}

static int setup(void)
{
	int err = rv_mem_init(&mem, GUEST_LIMIT);
	if (!err)
		err = rv_mem_map(&mem, RV_GEN_CODE_BASE, RV_GEN_CODE_MAX,
		                 RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC);
	if (!err)
		err =
		    rv_mem_map(&mem, RV_GEN_SCRATCH_BASE, RV_GEN_SCRATCH_SIZE, RV_PROT_READ | RV_PROT_WRITE);
	if (!err)
		err = rv_mem_map(&mem, RV_GEN_READONLY_BASE, RV_PAGE_SIZE, RV_PROT_READ);
	if (err) {
		fprintf(stderr, "rv_fuzz: guest memory setup failed: %s\n", strerror(-err));
		return -1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_host_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGALRM, on_alarm);
	struct rv_jit_options o = {.stats = jit_stats};
	jit = rv_jit_create(&o);
	return jit ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL);
	long iterations = 1000, seconds = 0;
	unsigned length = 48, mask = GEN_ALL;
	bool fresh = false, verbose = false, stats = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--fresh-jit")) {
			fresh = true;
		} else if (!strcmp(a, "--stats")) {
			stats = true;
		} else if (!strcmp(a, "--verbose")) {
			verbose = true;
		} else if (v && !strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--iterations")) {
			iterations = strtol(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--seconds")) {
			seconds = strtol(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--length")) {
			length = (unsigned)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--tap")) {
			tap_name = v, i++;
		} else if (v && !strcmp(a, "--ext")) {
			mask = rv_gen_parse_classes(v), i++;
			if (!mask) {
				fprintf(stderr, "rv_fuzz: unknown class in --ext %s\n", v);
				return 2;
			}
		} else {
			fprintf(stderr, "rv_fuzz: unknown argument %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (length < 1 || length > 900 || iterations < 1) {
		fprintf(stderr, "rv_fuzz: --length must be 1..900 and --iterations positive\n");
		return 2;
	}
	jit_stats = stats;
	if (setup())
		return 2;

	time_t start = time(NULL);
	static struct outcome a, b;
	uint64_t first_seed = seed;
	long done = 0, faults = 0, illegal = 0;
	for (long it = 0; seconds ? time(NULL) - start < seconds : it < iterations; it++) {
		current_seed = seed;
		uint64_t s = seed;
		struct rv_cpu init;
		static uint8_t scratch[RV_GEN_SCRATCH_SIZE];
		rv_gen_program(&program, length, mask, &s);
		initial_state(&init, scratch, &s);
		seed = rv_gen_random(&s); /* next program's seed */

		rv_gen_emit(&program, mem.base + RV_GEN_CODE_BASE, program.count);
		if (!program_decodes())
			return 2;
		run_both(&init, scratch, program.count, fresh, &a, &b);
		done++;
		faults += a.exit == RV_EXIT_FAULT;
		illegal += a.exit == RV_EXIT_ILLEGAL;
		if (a.exit != RV_EXIT_EBREAK && a.exit != RV_EXIT_FAULT && a.exit != RV_EXIT_ILLEGAL) {
			printf("%s - program seed %#" PRIx64 ": the interpreter ended with exit %d\n",
			       tap_name ? "not ok 1" : "#", current_seed, a.exit);
			return 1;
		}
		if (compare(&a, &b, NULL) == 0) {
			if (verbose) {
				printf("# program %ld (seed %#" PRIx64 "): %u instructions, %s at %#" PRIx64
				       ", equal\n",
				       it, current_seed, program.count, exit_name(a.exit), a.cpu.pc);
				print_program(stdout, program.count);
			}
			continue;
		}
		/* A difference: find the shortest prefix that still differs, then report. */
		unsigned shortest = program.count;
		for (unsigned k = 1; k < program.count; k++) {
			struct outcome pa, pb;
			run_both(&init, scratch, k, fresh, &pa, &pb);
			if (compare(&pa, &pb, NULL)) {
				shortest = k;
				break;
			}
		}
		static struct outcome pa, pb;
		run_both(&init, scratch, shortest, fresh, &pa, &pb);
		bool fresh_differs = false;
		if (!fresh) {
			static struct outcome fa, fb;
			run_both(&init, scratch, shortest, true, &fa, &fb);
			fresh_differs = compare(&fa, &fb, NULL) != 0;
		}
		printf("%s - %s: JIT and interpreter differ (program seed %#" PRIx64 ", iteration %ld)\n",
		       tap_name ? "not ok 1" : "#", tap_name ? tap_name : "rv_fuzz", current_seed, it);
		printf("# the first %u instructions already differ (%s with a fresh JIT); the last one is "
		       "the suspect:\n",
		       shortest, fresh || fresh_differs ? "also" : "NOT");
		print_program(stdout, shortest);
		printf("# interpreter: %s at pc %#" PRIx64 "; jit: %s at pc %#" PRIx64 "\n",
		       exit_name(pa.exit), pa.cpu.pc, exit_name(pb.exit), pb.cpu.pc);
		printf("# differences (interpreter = reference):\n");
		compare(&pa, &pb, stdout);
		printf("# initial state:\n");
		print_state(stdout, &init);
		printf("# reproduce: rv_fuzz --seed %#" PRIx64 " --iterations 1 --length %u --ext <same>\n",
		       current_seed, length);
		return 1;
	}
	if (tap_name)
		printf("ok 1 - %s: %ld programs equal (seed %#" PRIx64
		       ", %u instructions each; %ld faulted, %ld illegal)\n",
		       tap_name, done, first_seed, length, faults, illegal);
	else
		printf("rv_fuzz: %ld programs, JIT == interpreter (first seed %#" PRIx64
		       "; %ld faulted, %ld illegal)\n",
		       done, first_seed, faults, illegal);
	if (stats)
		rv_jit_print_stats(jit, stdout);
	rv_jit_destroy(jit);
	rv_mem_fini(&mem);
	return 0;
}
