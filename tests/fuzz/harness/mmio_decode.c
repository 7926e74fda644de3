/* libFuzzer harness: the ISV=0 load/store decoder (hv/arch/arm64/insn_decode.c) and the MMIO access decoder
 * over it (hv/arch/arm64/mmio_decode.c), for any 32-bit instruction word and any data-abort syndrome.
 *
 * An independent reference decoder, written from the ARM ARM's encoding tables (C4.1.66: load/store
 * register unsigned immediate, unscaled/unprivileged/pre-/post-indexed immediate, register offset, register
 * pair) rather than from insn_decode.c, says for each word whether it is a general-purpose load/store the
 * header promises to support, and with which fields. Asserted, beyond "no crash":
 *   - every accepted word is one the reference accepts, with the same direction, size (1/2/4/8), registers
 *     (< 32), sign extension, target width, addressing mode, offset, index register, extend and shift;
 *     every word the reference accepts is accepted (except the CONSTRAINED UNPREDICTABLE forms: writeback
 *     onto a transferred register, LDP with Rt == Rt2, which may be refused);
 *   - a refused word leaves the output cleared;
 *   - address, writeback and load/store value helpers compute what the architecture says for random register
 *     values; mmio_op_load_result writes only its target register (never for XZR), in the target's width;
 *   - syndrome decoding (ISV = 1) takes size, register, direction, SSE and SF from their ESR fields.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/arch/arm64/esr.h"
#include "hv/arch/arm64/mmio_decode.h"
#include "tests/fuzz/harness/fuzz_require.h"

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

static uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1u);
}

static int64_t sext(uint64_t v, unsigned width)
{
	return (int64_t)(v << (64 - width)) >> (64 - width);
}

struct reference {
	bool ok;
	bool unpredictable; /* CONSTRAINED UNPREDICTABLE: the decoder may refuse it */
	struct a64_ldst d;
};

/* Single register, opc/size -> kind (C6.2: LDR/LDRB/LDRH, LDRSB/LDRSH/LDRSW, STR/STRB/STRH). */
static bool single_kind(unsigned size, unsigned opc, struct a64_ldst *d)
{
	d->size = 1u << size;
	if (opc == 0) {
		d->is_write = true;
	} else if (opc == 1) {
		d->dest_64 = size == 3;
	} else if (opc == 2 && size < 3) { /* LDRS* to X (size 3: PRFM) */
		d->sign_extend = d->dest_64 = true;
	} else if (opc == 3 && size < 2) { /* LDRSB/LDRSH to W */
		d->sign_extend = true;
	} else {
		return false;
	}
	return true;
}

static struct reference reference_decode(uint32_t w)
{
	struct reference r;
	memset(&r, 0, sizeof(r));
	struct a64_ldst *d = &r.d;
	if (bits(w, 26, 26)) /* SIMD&FP */
		return r;
	unsigned size = bits(w, 31, 30), opc = bits(w, 23, 22);
	if (bits(w, 29, 27) == 7 && bits(w, 25, 24) == 1) { /* unsigned immediate */
		if (!single_kind(size, opc, d))
			return r;
		d->mode = A64_ADDR_OFFSET;
		d->offset = (int64_t)bits(w, 21, 10) * d->size;
	} else if (bits(w, 29, 27) == 7 && bits(w, 25, 24) == 0 &&
	           bits(w, 21, 21) == 0) { /* 9-bit immediate */
		if (!single_kind(size, opc, d))
			return r;
		static const enum a64_addr_mode modes[4] = {A64_ADDR_OFFSET, A64_ADDR_POST_INDEX,
		                                            A64_ADDR_OFFSET, A64_ADDR_PRE_INDEX};
		d->mode = modes[bits(w, 11, 10)];
		d->offset = sext(bits(w, 20, 12), 9);
	} else if (bits(w, 29, 27) == 7 && bits(w, 25, 24) == 0 && bits(w, 21, 21) == 1 &&
	           bits(w, 11, 10) == 2) {
		unsigned option = bits(w, 15, 13);
		if (!single_kind(size, opc, d))
			return r;
		if (option != 2 && option != 3 && option != 6 && option != 7)
			return r;
		d->mode = A64_ADDR_REG_OFFSET;
		d->rm = bits(w, 20, 16);
		d->extend = (enum a64_extend)option;
		d->shift = bits(w, 12, 12) ? size : 0;
	} else if (bits(w, 29, 27) == 5 && bits(w, 25, 25) == 0) { /* register pair */
		bool load = bits(w, 22, 22);
		unsigned type = bits(w, 24, 23);
		unsigned scale;
		if (size == 0) {
			scale = 2;
		} else if (size == 1 && load &&
		           type != 0) { /* LDPSW; STGP and the no-allocate form excluded */
			scale = 2;
			d->sign_extend = true;
		} else if (size == 2) {
			scale = 3;
		} else {
			return r;
		}
		static const enum a64_addr_mode modes[4] = {A64_ADDR_OFFSET, A64_ADDR_POST_INDEX,
		                                            A64_ADDR_OFFSET, A64_ADDR_PRE_INDEX};
		d->mode = modes[type];
		d->pair = true;
		d->is_write = !load;
		d->size = 1u << scale;
		d->dest_64 = scale == 3 || d->sign_extend;
		d->rt2 = bits(w, 14, 10);
		d->offset = sext(bits(w, 21, 15), 7) * (int64_t)d->size;
		if (load && bits(w, 4, 0) == d->rt2)
			r.unpredictable = true;
	} else {
		return r;
	}
	d->rt = bits(w, 4, 0);
	d->rn = bits(w, 9, 5);
	bool wb = d->mode == A64_ADDR_PRE_INDEX || d->mode == A64_ADDR_POST_INDEX;
	if (wb && d->rn != 31 && (d->rn == d->rt || (d->pair && d->rn == d->rt2)))
		r.unpredictable = true;
	r.ok = true;
	return r;
}

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void check_instruction(uint32_t w, uint64_t xn, uint64_t xm, uint64_t raw)
{
	struct a64_ldst got;
	memset(&got, 0x5a, sizeof(got));
	bool ok = a64_decode_ldst(w, &got) == A64_DECODE_OK;
	struct reference ref = reference_decode(w);
	if (!ok) {
		static const struct a64_ldst zero;
		CHECK(memcmp(&got, &zero, sizeof(got)) == 0);
		CHECK(!ref.ok || ref.unpredictable);
		struct mmio_op op;
		CHECK(!mmio_decode_instruction(w, &op));
		return;
	}
	CHECK(ref.ok);
	const struct a64_ldst *e = &ref.d;
	CHECK(got.is_write == e->is_write && got.size == e->size && got.sign_extend == e->sign_extend);
	CHECK(got.is_write || got.dest_64 == e->dest_64);
	CHECK(got.pair == e->pair && got.rt == e->rt && got.rn == e->rn && got.mode == e->mode);
	CHECK(!got.pair || got.rt2 == e->rt2);
	CHECK(got.rt < 32 && got.rt2 < 32 && got.rn < 32 && got.rm < 32);
	if (got.mode == A64_ADDR_REG_OFFSET)
		CHECK(got.rm == e->rm && got.extend == e->extend && got.shift == e->shift);
	else
		CHECK(got.offset == e->offset);

	/* the helpers, against the architecture's pseudocode */
	uint64_t index = 0;
	if (e->mode == A64_ADDR_REG_OFFSET) {
		switch (e->extend) {
		case A64_EXTEND_UXTW: index = xm & 0xffffffffull; break;
		case A64_EXTEND_SXTW: index = (uint64_t)sext(xm, 32); break;
		default: index = xm; break;
		}
		index <<= e->shift;
	}
	uint64_t addr = e->mode == A64_ADDR_POST_INDEX   ? xn
	                : e->mode == A64_ADDR_REG_OFFSET ? xn + index
	                                                 : xn + (uint64_t)e->offset;
	CHECK(a64_ldst_address(&got, xn, xm) == addr);
	bool wb = e->mode == A64_ADDR_PRE_INDEX || e->mode == A64_ADDR_POST_INDEX;
	CHECK(a64_ldst_writeback(&got) == wb);
	CHECK(a64_ldst_writeback_value(&got, xn) == (wb ? xn + (uint64_t)e->offset : xn));
	CHECK(a64_ldst_store_value(&got, raw) == (raw & mask_of(e->size)));
	if (!e->is_write) {
		uint64_t v = raw & mask_of(e->size);
		if (e->sign_extend)
			v = (uint64_t)sext(v, 8 * e->size);
		if (!e->dest_64)
			v &= 0xffffffffull;
		CHECK(a64_ldst_load_value(&got, raw) == v);
	}

	/* the MMIO op built on it */
	struct mmio_op op;
	CHECK(mmio_decode_instruction(w, &op));
	CHECK(!op.from_syndrome && op.write == e->is_write && op.size == e->size);
	CHECK(op.count == (e->pair ? 2u : 1u) && op.reg[0] == e->rt && (!e->pair || op.reg[1] == e->rt2));
	unsigned rn = 99;
	CHECK(mmio_op_base_register(&op, &rn) == wb);
	if (wb)
		CHECK(rn == e->rn && mmio_op_base_value(&op, xn) == xn + (uint64_t)e->offset);
	struct trap_frame f, before;
	for (unsigned i = 0; i < 31; i++)
		f.x[i] = xn * (i + 1) ^ xm;
	f.elr = f.spsr = f.pad = 0;
	for (unsigned i = 0; i < op.count; i++) {
		unsigned reg = op.reg[i];
		CHECK(mmio_op_store_value(&op, &f, i) == ((reg < 31 ? f.x[reg] : 0) & mask_of(op.size)));
		if (op.write)
			continue;
		before = f;
		mmio_op_load_result(&op, &f, i, raw);
		for (unsigned r = 0; r < 31; r++)
			if (r != reg)
				CHECK(f.x[r] == before.x[r]);
		if (reg < 31)
			CHECK(f.x[reg] == a64_ldst_load_value(&got, raw));
	}
}

static void check_syndrome(uint64_t esr, uint64_t raw)
{
	struct mmio_op op;
	bool ok = mmio_decode_syndrome(esr, &op);
	CHECK(ok == ((esr & DABT_ISV) != 0));
	if (!ok)
		return;
	unsigned size = 1u << ((esr >> DABT_SAS_SHIFT) & DABT_SAS_MASK);
	unsigned reg = (unsigned)(esr >> DABT_SRT_SHIFT) & DABT_SRT_MASK;
	CHECK(op.from_syndrome && op.count == 1 && op.size == size && op.reg[0] == reg);
	CHECK(op.write == ((esr & DABT_WNR) != 0));
	unsigned rn;
	CHECK(!mmio_op_base_register(&op, &rn));
	struct trap_frame f, before;
	for (unsigned i = 0; i < 31; i++)
		f.x[i] = raw + i;
	f.elr = f.spsr = f.pad = 0;
	CHECK(mmio_op_store_value(&op, &f, 0) == ((reg < 31 ? f.x[reg] : 0) & mask_of(size)));
	before = f;
	mmio_op_load_result(&op, &f, 0, raw);
	uint64_t v = raw & mask_of(size);
	if (esr & DABT_SSE)
		v = (uint64_t)sext(v, 8 * size);
	if (!(esr & DABT_SF))
		v &= 0xffffffffull;
	for (unsigned r = 0; r < 31; r++)
		CHECK(f.x[r] == (r == reg ? v : before.x[r]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* records of 4-byte instruction word + 8-byte Xn + 8-byte Xm/raw; a short tail is zero-padded */
	for (size_t at = 0; at < size; at += 20) {
		uint8_t rec[20] = {0};
		memcpy(rec, data + at, size - at < sizeof(rec) ? size - at : sizeof(rec));
		uint32_t w;
		uint64_t a, b;
		memcpy(&w, rec, 4);
		memcpy(&a, rec + 4, 8);
		memcpy(&b, rec + 12, 8);
		check_instruction(w, a, b, b ^ a);
		check_syndrome(((uint64_t)w << 32 | (uint32_t)(a >> 32)) ^ (b & 0x1ffffffull), b);
	}
	return 0;
}
