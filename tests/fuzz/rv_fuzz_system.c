/* karasu-rv system-mode differential fuzzer: random privileged programs (sys_gen.h) under random page
 * tables, run on a minimal test machine (rv/system/test_machine.h) once by the interpreter and once by
 * the translator, both through the real hart run loop (rv/system/run.c), from the same initial state.
 * The final state must be identical: x/f registers, fcsr, pc, privilege, every CSR the hart keeps,
 * instret, the LR/SC reservation and all of RAM (which holds the trap log: cause, tval, epc, status and
 * instret of every trap, in order).
 *
 * It is a separate binary from rv_fuzz (user mode): the machine, the program model and the compared
 * state have nothing in common with user mode's beyond the random code of rv_gen.c.
 *
 * On a difference it minimises the program (drops segments and items, shortens random code) while it
 * still differs, then prints it disassembled with its page tables, both trap logs and the differing
 * state, and exits 1. Exit status: 0 all equal, 1 a difference, 2 usage/setup error, 3 a program did
 * not end (a hang in an engine, or a generator bug).
 *
 *   rv_fuzz_system [--seed N] [--iterations N | --seconds N] [--segments N] [--length N] [--ext LIST]
 *                  [--fixed-frm] [--ignore-instret] [--no-item LIST] [--program FILE] [--timeout MS]
 *                  [--keep-going] [--no-minimize] [--tap NAME] [--stats] [--verbose]
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rv/system/priv.h"
#include "rv/system/test_machine.h"
#include "tests/fuzz/rv_gen.h"
#include "tests/fuzz/sys_gen.h"
#include "tests/fuzz/sys_layout.h"
#include "tests/fuzz/sys_state.h"

struct options {
	uint64_t seed;
	long iterations, seconds;
	unsigned segments, length, timeout_ms, gen_mask;
	uint32_t no_items;
	bool keep_going, minimize, stats, verbose, fixed_frm, ignore_instret;
	const char *tap, *ext, *program, *no_items_arg;
};

/* --no-item a,b,c: item kinds by short name. */
static int parse_items(const char *list, uint32_t *mask)
{
	*mask = 0;
	const char *p = list;
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned k;
		for (k = 0; k < SYS_ITEM_KINDS; k++)
			if (strlen(sys_item_short_name(k)) == len && !strncmp(sys_item_short_name(k), p, len))
				break;
		if (k == SYS_ITEM_KINDS) {
			fprintf(stderr, "rv_fuzz_system: unknown item kind '%.*s' in --no-item\n", (int)len,
			        p);
			return -1;
		}
		*mask |= 1u << k;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* --program FILE: instruction words in hex, one per line (8 digits: 4 bytes, 4 digits: 2 bytes), with
 * '#' comments; they run in M-mode after the first segment's prologue, with the page tables, data and
 * registers of --seed. */
static uint8_t raw_code[SYS_PROG_SIZE / 2];
static unsigned raw_len;

static int read_program(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "rv_fuzz_system: cannot open %s\n", path);
		return -1;
	}
	char line[256];
	unsigned n = 0;
	while (fgets(line, sizeof(line), f)) {
		n++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char word[32];
		if (sscanf(line, "%31s", word) != 1)
			continue;
		size_t digits = strlen(word);
		char *end;
		unsigned long v = strtoul(word, &end, 16);
		if (*end || (digits != 4 && digits != 8) || raw_len + digits / 2 > sizeof(raw_code)) {
			fprintf(stderr, "rv_fuzz_system: %s:%u: not a 4- or 8-digit hex instruction: %s\n",
			        path, n, word);
			fclose(f);
			return -1;
		}
		memcpy(raw_code + raw_len, &v, digits / 2); /* little-endian host, as the guest */
		raw_len += (unsigned)(digits / 2);
	}
	fclose(f);
	return 0;
}

static struct options options;
static struct rv_machine *machine;
static uint8_t *image_ram;
static struct sys_final interp_final, jit_final;
static struct sys_image image;
static unsigned run_timeout_ms;

/* Statistics over all programs (--stats): how they ended, what traps they took. */
static struct {
	long programs, by_limit, traps, runs;
	long cause[64], irq[64];
	double seconds_running;
} stats;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Renders p and runs it with both engines. False: it does not render (a generator bug). */
static bool run_both(const struct sys_program *p)
{
	image.ram = image_ram;
	if (!sys_program_render(p, &image))
		return false;
	double t0 = now_seconds();
	sys_state_load(machine, &image);
	sys_state_capture(machine, rv_test_machine_run(machine, false, run_timeout_ms), &interp_final);
	sys_state_load(machine, &image);
	sys_state_capture(machine, rv_test_machine_run(machine, true, run_timeout_ms), &jit_final);
	stats.seconds_running += now_seconds() - t0;
	stats.runs += 2;
	return true;
}

/* Does p still show a difference (with the interpreter finishing normally)? */
static bool differs(const struct sys_program *p)
{
	return run_both(p) && interp_final.stop == RV_MACHINE_POWEROFF &&
	       sys_state_compare(&interp_final, &jit_final, options.ignore_instret, NULL) > 0;
}

static void drop_segment(struct sys_program *p, unsigned i)
{
	memmove(&p->seg[i], &p->seg[i + 1], (p->n_segments - i - 1) * sizeof(p->seg[0]));
	p->n_segments--;
}

static void drop_item(struct sys_segment *g, unsigned k)
{
	memmove(&g->item[k], &g->item[k + 1], (g->n_items - k - 1) * sizeof(g->item[0]));
	g->n_items--;
}

/* Greedy minimisation: whatever can go while the difference stays. */
static void minimize(struct sys_program *p)
{
	static struct sys_program cand;
	bool changed = true;
	for (int pass = 0; changed && pass < 4; pass++) {
		changed = false;
		for (int i = (int)p->n_segments - 1; i >= 0 && p->n_segments > 1; i--) {
			cand = *p;
			drop_segment(&cand, (unsigned)i);
			if (differs(&cand)) {
				*p = cand;
				changed = true;
			}
		}
		for (unsigned i = 0; i < p->n_segments; i++) {
			for (int k = (int)p->seg[i].n_items - 1; k >= 0; k--) {
				cand = *p;
				drop_item(&cand.seg[i], (unsigned)k);
				if (differs(&cand)) {
					*p = cand;
					changed = true;
				}
			}
		}
		/* random code: shorter and shorter prefixes */
		for (unsigned i = 0; i < p->n_segments; i++) {
			for (unsigned k = 0; k < p->seg[i].n_items; k++) {
				if (p->seg[i].item[k].kind != SYS_ITEM_GEN)
					continue;
				unsigned cur =
				    p->seg[i].item[k].limit ? p->seg[i].item[k].limit : p->gen_length + 2;
				while (cur > 1) {
					unsigned next = cur > 8 ? cur / 2 : cur - 1;
					cand = *p;
					cand.seg[i].item[k].limit = (uint16_t)next;
					if (!differs(&cand))
						break;
					*p = cand;
					cur = next;
					changed = true;
				}
			}
		}
	}
}

static void report(const struct options *o, struct sys_program *p, uint64_t seed, long iteration)
{
	const char *name = o->tap ? o->tap : "rv_fuzz_system";
	printf("%s - %s: interpreter and translator differ (program seed %#" PRIx64 ", iteration %ld)\n",
	       o->tap ? "not ok 1" : "#", name, seed, iteration);
	unsigned items = 0;
	for (unsigned i = 0; i < p->n_segments; i++)
		items += p->seg[i].n_items;
	if (o->minimize) {
		run_timeout_ms =
		    o->timeout_ms < 1000 ? o->timeout_ms : 1000; /* a hanging candidate: give up soon */
		minimize(p);
		run_timeout_ms = o->timeout_ms;
		unsigned left = 0;
		for (unsigned i = 0; i < p->n_segments; i++)
			left += p->seg[i].n_items;
		printf("# minimised from %u items to %u segments, %u items\n", items, p->n_segments, left);
	}
	run_both(p);
	bool again = sys_state_compare(&interp_final, &jit_final, options.ignore_instret, NULL) > 0;
	if (!again) { /* not reproducible: run the original once more to tell */
		printf("# the difference did not show again on a second run: it depends on timing\n");
	}
	printf("# program:\n");
	sys_state_print_program(p, &image, stdout);
	printf("# page tables:\n");
	sys_pt_describe(&image.pt, image.ram, stdout);
	printf("# initial state (M-mode at %#" PRIx64 "):\n", (uint64_t)(SYS_RAM_BASE + SYS_CODE_OFF));
	sys_state_print_initial(&image, stdout);
	printf("# interpreter: pc %#" PRIx64 " in %c-mode, trap log:\n", interp_final.pc,
	       sys_mode_letter(interp_final.priv));
	sys_state_print_log(&interp_final, stdout);
	printf("# translator: pc %#" PRIx64 " in %c-mode, trap log:\n", jit_final.pc,
	       sys_mode_letter(jit_final.priv));
	sys_state_print_log(&jit_final, stdout);
	printf("# differences (interpreter = reference):\n");
	sys_state_compare(&interp_final, &jit_final, options.ignore_instret, stdout);
	printf("# reproduce: rv_fuzz_system --seed %#" PRIx64
	       " --iterations 1 --segments %u --length %u%s%s%s%s%s%s\n",
	       seed, o->segments, o->length, o->fixed_frm ? " --fixed-frm" : "",
	       o->ignore_instret ? " --ignore-instret" : "", o->ext ? " --ext " : "", o->ext ? o->ext : "",
	       o->no_items_arg ? " --no-item " : "", o->no_items_arg ? o->no_items_arg : "");
	fflush(stdout);
}

static void count(uint64_t seed)
{
	stats.programs++;
	uint64_t n = sys_state_trap_count(&interp_final);
	if (n > 100000)
		fprintf(stderr, "# program seed %#" PRIx64 ": trap count %#" PRIx64 " (overwritten?)\n", seed,
		        n);
	stats.traps += (long)n;
	if (n >= SYS_TRAP_LIMIT)
		stats.by_limit++;
	uint64_t first = n > SYS_H_LOG_ENTRIES ? n - SYS_H_LOG_ENTRIES + 1 : 1;
	for (uint64_t t = first; t <= n; t++) {
		uint64_t e = SYS_HDATA_OFF + SYS_H_LOG + ((t & (SYS_H_LOG_ENTRIES - 1)) << SYS_H_LOG_SHIFT);
		uint64_t cause;
		memcpy(&cause, interp_final.ram + e + SYS_H_LOG_CAUSE, 8);
		if (cause >> 63)
			stats.irq[cause & 63]++;
		else
			stats.cause[cause & 63]++;
	}
}

static void print_stats(FILE *out)
{
	fprintf(out, "# %ld programs, %.1f traps each on average, %ld ended by the trap limit\n",
	        stats.programs, stats.programs ? (double)stats.traps / (double)stats.programs : 0.0,
	        stats.by_limit);
	fprintf(out, "# exceptions seen (cause: count):");
	for (int i = 0; i < 64; i++)
		if (stats.cause[i])
			fprintf(out, " %d:%ld", i, stats.cause[i]);
	fprintf(out, "\n# interrupts seen (cause: count):");
	for (int i = 0; i < 64; i++)
		if (stats.irq[i])
			fprintf(out, " %d:%ld", i, stats.irq[i]);
	fprintf(out, "\n# %.0f engine runs per second (both engines, including machine reset)\n",
	        stats.seconds_running > 0 ? (double)stats.runs / stats.seconds_running : 0.0);
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: rv_fuzz_system [--seed N] [--iterations N | --seconds N] [--segments N] [--length N]\n"
	    "                      [--ext LIST] [--fixed-frm] [--ignore-instret] [--no-item LIST] [--timeout "
	    "MS]\n"
	    "                      [--keep-going]\n"
	    "                      [--no-minimize]\n"
	    "                      [--program FILE] [--tap NAME] [--stats] [--verbose]\n"
	    "Runs random privileged RISC-V programs (M/S/U, traps, CSRs, Sv39/Sv48 page tables, PMP, stores\n"
	    "into code) on a karasu-rv test machine with the interpreter and with the translator, and "
	    "compares\n"
	    "the final states.\n"
	    "  --segments N   privilege segments per program (default 6, at most %d)\n"
	    "  --length N     instructions of random code per chunk, at most (default 24)\n"
	    "  --ext LIST     instruction classes of the random code, as rv_fuzz's (default all but FAULT:\n"
	    "                 the programs plant their own faults)\n"
	    "  --fixed-frm    frm stays round-to-nearest (no frm/fcsr writes)\n"
	    "  --ignore-instret  instret is neither read into registers nor compared\n"
	    "  --no-item LIST item kinds not to generate, comma-separated: gen csr status mem bases\n"
	    "                 sfence fence wfi trap xret satp irq lrsc wild smc straddle variant pte\n"
	    "                 remap pmp trapbit mprv\n"
	    "  --program FILE run this code instead (hex words, one per line) in M-mode, with the page\n"
	    "                 tables, data and registers of --seed, and print the outcome\n"
	    "  --timeout MS   a run that takes longer is a hang (default 5000)\n"
	    "  --keep-going   report every difference, not only the first\n"
	    "  --no-minimize  report a difference as found\n"
	    "  --verbose      print every program and its trap log\n"
	    "Exit status: 0 all equal, 1 a difference, 2 usage/setup error, 3 a program did not end.\n",
	    SYS_MAX_SEGMENTS);
}

static int parse(int argc, char **argv, struct options *o)
{
	*o = (struct options){.seed = (uint64_t)time(NULL),
	                      .iterations = 200,
	                      .segments = 6,
	                      .length = 24,
	                      .timeout_ms = 5000,
	                      .minimize = true,
	                      .gen_mask = GEN_ALL & ~GEN_FAULT,
	                      .ext = NULL};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--keep-going")) {
			o->keep_going = true;
		} else if (!strcmp(a, "--no-minimize")) {
			o->minimize = false;
		} else if (!strcmp(a, "--stats")) {
			o->stats = true;
		} else if (!strcmp(a, "--verbose")) {
			o->verbose = true;
		} else if (v && !strcmp(a, "--program")) {
			o->program = v, i++;
			o->minimize = false;
			if (read_program(v))
				return -1;
		} else if (v && !strcmp(a, "--no-item")) {
			o->no_items_arg = v, i++;
			if (parse_items(v, &o->no_items))
				return -1;
		} else if (!strcmp(a, "--fixed-frm")) {
			o->fixed_frm = true;
		} else if (!strcmp(a, "--ignore-instret")) {
			o->ignore_instret = true;
		} else if (v && !strcmp(a, "--ext")) {
			o->ext = v, i++;
			o->gen_mask = rv_gen_parse_classes(v) & ~(unsigned)GEN_FAULT;
			if (!o->gen_mask) {
				fprintf(stderr,
				        "rv_fuzz_system: unknown class in --ext %s (FAULT is not one here)\n",
				        v);
				return -1;
			}
		} else if (v && !strcmp(a, "--seed")) {
			o->seed = strtoull(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--iterations")) {
			o->iterations = strtol(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--seconds")) {
			o->seconds = strtol(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--segments")) {
			o->segments = (unsigned)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--length")) {
			o->length = (unsigned)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--timeout")) {
			o->timeout_ms = (unsigned)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--tap")) {
			o->tap = v, i++;
		} else {
			fprintf(stderr, "rv_fuzz_system: unknown or incomplete argument %s\n", a);
			usage(stderr);
			return -1;
		}
	}
	if (o->segments < 1 || o->segments > SYS_MAX_SEGMENTS || o->length < 1 || o->length > 200 ||
	    o->iterations < 1 || o->timeout_ms < 10) {
		fprintf(stderr,
		        "rv_fuzz_system: --segments must be 1..%d, --length 1..200, --iterations positive, "
		        "--timeout at least 10\n",
		        SYS_MAX_SEGMENTS);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	if (parse(argc, argv, &o))
		return 2;
	options = o;
	char err[256];
	machine = rv_test_machine_create(1, SYS_RAM_SIZE, stderr, err, sizeof(err));
	image_ram = malloc(SYS_RAM_SIZE);
	interp_final.ram = malloc(SYS_RAM_SIZE);
	jit_final.ram = malloc(SYS_RAM_SIZE);
	if (machine && !sys_state_attach_device(machine)) {
		fprintf(stderr, "rv_fuzz_system: cannot add the device page to the test machine\n");
		return 2;
	}
	if (!machine || !image_ram || !interp_final.ram || !jit_final.ram) {
		fprintf(stderr, "rv_fuzz_system: cannot set up the test machine: %s\n",
		        machine ? "out of memory" : err);
		return 2;
	}
	run_timeout_ms = o.timeout_ms;
	static struct sys_program program;
	double start = now_seconds();
	uint64_t seed = o.seed;
	long done = 0, failures = 0;
	for (long it = 0; o.seconds ? now_seconds() - start < (double)o.seconds : it < o.iterations; it++) {
		uint64_t program_seed = seed;
		uint64_t s = seed;
		seed = rv_gen_random(&s); /* the next program's seed */
		sys_program_plan(&program, o.segments, o.length, o.gen_mask, o.fixed_frm, o.no_items,
		                 program_seed);
		program.hide_instret = o.ignore_instret;
		if (o.program) { /* one M-mode segment: the prologue, the given code, the end */
			program.n_segments = 1;
			program.seg[0].mode = SYS_MODE_M;
			program.seg[0].n_items = 0;
			program.raw = raw_code;
			program.raw_len = raw_len;
		}
		if (!run_both(&program)) {
			printf("%s - program seed %#" PRIx64
			       " does not fit the machine: its code is larger than %u "
			       "KiB (lower --segments or --length) or a fuzzer bug\n",
			       o.tap ? "not ok 1" : "#", program_seed, (unsigned)(SYS_PROG_SIZE >> 10));
			return 2;
		}
		done++;
		if (interp_final.stop != RV_MACHINE_POWEROFF) {
			printf("%s - program seed %#" PRIx64
			       ": the interpreter did not finish it (%s); rerun with "
			       "--verbose\n",
			       o.tap ? "not ok 1" : "#", program_seed,
			       interp_final.stop == -1 ? "timeout" : "stopped otherwise");
			if (o.verbose) {
				sys_state_print_program(&program, &image, stdout);
				sys_state_print_log(&interp_final, stdout);
			}
			return 3;
		}
		count(program_seed);
		bool equal = sys_state_compare(&interp_final, &jit_final, options.ignore_instret, NULL) == 0;
		if (o.verbose) {
			printf("# program %ld (seed %#" PRIx64 "): %s, %" PRIu64 " traps\n", it, program_seed,
			       equal ? "equal" : "DIFFERENT", sys_state_trap_count(&interp_final));
			sys_state_print_program(&program, &image, stdout);
			sys_state_print_log(&interp_final, stdout);
		}
		if (equal)
			continue;
		failures++;
		report(&o, &program, program_seed, it);
		if (!o.keep_going)
			break;
	}
	double elapsed = now_seconds() - start;
	if (failures == 0) {
		if (o.tap)
			printf("ok 1 - %s: %ld programs equal (seed %#" PRIx64
			       ", %u segments; %.0f programs/s)\n",
			       o.tap, done, o.seed, o.segments, elapsed > 0 ? (double)done / elapsed : 0.0);
		else
			printf("rv_fuzz_system: %ld programs, JIT == interpreter (first seed %#" PRIx64
			       ", %u segments; %.0f programs/s)\n",
			       done, o.seed, o.segments, elapsed > 0 ? (double)done / elapsed : 0.0);
	} else if (o.keep_going) {
		printf("# rv_fuzz_system: %ld of %ld programs differ\n", failures, done);
	}
	if (o.stats)
		print_stats(stdout);
	rv_test_machine_destroy(machine);
	free(image_ram);
	free(interp_final.ram);
	free(jit_final.ram);
	return failures ? 1 : 0;
}
