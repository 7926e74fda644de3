/* The reference semantics of the bit-manipulation extensions (Zba, Zbb, Zbs: together the B extension)
 * and of Zicond, RV64 forms, as pure functions of the source values. The interpreter's exec_one() uses
 * them; they are written from the specifications' pseudocode, one function per shape of operation, so
 * that each can be read against the spec (RISC-V Bit-Manipulation ISA-extensions 1.0.0, Zicond 1.0.0). */
#ifndef KARASU_RV_INTERP_BITMANIP_H
#define KARASU_RV_INTERP_BITMANIP_H

#include <stdint.h>

/* The low 32 bits, zero-extended: the ".uw" (unsigned word) operand of Zba. */
static inline uint64_t rv_zext_w(uint64_t x)
{
	return (uint32_t)x;
}

static inline uint64_t rv_sext_w(uint64_t x)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)x;
}

/* Leading/trailing zeros and population count; a zero input counts every bit (64, or 32 for *w). */
static inline uint64_t rv_clz64(uint64_t x)
{
	return x ? (uint64_t)__builtin_clzll(x) : 64;
}

static inline uint64_t rv_clz32(uint64_t x)
{
	return (uint32_t)x ? (uint64_t)__builtin_clz((uint32_t)x) : 32;
}

static inline uint64_t rv_ctz64(uint64_t x)
{
	return x ? (uint64_t)__builtin_ctzll(x) : 64;
}

static inline uint64_t rv_ctz32(uint64_t x)
{
	return (uint32_t)x ? (uint64_t)__builtin_ctz((uint32_t)x) : 32;
}

static inline uint64_t rv_cpop64(uint64_t x)
{
	return (uint64_t)__builtin_popcountll(x);
}

static inline uint64_t rv_cpop32(uint64_t x)
{
	return (uint64_t)__builtin_popcount((uint32_t)x);
}

/* Rotations by rs2[5:0] (rs2[4:0] and a sign-extended 32-bit result for the *w forms). */
static inline uint64_t rv_rol64(uint64_t x, uint64_t n)
{
	unsigned s = (unsigned)n & 63;
	return s ? (x << s) | (x >> (64 - s)) : x;
}

static inline uint64_t rv_ror64(uint64_t x, uint64_t n)
{
	unsigned s = (unsigned)n & 63;
	return s ? (x >> s) | (x << (64 - s)) : x;
}

static inline uint64_t rv_rol32(uint64_t x, uint64_t n)
{
	uint32_t v = (uint32_t)x;
	unsigned s = (unsigned)n & 31;
	return rv_sext_w(s ? (v << s) | (v >> (32 - s)) : v);
}

static inline uint64_t rv_ror32(uint64_t x, uint64_t n)
{
	uint32_t v = (uint32_t)x;
	unsigned s = (unsigned)n & 31;
	return rv_sext_w(s ? (v >> s) | (v << (32 - s)) : v);
}

/* orc.b: every byte becomes 0xff if any of its bits is set, else 0x00. */
static inline uint64_t rv_orc_b(uint64_t x)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < 64; i += 8)
		if ((x >> i) & 0xff)
			r |= 0xffull << i;
	return r;
}

static inline uint64_t rv_max(uint64_t a, uint64_t b)
{
	return (int64_t)a < (int64_t)b ? b : a;
}

static inline uint64_t rv_min(uint64_t a, uint64_t b)
{
	return (int64_t)a < (int64_t)b ? a : b;
}

/* The single bit of Zbs: index rs2[5:0] (or shamt). */
static inline uint64_t rv_bit(uint64_t index)
{
	return 1ull << (index & 63);
}

#endif
