/* Fast (register) hypercalls: parameters from X2, output at the next 16-byte boundary after the input
 * (docs/abi.md "Fast calls"), the same answers as the memory form, and the "does not fit" rule. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define REG_BLOCK_BYTES 128u
#define GUEST_OS_ID_C   0x8100000000009abcull

/* Header words as they sit in X2 (partition id) and X3 (vp index | input_vtl << 32). */
static void put_header(uint64_t regs[16])
{
	regs[0] = HV_PARTITION_ID_SELF;
	regs[1] = HV_VP_INDEX_SELF;
}

/* GetVpRegisters with n names packed after the header; returns the result, values copied out. */
static uint64_t fast_get(const HV_REGISTER_NAME *names, unsigned n, HV_REGISTER_VALUE *values)
{
	uint64_t regs[16] = {0};
	put_header(regs);
	uint8_t *bytes = (uint8_t *)regs;
	k_memcpy(bytes + 16, names, n * sizeof(*names));
	uint64_t r = hypercall_fast(hv_input_value(HVCALL_GET_VP_REGISTERS, true, (uint16_t)n, 0), regs);
	unsigned out_off = (16 + 4 * n + 15) & ~15u;
	if (values && out_off + 16 * n <= REG_BLOCK_BYTES)
		k_memcpy(values, bytes + out_off, 16 * n);
	return r;
}

void cases_fast_calls(void)
{
	uint64_t regs[16] = {0};
	uint64_t r = hypercall_fast(hv_input_value(HVCALL_GET_PARTITION_ID, true, 0, 0), regs);
	check(r == 0 && regs[0] == own_partition_id, "fast GetPartitionId returns the id in X2",
	      "result %#llx, X2 %#llx, want %#llx", (unsigned long long)r, (unsigned long long)regs[0],
	      (unsigned long long)own_partition_id);

	HV_REGISTER_NAME version = HV_REGISTER_HYPERVISOR_VERSION;
	HV_REGISTER_VALUE v[5];
	k_memset(v, 0, sizeof(v));
	r = fast_get(&version, 1, v);
	/* Memory form for comparison. */
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	k_memcpy(page_in, &h, sizeof(h));
	k_memcpy(page_in + sizeof(h), &version, sizeof(version));
	uint64_t rm = hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0), (uintptr_t)page_in,
	                        (uintptr_t)page_out);
	HV_REGISTER_VALUE vm;
	k_memcpy(&vm, page_out, sizeof(vm));
	check(hv_result_status(r) == 0 && hv_result_reps_completed(r) == 1 && rm == hv_result_value(0, 1) &&
	          v[0].reg128.low64 == vm.reg128.low64 && v[0].reg128.high64 == vm.reg128.high64,
	      "fast GetVpRegisters (name in X4, value in X6:X7) matches the memory form",
	      "fast %#llx value %#llx, memory %#llx value %#llx", (unsigned long long)r,
	      (unsigned long long)v[0].reg128.low64, (unsigned long long)rm,
	      (unsigned long long)vm.reg128.low64);

	HV_REGISTER_NAME five[5] = {HV_REGISTER_VP_INDEX, HV_REGISTER_HYPERVISOR_VERSION,
	                            HV_REGISTER_VP_INDEX, HV_REGISTER_FEATURES_INFO, HV_REGISTER_VP_INDEX};
	r = fast_get(five, 5, v);
	check(hv_result_status(r) == 0 && hv_result_reps_completed(r) == 5 &&
	          v[1].reg128.low64 == vm.reg128.low64 && v[0].reg64 == 0 && v[4].reg64 == 0,
	      "fast GetVpRegisters with 5 reps (exactly 128 bytes) succeeds", "result %#llx",
	      (unsigned long long)r);
	HV_REGISTER_NAME six[6] = {HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX,
	                           HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX};
	r = fast_get(six, 6, 0);
	check(hv_result_status(r) == HV_STATUS_INVALID_HYPERCALL_INPUT,
	      "fast GetVpRegisters with 6 reps (does not fit X2..X17) -> INVALID_HYPERCALL_INPUT",
	      "result %#llx", (unsigned long long)r);

	/* SetVpRegisters, 1 rep: header X2:X3, name X4 (+ RsvdZ), RsvdZ X5, value X6:X7. */
	k_memset(regs, 0, sizeof(regs));
	put_header(regs);
	regs[2] = HV_REGISTER_GUEST_OS_ID;
	regs[4] = GUEST_OS_ID_C;
	r = hypercall_fast(hv_input_value(HVCALL_SET_VP_REGISTERS, true, 1, 0), regs);
	HV_REGISTER_NAME os = HV_REGISTER_GUEST_OS_ID;
	k_memset(v, 0, sizeof(v));
	uint64_t rg = fast_get(&os, 1, v);
	check(r == hv_result_value(0, 1) && rg == hv_result_value(0, 1) && v[0].reg64 == GUEST_OS_ID_C,
	      "fast SetVpRegisters GuestOsId, read back with fast GetVpRegisters",
	      "set %#llx get %#llx value %#llx", (unsigned long long)r, (unsigned long long)rg,
	      (unsigned long long)v[0].reg64);

	k_memset(regs, 0, sizeof(regs));
	put_header(regs);
	r = hypercall_fast(hv_input_value(HVCALL_SET_VP_REGISTERS, true, 4, 0), regs);
	check(hv_result_status(r) == HV_STATUS_INVALID_HYPERCALL_INPUT,
	      "fast SetVpRegisters with 4 reps (144 bytes) -> INVALID_HYPERCALL_INPUT", "result %#llx",
	      (unsigned long long)r);
}
