/* Random Zba, Zbb, Zbs and Zicond instructions for the karasu-rv differential fuzzer (rv_gen.c calls it
 * for the classes ZBA, ZBB, ZBS, ZICOND). */
#ifndef KARASU_TESTS_FUZZ_RV_GEN_BITMANIP_H
#define KARASU_TESTS_FUZZ_RV_GEN_BITMANIP_H

#include <stdint.h>

/* The extensions to draw from (a mask of these bits). */
enum rv_gen_bitmanip_ext {
	RV_GEN_EXT_ZBA = 1u << 0,    /* add.uw, sh1add..sh3add(.uw), slli.uw */
	RV_GEN_EXT_ZBB = 1u << 1,    /* andn..rev8 */
	RV_GEN_EXT_ZBS = 1u << 2,    /* bclr/bext/binv/bset and their immediate forms */
	RV_GEN_EXT_ZICOND = 1u << 3, /* czero.eqz, czero.nez */
};

/* Words rv_gen_bitmanip writes at most. */
#define RV_GEN_BITMANIP_MAX_WORDS 2

/* Writes one instruction of an extension in `exts` (chosen at random; none: nothing) that writes rd and
 * reads rs1 (and rs2), and returns how many words it wrote (0..2). Often a first word gives `tmp` a value
 * the instruction's edge cases need (a shift amount of 0/31/32/63/64, a sign bit, bytes that are zero,
 * zero itself), derived from rs1, and the instruction reads tmp instead: the second word then depends on
 * the first (it must not be entered alone). rd and tmp are registers the caller lets it write (either
 * may be x0: the write is dropped). */
unsigned rv_gen_bitmanip(uint32_t out[RV_GEN_BITMANIP_MAX_WORDS], unsigned exts, unsigned rd, unsigned tmp,
                         unsigned rs1, unsigned rs2, uint64_t *seed);

#endif
