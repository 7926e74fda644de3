/* Decoder for AArch64 general-purpose load/store instructions, for data aborts whose syndrome is not valid
 * (ESR_EL2.ISS.ISV = 0: e.g. post-/pre-indexed forms and pairs touching MMIO). Decodes into what an emulator
 * needs; computing the address and writing registers stays with the caller (arch/arm64/mmio_decode.c, core/guest_abort.c).
 *
 * Supported (ARM ARM C4.1.66 "Loads and Stores", general-purpose registers only):
 *   LDR/STR (immediate: unsigned offset, pre-index, post-index; unscaled LDUR/STUR; unprivileged LDTR/STTR;
 *   register offset with UXTW/LSL/SXTW/SXTX and optional shift) for B, H, W, X sizes, including LDRSB,
 *   LDRSH, LDRSW (to W or X registers);
 *   LDP/STP 32/64-bit and LDPSW (signed offset, pre-index, post-index; LDNP/STNP).
 * Everything else (SIMD&FP registers, exclusives, acquire/release, atomics, PRFM, tag stores, unallocated
 * encodings, loads with writeback whose base is also a target) gives A64_DECODE_UNSUPPORTED: the caller must stop
 * the guest with a clear message, never skip the instruction.
 *
 * Register number 31 means XZR/WZR for rt/rt2/rm and SP for rn.
 */
#ifndef KARASU_HV_ARCH_ARM64_INSN_DECODE_H
#define KARASU_HV_ARCH_ARM64_INSN_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#define A64_REG_ZR_OR_SP 31u

enum a64_decode_result {
	A64_DECODE_OK = 0,
	A64_DECODE_UNSUPPORTED = -1,
};

/* How the address is formed. */
enum a64_addr_mode {
	A64_ADDR_OFFSET = 0, /* address = Xn + offset, no writeback */
	A64_ADDR_PRE_INDEX,  /* address = Xn + offset, then Xn = address */
	A64_ADDR_POST_INDEX, /* address = Xn, then Xn = Xn + offset */
	A64_ADDR_REG_OFFSET, /* address = Xn + (extend(Xm) << shift), no writeback */
};

/* Register-offset extend (option field). */
enum a64_extend {
	A64_EXTEND_UXTW = 2,
	A64_EXTEND_LSL = 3, /* UXTX */
	A64_EXTEND_SXTW = 6,
	A64_EXTEND_SXTX = 7,
};

struct a64_ldst {
	bool is_write;    /* store */
	unsigned size;    /* bytes per register: 1, 2, 4 or 8 */
	bool sign_extend; /* loads: sign-extend the loaded value */
	bool dest_64;     /* loads: the target is an X register (else W: result zero-extended from 32 bits) */
	bool pair;        /* two registers: rt at address, rt2 at address + size */
	unsigned rt, rt2; /* rt2 only for pairs */
	unsigned rn;      /* base register (31 = SP) */
	enum a64_addr_mode mode;
	int64_t offset; /* immediate byte offset (already scaled) for OFFSET/PRE/POST */
	unsigned rm;    /* REG_OFFSET: index register (31 = XZR) */
	enum a64_extend extend;
	unsigned shift; /* REG_OFFSET: left shift applied after extension (0 or log2(size)) */
};

/* Decodes insn. On A64_DECODE_OK fills *out; otherwise *out is cleared. */
enum a64_decode_result a64_decode_ldst(uint32_t insn, struct a64_ldst *out);

/* Whether the decoded access writes back its base register (pre-/post-index). */
bool a64_ldst_writeback(const struct a64_ldst *d);

/* The (first) access address given the values of Xn and (REG_OFFSET only) Xm. */
uint64_t a64_ldst_address(const struct a64_ldst *d, uint64_t xn, uint64_t xm);

/* The new value of Xn after a pre-/post-index access (xn itself for the other modes). */
uint64_t a64_ldst_writeback_value(const struct a64_ldst *d, uint64_t xn);

/* The 64-bit register value for raw loaded bytes (the low `size` bytes of raw, little-endian): sign- or
 * zero-extended, then truncated to 32 bits for W targets. */
uint64_t a64_ldst_load_value(const struct a64_ldst *d, uint64_t raw);

/* The bytes a store writes, from the source register's value: the low `size` bytes (as a uint64_t). */
uint64_t a64_ldst_store_value(const struct a64_ldst *d, uint64_t reg);

#endif
