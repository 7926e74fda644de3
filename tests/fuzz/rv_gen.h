/* Random RISC-V (RV64GC + Zicsr + Zba/Zbb/Zbs/Zicond) program generator for the karasu-rv differential fuzzer.
 *
 * A program is a list of instructions placed at RV_GEN_CODE_BASE and ended by ebreak. It only touches
 * memory through two base registers that always point into the scratch page (x2 and x8), so every access
 * is valid unless the generator deliberately plants a faulting access (a template marked as such).
 * Control flow only goes forward, except bounded loops whose counter (x31) nothing else writes, so every
 * program terminates. */
#ifndef KARASU_TESTS_FUZZ_RV_GEN_H
#define KARASU_TESTS_FUZZ_RV_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest memory layout shared by the generator and the fuzzer. */
#define RV_GEN_CODE_BASE     0x10000ull
#define RV_GEN_CODE_MAX      0x10000ull /* bytes of code at most */
#define RV_GEN_SCRATCH_BASE  0x40000ull /* one read/write page */
#define RV_GEN_SCRATCH_SIZE  0x1000ull
#define RV_GEN_UNMAPPED      0x41000ull                    /* the page after scratch is never mapped */
#define RV_GEN_READONLY_BASE 0x42000ull                    /* a read-only page (stores fault) */
#define RV_GEN_BASE_VALUE    (RV_GEN_SCRATCH_BASE + 0x800) /* x2 and x8: the middle of scratch */

/* Instruction classes, selectable with --ext. */
enum rv_gen_class {
	GEN_I = 1u << 0,       /* RV64I ALU, loads/stores, lui/auipc */
	GEN_M = 1u << 1,       /* multiply/divide */
	GEN_A = 1u << 2,       /* AMOs, LR/SC */
	GEN_F = 1u << 3,       /* single precision */
	GEN_D = 1u << 4,       /* double precision */
	GEN_C = 1u << 5,       /* compressed forms */
	GEN_CSR = 1u << 6,     /* fflags/frm/fcsr accesses */
	GEN_BRANCH = 1u << 7,  /* branches, jal/jalr, bounded loops */
	GEN_FAULT = 1u << 8,   /* occasionally one faulting access or jump */
	GEN_ZBA = 1u << 9,     /* address generation: add.uw, sh*add(.uw), slli.uw */
	GEN_ZBB = 1u << 10,    /* basic bit manipulation: counts, min/max, rotations, orc.b, rev8... */
	GEN_ZBS = 1u << 11,    /* single-bit clear/extract/invert/set */
	GEN_ZICOND = 1u << 12, /* czero.eqz, czero.nez */
	GEN_BITMANIP = GEN_ZBA | GEN_ZBB | GEN_ZBS | GEN_ZICOND,
	GEN_ALL = (1u << 13) - 1
};

struct rv_gen_insn {
	uint32_t raw;
	uint8_t len;     /* 2 or 4 */
	int8_t fixup;    /* branch kinds needing a target (enum in rv_gen.c), 0 = none */
	int16_t target;  /* index of the target instruction (fixups) */
	int16_t group;   /* loop body id (> 0), -1 = not a branch target, 0 = free */
	uint8_t link_rd; /* fixups: rd / rs registers kept until encoding */
	uint8_t rs1, rs2;
};

struct rv_gen_program {
	struct rv_gen_insn insn[1024];
	unsigned count;
	unsigned size; /* bytes */
};

/* Fills p with about n instructions of the classes in mask, from the random state *seed. */
void rv_gen_program(struct rv_gen_program *p, unsigned n, unsigned mask, uint64_t *seed);
/* The same, but no instruction writes a register whose bit is set in `reserved` (bit n = xn; x2, x8 and
 * x31 are never written anyway). With reserved == 0 it makes exactly the program rv_gen_program makes. */
void rv_gen_program_reserving(struct rv_gen_program *p, unsigned n, unsigned mask, uint32_t reserved,
                              uint64_t *seed);
/* Writes the program's bytes to code (at least p->size bytes). From instruction index `stop_at` on,
 * every instruction is replaced by ebreak (c.ebreak in 2-byte slots): a shorter prefix of the same
 * program, used to find the first instruction whose result differs. */
void rv_gen_emit(const struct rv_gen_program *p, uint8_t *code, unsigned stop_at);
/* Parses "I,M,A,F,D,C,CSR,BRANCH,FAULT,ZBA,ZBB,ZBS,ZICOND", "B" (= ZBA,ZBB,ZBS) or "all"; returns 0 for an
 * unknown name. */
unsigned rv_gen_parse_classes(const char *list);
uint64_t rv_gen_random(uint64_t *seed);

#endif
