/* Decoding trapped MMIO loads and stores (see mmio_decode.h). */
#include "hv/arch/arm64/mmio_decode.h"

#include "hv/arch/arm64/esr.h"
#include "lib/mem.h"

static uint64_t size_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8u * bytes)) - 1u;
}

static uint64_t sign_extend(uint64_t v, unsigned bytes)
{
	unsigned shift = 64u - 8u * bytes;
	return (uint64_t)((int64_t)(v << shift) >> shift);
}

bool mmio_decode_syndrome(uint64_t esr, struct mmio_op *op)
{
	k_memset(op, 0, sizeof(*op));
	if (!(esr & DABT_ISV))
		return false;
	op->from_syndrome = true;
	op->write = (esr & DABT_WNR) != 0;
	op->size = 1u << ((esr >> DABT_SAS_SHIFT) & DABT_SAS_MASK);
	op->count = 1;
	op->reg[0] = (unsigned)(esr >> DABT_SRT_SHIFT) & DABT_SRT_MASK;
	op->sign_extend = (esr & DABT_SSE) != 0;
	op->reg64 = (esr & DABT_SF) != 0;
	return true;
}

bool mmio_decode_instruction(uint32_t insn, struct mmio_op *op)
{
	k_memset(op, 0, sizeof(*op));
	if (a64_decode_ldst(insn, &op->insn) != A64_DECODE_OK)
		return false;
	op->write = op->insn.is_write;
	op->size = op->insn.size;
	op->count = op->insn.pair ? 2 : 1;
	op->reg[0] = op->insn.rt;
	op->reg[1] = op->insn.rt2;
	return true;
}

uint64_t mmio_op_store_value(const struct mmio_op *op, const struct trap_frame *f, unsigned i)
{
	uint64_t reg = frame_get_reg(f, op->reg[i]);
	if (!op->from_syndrome)
		reg = a64_ldst_store_value(&op->insn, reg);
	return reg & size_mask(op->size);
}

void mmio_op_load_result(const struct mmio_op *op, struct trap_frame *f, unsigned i, uint64_t raw)
{
	uint64_t val;
	if (op->from_syndrome) {
		val = raw & size_mask(op->size);
		if (op->sign_extend)
			val = sign_extend(val, op->size);
		if (!op->reg64)
			val &= size_mask(4); /* W register: upper half zero */
	} else {
		val = a64_ldst_load_value(&op->insn, raw);
	}
	frame_set_reg(f, op->reg[i], val);
}

bool mmio_op_base_register(const struct mmio_op *op, unsigned *rn)
{
	if (op->from_syndrome || !a64_ldst_writeback(&op->insn))
		return false;
	*rn = op->insn.rn;
	return true;
}

uint64_t mmio_op_base_value(const struct mmio_op *op, uint64_t old)
{
	return a64_ldst_writeback_value(&op->insn, old);
}
