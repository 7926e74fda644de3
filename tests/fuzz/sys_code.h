/* A small assembler for the system-mode fuzzer: emits RISC-V code into the RAM image at an offset, with
 * labels, forward references (branches, jumps, and the offsets of labels loaded into registers), and
 * `li` of any 64-bit constant. Offsets are from SYS_RAM_BASE (sys_layout.h): code refers to other code
 * by offset only, never by address, so it runs at any privilege's address of that offset. */
#ifndef KARASU_TESTS_FUZZ_SYS_CODE_H
#define KARASU_TESTS_FUZZ_SYS_CODE_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/fuzz/rv_enc.h"

#define SYS_CODE_MAX_LABELS 4096
#define SYS_CODE_MAX_FIXUPS 8192

enum sys_fixup_kind {
	SYS_FIX_BRANCH, /* B-type at `at` to the label */
	SYS_FIX_JAL,    /* J-type at `at` to the label */
	SYS_FIX_LI_OFF, /* lui+addiw at `at`: the label's offset */
	SYS_FIX_C_J,    /* c.j at `at` to the label */
};

struct sys_fixup {
	uint64_t at;
	uint16_t label;
	uint8_t kind;
};

struct sys_code {
	uint8_t *image; /* the RAM image: offset 0 is SYS_RAM_BASE */
	uint64_t pos;   /* offset of the next instruction */
	uint64_t limit; /* code must end before this offset */
	bool overflow;  /* past limit, or out of labels/fixups: the code is unusable */
	unsigned n_labels, n_fixups;
	uint64_t label[SYS_CODE_MAX_LABELS]; /* offset, or UINT64_MAX while unbound */
	struct sys_fixup fixup[SYS_CODE_MAX_FIXUPS];
};

void sys_code_init(struct sys_code *c, uint8_t *image, uint64_t start, uint64_t limit);
void sys_emit32(struct sys_code *c, uint32_t insn);
void sys_emit16(struct sys_code *c, uint16_t insn);
/* Labels: made unbound, bound to the current position later (or before their uses). */
unsigned sys_label(struct sys_code *c);
void sys_bind(struct sys_code *c, unsigned label);
uint64_t sys_label_offset(const struct sys_code *c, unsigned label);
/* Branch (funct3 = beq 0, bne 1, blt 4, bge 5, bltu 6, bgeu 7), jal, c.j to a label. */
void sys_branch(struct sys_code *c, unsigned f3, unsigned rs1, unsigned rs2, unsigned label);
void sys_jal(struct sys_code *c, unsigned rd, unsigned label);
/* rd = the offset of a label: always two instructions (lui, addiw), whatever the offset. */
void sys_li_label(struct sys_code *c, unsigned rd, unsigned label);
/* rd = value (1 to 8 instructions, depending on the value only). */
void sys_li(struct sys_code *c, unsigned rd, uint64_t value);
/* Patches every forward reference; false if a label was never bound or a target is out of reach. */
bool sys_code_resolve(struct sys_code *c);

/* Common instructions. */
static inline uint32_t sys_addi(unsigned rd, unsigned rs1, int32_t imm)
{
	return enc_i(OPC_OP_IMM, rd, 0, rs1, imm);
}
static inline uint32_t sys_add(unsigned rd, unsigned rs1, unsigned rs2)
{
	return enc_r(OPC_OP, rd, 0, rs1, rs2, 0);
}
static inline uint32_t sys_csrr(unsigned rd, unsigned csr)
{
	return enc_csr(CSR_OP_RS, rd, csr, 0);
}
static inline uint32_t sys_csrw(unsigned csr, unsigned rs1)
{
	return enc_csr(CSR_OP_RW, 0, csr, rs1);
}
static inline uint32_t sys_ld(unsigned rd, unsigned rs1, int32_t imm)
{
	return enc_i(OPC_LOAD, rd, 3, rs1, imm);
}
static inline uint32_t sys_sd(unsigned rs2, unsigned rs1, int32_t imm)
{
	return enc_s(OPC_STORE, 3, rs1, rs2, imm);
}

#endif
