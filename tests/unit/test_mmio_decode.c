/* hv/arch/arm64/mmio_decode and exit_decode: a trapped load/store decoded from the data-abort syndrome or
 * from the instruction, its values moved between the frame and the device, and a guest exit's syndrome
 * decoded for core's exit table. Syndrome layouts: Arm ARM D17.2.37 (ESR_EL2, ISS for data aborts and
 * MSR/MRS traps); instruction encodings checked with GNU as for aarch64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/arch/arm64/esr.h"
#include "hv/arch/arm64/mmio_decode.h"
#include "hv/arch/arm64/traps.h"

/* A data abort from a lower EL with a valid syndrome: SAS = log2(size), SRT, SSE, SF, WnR. */
static uint64_t dabt_esr(unsigned size_log2, unsigned srt, bool sse, bool sf, bool wnr)
{
	return ((uint64_t)EC_DABT_LOWER << ESR_EC_SHIFT) | ESR_IL | DABT_ISV |
	       ((uint64_t)size_log2 << DABT_SAS_SHIFT) | (sse ? DABT_SSE : 0) |
	       ((uint64_t)srt << DABT_SRT_SHIFT) | (sf ? DABT_SF : 0) | (wnr ? DABT_WNR : 0);
}

static void test_syndrome_fields(void **state)
{
	(void)state;
	struct mmio_op op;
	assert_true(mmio_decode_syndrome(dabt_esr(2, 7, false, false, true), &op));
	assert_true(op.from_syndrome);
	assert_true(op.write);
	assert_int_equal(op.size, 4);
	assert_int_equal(op.count, 1);
	assert_int_equal(op.reg[0], 7);
	assert_true(mmio_decode_syndrome(dabt_esr(0, 30, true, true, false), &op));
	assert_false(op.write);
	assert_int_equal(op.size, 1);
	assert_int_equal(op.reg[0], 30);
	assert_true(op.sign_extend);
	assert_true(op.reg64);
	assert_true(mmio_decode_syndrome(dabt_esr(3, 0, false, true, false), &op));
	assert_int_equal(op.size, 8);
	/* ISV = 0: nothing in the syndrome, the instruction must be decoded. */
	uint64_t no_isv = dabt_esr(2, 7, false, false, true) & ~(uint64_t)DABT_ISV;
	assert_false(mmio_decode_syndrome(no_isv, &op));
	assert_int_equal(op.count, 0);
}

static void test_syndrome_store_values(void **state)
{
	(void)state;
	struct trap_frame f;
	memset(&f, 0, sizeof(f));
	f.x[5] = 0x1122334455667788ull;
	struct mmio_op op;
	mmio_decode_syndrome(dabt_esr(0, 5, false, false, true), &op); /* STRB W5 */
	assert_int_equal(mmio_op_store_value(&op, &f, 0), 0x88);
	mmio_decode_syndrome(dabt_esr(1, 5, false, false, true), &op); /* STRH W5 */
	assert_int_equal(mmio_op_store_value(&op, &f, 0), 0x7788);
	mmio_decode_syndrome(dabt_esr(3, 5, false, true, true), &op); /* STR X5 */
	assert_int_equal(mmio_op_store_value(&op, &f, 0), 0x1122334455667788ull);
	mmio_decode_syndrome(dabt_esr(2, 31, false, false, true), &op); /* STR WZR */
	assert_int_equal(mmio_op_store_value(&op, &f, 0), 0);
}

static void test_syndrome_load_results(void **state)
{
	(void)state;
	struct trap_frame f;
	memset(&f, 0xee, sizeof(f));
	struct mmio_op op;
	/* LDRB W1: zero-extended, upper bits of the device's value ignored. */
	mmio_decode_syndrome(dabt_esr(0, 1, false, false, false), &op);
	mmio_op_load_result(&op, &f, 0, 0xabcd80);
	assert_int_equal(f.x[1], 0x80);
	/* LDRSB W2: sign-extended to 32 bits only (W register: upper half zero). */
	mmio_decode_syndrome(dabt_esr(0, 2, true, false, false), &op);
	mmio_op_load_result(&op, &f, 0, 0x80);
	assert_int_equal(f.x[2], 0xffffff80ull);
	/* LDRSH X3: sign-extended to 64 bits. */
	mmio_decode_syndrome(dabt_esr(1, 3, true, true, false), &op);
	mmio_op_load_result(&op, &f, 0, 0x8001);
	assert_int_equal(f.x[3], 0xffffffffffff8001ull);
	/* LDR W4 of a positive value; LDR XZR drops the value. */
	mmio_decode_syndrome(dabt_esr(2, 4, false, false, false), &op);
	mmio_op_load_result(&op, &f, 0, 0x123456789ull);
	assert_int_equal(f.x[4], 0x23456789ull);
	struct trap_frame before = f;
	mmio_decode_syndrome(dabt_esr(3, 31, false, true, false), &op);
	mmio_op_load_result(&op, &f, 0, 42);
	assert_memory_equal(&f, &before, sizeof(f));
	/* No base writeback from a syndrome. */
	unsigned rn;
	assert_false(mmio_op_base_register(&op, &rn));
}

static void test_instruction_pair_pre_index(void **state)
{
	(void)state;
	struct mmio_op op;
	assert_true(mmio_decode_instruction(0xa9810861, &op)); /* stp x1, x2, [x3, #16]! */
	assert_false(op.from_syndrome);
	assert_true(op.write);
	assert_int_equal(op.size, 8);
	assert_int_equal(op.count, 2);
	assert_int_equal(op.reg[0], 1);
	assert_int_equal(op.reg[1], 2);
	struct trap_frame f;
	memset(&f, 0, sizeof(f));
	f.x[1] = 0x1111;
	f.x[2] = 0x2222;
	assert_int_equal(mmio_op_store_value(&op, &f, 0), 0x1111);
	assert_int_equal(mmio_op_store_value(&op, &f, 1), 0x2222);
	unsigned rn;
	assert_true(mmio_op_base_register(&op, &rn));
	assert_int_equal(rn, 3);
	assert_int_equal(mmio_op_base_value(&op, 0x1000), 0x1010);
}

static void test_instruction_post_index_and_sp(void **state)
{
	(void)state;
	struct mmio_op op;
	unsigned rn;
	assert_true(mmio_decode_instruction(0xf8408420, &op)); /* ldr x0, [x1], #8 */
	assert_false(op.write);
	assert_int_equal(op.count, 1);
	assert_true(mmio_op_base_register(&op, &rn));
	assert_int_equal(rn, 1);
	assert_int_equal(mmio_op_base_value(&op, 0x2000), 0x2008);
	assert_true(mmio_decode_instruction(0x29ff1fe6, &op)); /* ldp w6, w7, [sp, #-8]! */
	assert_int_equal(op.size, 4);
	assert_int_equal(op.count, 2);
	assert_true(mmio_op_base_register(&op, &rn));
	assert_int_equal(rn, 31); /* SP: the caller picks SP_EL0 or SP_EL1 */
	assert_int_equal(mmio_op_base_value(&op, 0x3000), 0x2ff8);
	struct trap_frame f;
	memset(&f, 0xee, sizeof(f));
	mmio_op_load_result(&op, &f, 0, 0xffffffff00000006ull);
	mmio_op_load_result(&op, &f, 1, 7);
	assert_int_equal(f.x[6], 6);
	assert_int_equal(f.x[7], 7);
}

static void test_instruction_sign_extension(void **state)
{
	(void)state;
	struct mmio_op op;
	struct trap_frame f;
	memset(&f, 0, sizeof(f));
	assert_true(mmio_decode_instruction(0x39c00ca4, &op)); /* ldrsb w4, [x5, #3] */
	assert_int_equal(op.size, 1);
	mmio_op_load_result(&op, &f, 0, 0xfe);
	assert_int_equal(f.x[4], 0xfffffffeull);
	unsigned rn;
	assert_false(mmio_op_base_register(&op, &rn));         /* unsigned offset: no writeback */
	assert_true(mmio_decode_instruction(0xb8aa7928, &op)); /* ldrsw x8, [x9, x10, lsl #2] */
	mmio_op_load_result(&op, &f, 0, 0x80000000u);
	assert_int_equal(f.x[8], 0xffffffff80000000ull);
}

static void test_instruction_unsupported(void **state)
{
	(void)state;
	struct mmio_op op;
	assert_false(mmio_decode_instruction(0xc85f7c20, &op)); /* ldxr x0, [x1]: an exclusive */
	assert_int_equal(op.count, 0);
	assert_false(mmio_decode_instruction(0xd503201f, &op)); /* nop */
}

static void test_exit_decode(void **state)
{
	(void)state;
	struct guest_exit e;
	/* Data abort with a syndrome: the IPA given, the access decoded, flags from the ISS. */
	uint64_t esr = dabt_esr(2, 3, false, false, true) | DABT_CM;
	traps_decode_sync(esr, 0x09000018, &e);
	assert_int_equal(e.kind, GUEST_EXIT_DATA_ABORT);
	assert_true(e.synchronous);
	assert_int_equal(e.ec, EC_DABT_LOWER);
	assert_int_equal(e.abort.ipa, 0x09000018);
	assert_true(e.abort.write);
	assert_true(e.abort.cache_maint);
	assert_false(e.abort.table_walk);
	assert_true(e.abort.syndrome_valid);
	assert_int_equal(e.abort.op.reg[0], 3);
	/* A stage-1 walk fault without a syndrome. */
	esr = ((uint64_t)EC_DABT_LOWER << ESR_EC_SHIFT) | ESR_IL | DABT_S1PTW;
	traps_decode_sync(esr, 0x1000, &e);
	assert_true(e.abort.table_walk);
	assert_false(e.abort.syndrome_valid);
	/* HVC #0x1234, SMC #0. */
	traps_decode_sync(((uint64_t)EC_HVC64 << ESR_EC_SHIFT) | ESR_IL | 0x1234, 0, &e);
	assert_int_equal(e.kind, GUEST_EXIT_HVC);
	assert_int_equal(e.imm, 0x1234);
	traps_decode_sync(((uint64_t)EC_SMC64 << ESR_EC_SHIFT) | ESR_IL, 0, &e);
	assert_int_equal(e.kind, GUEST_EXIT_SMC);
	assert_int_equal(e.imm, 0);
	/* MSR ICC_SGI1R_EL1, X9 (op0 3, op1 0, CRn 12, CRm 11, op2 5): a write. */
	uint32_t id = SYSREG_ISS_ID(3, 0, 12, 11, 5);
	traps_decode_sync(((uint64_t)EC_SYSREG << ESR_EC_SHIFT) | ESR_IL | id | (9u << SYSREG_ISS_RT_SHIFT),
	                  0, &e);
	assert_int_equal(e.kind, GUEST_EXIT_SYSREG);
	assert_int_equal(e.sysreg.id, id);
	assert_int_equal(e.sysreg.rt, 9);
	assert_false(e.sysreg.read);
	/* MRS X2, PMCCNTR_EL0: a read. */
	id = SYSREG_ISS_ID(3, 3, 9, 13, 0);
	traps_decode_sync(((uint64_t)EC_SYSREG << ESR_EC_SHIFT) | ESR_IL | id | (2u << SYSREG_ISS_RT_SHIFT) |
	                      SYSREG_ISS_DIR_READ,
	                  0, &e);
	assert_int_equal(e.sysreg.id, id);
	assert_true(e.sysreg.read);
	/* Instruction abort; WFI; an EC karasu does not handle (BRK). */
	traps_decode_sync(((uint64_t)EC_IABT_LOWER << ESR_EC_SHIFT) | ESR_IL, 0x7000, &e);
	assert_int_equal(e.kind, GUEST_EXIT_INSN_ABORT);
	assert_int_equal(e.abort.ipa, 0x7000);
	traps_decode_sync(((uint64_t)EC_WFX << ESR_EC_SHIFT) | ESR_IL, 0, &e);
	assert_int_equal(e.kind, GUEST_EXIT_WFX);
	traps_decode_sync(((uint64_t)EC_BRK64 << ESR_EC_SHIFT) | ESR_IL, 0, &e);
	assert_int_equal(e.kind, GUEST_EXIT_UNKNOWN);
	assert_int_equal(e.ec, EC_BRK64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syndrome_fields),
	    cmocka_unit_test(test_syndrome_store_values),
	    cmocka_unit_test(test_syndrome_load_results),
	    cmocka_unit_test(test_instruction_pair_pre_index),
	    cmocka_unit_test(test_instruction_post_index_and_sp),
	    cmocka_unit_test(test_instruction_sign_extension),
	    cmocka_unit_test(test_instruction_unsupported),
	    cmocka_unit_test(test_exit_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
