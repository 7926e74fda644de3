/* Fast (register) hypercalls: parameters in the register block (arm64 X2..X17, 128 bytes; RISC-V a1..a5, 40
 * bytes: HVTEST_FAST_REGS), output at the next 16-byte boundary after the input (docs/abi.md "Fast calls"),
 * the same answers as the memory form, and the "does not fit" rule. Which calls fit follows from the block
 * size, so the cases are derived from it: GetVpRegisters needs roundup16(16 + 4n) + 16n bytes for n reps,
 * SetVpRegisters 16 + 32n; on arm64 up to 5 and 3 reps fit, on RISC-V none. The case names carry the block's
 * register names, so the group is compared per architecture (scope arch). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define BLOCK_BYTES    (HVTEST_FAST_REGS * 8u)
#define MAX_GET_REPS   8u
#define GUEST_OS_ID_C  0x8100000000009abcull
#define HEADER_BYTES   16u
#define NAME_BYTES     4u
#define VALUE_BYTES    16u
#define SET_ELEM_BYTES 32u
#define WHAT_MAX       128u

static unsigned roundup16(unsigned n)
{
	return (n + 15u) & ~15u;
}

static unsigned get_bytes(unsigned reps)
{
	return roundup16(HEADER_BYTES + NAME_BYTES * reps) + VALUE_BYTES * reps;
}

static unsigned set_bytes(unsigned reps)
{
	return HEADER_BYTES + SET_ELEM_BYTES * reps;
}

/* The largest rep count whose parameters fit the block (0: none). */
static unsigned max_get_reps(void)
{
	unsigned n = 0;
	while (n + 1 < MAX_GET_REPS && get_bytes(n + 1) <= BLOCK_BYTES)
		n++;
	return n;
}

static unsigned max_set_reps(void)
{
	unsigned n = 0;
	while (set_bytes(n + 1) <= BLOCK_BYTES)
		n++;
	return n;
}

/* The architectural name of the register holding byte `offset` of the block ("X4", "a2"). */
static const char *reg_name(unsigned offset, char buf[8])
{
	k_snprintf(buf, 8, "%s%u", HVTEST_FAST_REG_PREFIX, HVTEST_FAST_FIRST_REG + offset / 8);
	return buf;
}

static const char *block_name(char buf[16])
{
	char first[8], last[8];
	k_snprintf(buf, 16, "%s..%s", reg_name(0, first), reg_name(BLOCK_BYTES - 8, last));
	return buf;
}

/* Header words as they sit in the first two registers: partition id, then vp index | input_vtl << 32. */
static void put_header(uint64_t regs[HVTEST_FAST_REGS_MAX])
{
	regs[0] = HV_PARTITION_ID_SELF;
	regs[1] = HV_VP_INDEX_SELF;
}

/* GetVpRegisters with n names packed after the header; returns the result, values copied out. */
static uint64_t fast_get(const HV_REGISTER_NAME *names, unsigned n, HV_REGISTER_VALUE *values)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	put_header(regs);
	uint8_t *bytes = (uint8_t *)regs;
	if (HEADER_BYTES + n * sizeof(*names) <= BLOCK_BYTES)
		k_memcpy(bytes + HEADER_BYTES, names, n * sizeof(*names));
	uint64_t r = hypercall_fast(hv_input_value(HVCALL_GET_VP_REGISTERS, true, (uint16_t)n, 0), regs);
	unsigned out_off = roundup16(HEADER_BYTES + NAME_BYTES * n);
	if (values && out_off + VALUE_BYTES * n <= BLOCK_BYTES)
		k_memcpy(values, bytes + out_off, VALUE_BYTES * n);
	return r;
}

static void expect_does_not_fit(const char *what, uint64_t r)
{
	check(hv_result_status(r) == HV_STATUS_INVALID_HYPERCALL_INPUT, what, "result %#llx",
	      (unsigned long long)r);
}

static void partition_id(void)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	uint64_t r = hypercall_fast(hv_input_value(HVCALL_GET_PARTITION_ID, true, 0, 0), regs);
	char what[WHAT_MAX], reg[8];
	k_snprintf(what, sizeof(what), "fast GetPartitionId returns the id in %s", reg_name(0, reg));
	check(r == 0 && regs[0] == own_partition_id, what, "result %#llx, %s %#llx, want %#llx",
	      (unsigned long long)r, reg, (unsigned long long)regs[0], (unsigned long long)own_partition_id);
}

/* The memory form's HypervisorVersion, for comparison. */
static HV_REGISTER_VALUE memory_form_version(uint64_t *result)
{
	HV_REGISTER_NAME version = HV_REGISTER_HYPERVISOR_VERSION;
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	k_memcpy(page_in, &h, sizeof(h));
	k_memcpy(page_in + sizeof(h), &version, sizeof(version));
	*result = hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0), (uintptr_t)page_in,
	                    (uintptr_t)page_out);
	HV_REGISTER_VALUE vm;
	k_memcpy(&vm, page_out, sizeof(vm));
	return vm;
}

static void get_one(const HV_REGISTER_VALUE *vm, uint64_t rm)
{
	HV_REGISTER_NAME version = HV_REGISTER_HYPERVISOR_VERSION;
	HV_REGISTER_VALUE v[1];
	k_memset(v, 0, sizeof(v));
	uint64_t r = fast_get(&version, 1, v);
	char what[WHAT_MAX], block[16];
	if (get_bytes(1) > BLOCK_BYTES) {
		k_snprintf(
		    what, sizeof(what),
		    "fast GetVpRegisters with 1 rep (%u bytes) does not fit %s -> INVALID_HYPERCALL_INPUT",
		    get_bytes(1), block_name(block));
		expect_does_not_fit(what, r);
		return;
	}
	char name[8], lo[8], hi[8];
	unsigned out_off = roundup16(HEADER_BYTES + NAME_BYTES);
	k_snprintf(what, sizeof(what),
	           "fast GetVpRegisters (name in %s, value in %s:%s) matches the memory form",
	           reg_name(HEADER_BYTES, name), reg_name(out_off, lo), reg_name(out_off + 8, hi));
	check(hv_result_status(r) == 0 && hv_result_reps_completed(r) == 1 && rm == hv_result_value(0, 1) &&
	          v[0].reg128.low64 == vm->reg128.low64 && v[0].reg128.high64 == vm->reg128.high64,
	      what, "fast %#llx value %#llx, memory %#llx value %#llx", (unsigned long long)r,
	      (unsigned long long)v[0].reg128.low64, (unsigned long long)rm,
	      (unsigned long long)vm->reg128.low64);
}

/* The most reps that fit (VpIndex and the version alternating), then one more. */
static void get_limits(const HV_REGISTER_VALUE *vm)
{
	unsigned n = max_get_reps();
	if (n == 0)
		return; /* get_one covered "does not fit" */
	HV_REGISTER_NAME names[MAX_GET_REPS];
	HV_REGISTER_VALUE v[MAX_GET_REPS];
	for (unsigned i = 0; i < n; i++)
		names[i] = i % 2 == 0 ? HV_REGISTER_VP_INDEX
		           : i == 1   ? HV_REGISTER_HYPERVISOR_VERSION
		                      : HV_REGISTER_FEATURES_INFO;
	k_memset(v, 0, sizeof(v));
	uint64_t r = fast_get(names, n, v);
	char what[WHAT_MAX], block[16];
	if (get_bytes(n) == BLOCK_BYTES)
		k_snprintf(what, sizeof(what), "fast GetVpRegisters with %u reps (exactly %u bytes) succeeds",
		           n, BLOCK_BYTES);
	else
		k_snprintf(what, sizeof(what), "fast GetVpRegisters with %u reps (%u of %u bytes) succeeds",
		           n, get_bytes(n), BLOCK_BYTES);
	unsigned last_vp = (n - 1) & ~1u;
	check(hv_result_status(r) == 0 && hv_result_reps_completed(r) == n &&
	          (n < 2 || v[1].reg128.low64 == vm->reg128.low64) && v[0].reg64 == 0 &&
	          v[last_vp].reg64 == 0,
	      what, "result %#llx", (unsigned long long)r);

	for (unsigned i = 0; i <= n; i++)
		names[i] = HV_REGISTER_VP_INDEX;
	r = fast_get(names, n + 1, 0);
	k_snprintf(what, sizeof(what),
	           "fast GetVpRegisters with %u reps (does not fit %s) -> INVALID_HYPERCALL_INPUT", n + 1,
	           block_name(block));
	expect_does_not_fit(what, r);
}

/* SetVpRegisters, 1 rep: header in bytes 0-15, name (+ RsvdZ) 16-23, RsvdZ 24-31, value 32-47. */
static void set_one(void)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	put_header(regs);
	regs[2] = HV_REGISTER_GUEST_OS_ID;
	regs[4] = GUEST_OS_ID_C;
	uint64_t r = hypercall_fast(hv_input_value(HVCALL_SET_VP_REGISTERS, true, 1, 0), regs);
	char what[WHAT_MAX], block[16];
	if (set_bytes(1) > BLOCK_BYTES) {
		k_snprintf(
		    what, sizeof(what),
		    "fast SetVpRegisters with 1 rep (%u bytes) does not fit %s -> INVALID_HYPERCALL_INPUT",
		    set_bytes(1), block_name(block));
		expect_does_not_fit(what, r);
		return;
	}
	HV_REGISTER_NAME os = HV_REGISTER_GUEST_OS_ID;
	HV_REGISTER_VALUE v[1];
	k_memset(v, 0, sizeof(v));
	uint64_t rg = fast_get(&os, 1, v);
	check(r == hv_result_value(0, 1) && rg == hv_result_value(0, 1) && v[0].reg64 == GUEST_OS_ID_C,
	      "fast SetVpRegisters GuestOsId, read back with fast GetVpRegisters",
	      "set %#llx get %#llx value %#llx", (unsigned long long)r, (unsigned long long)rg,
	      (unsigned long long)v[0].reg64);
}

static void set_limit(void)
{
	unsigned n = max_set_reps();
	if (n == 0)
		return; /* set_one covered "does not fit" */
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	put_header(regs);
	uint64_t r =
	    hypercall_fast(hv_input_value(HVCALL_SET_VP_REGISTERS, true, (uint16_t)(n + 1), 0), regs);
	char what[WHAT_MAX];
	k_snprintf(what, sizeof(what),
	           "fast SetVpRegisters with %u reps (%u bytes) -> INVALID_HYPERCALL_INPUT", n + 1,
	           set_bytes(n + 1));
	expect_does_not_fit(what, r);
}

void cases_fast_calls(void)
{
	partition_id();
	uint64_t rm;
	HV_REGISTER_VALUE vm = memory_form_version(&rm);
	get_one(&vm, rm);
	get_limits(&vm);
	set_one();
	set_limit();
}
