/* Per-op properties generated from the RV_OPS table in insn.h. */
#include "rv/isa/insn.h"

static const struct {
	const char *name;
	const char *operands;
	uint32_t flags;
} op_info[RV_OP_COUNT] = {
#define RV_OP_INFO(name, mnemonic, operands, flags) [RV_OP_##name] = {mnemonic, operands, flags},
    RV_OPS(RV_OP_INFO)
#undef RV_OP_INFO
};

const char *rv_op_name(unsigned op)
{
	return op < RV_OP_COUNT ? op_info[op].name : op_info[RV_OP_ILLEGAL].name;
}

const char *rv_op_operands(unsigned op)
{
	return op < RV_OP_COUNT ? op_info[op].operands : "";
}

uint32_t rv_op_flags(unsigned op)
{
	return op < RV_OP_COUNT ? op_info[op].flags : 0;
}
