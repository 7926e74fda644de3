/* HvCallGetVpRegisters / HvCallSetVpRegisters in memory form: the registers the dispatcher answers, rep
 * behaviour (reps completed, stop at the failing rep), header checks (partition id, VP index, VTL, RsvdZ),
 * read-only registers and GuestOsId round trips. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define GUEST_OS_ID_A    0x8100000000001234ull /* an "open source OS" id: bit 63 set */
#define GUEST_OS_ID_B    0x8100000000005678ull
#define UNKNOWN_REGISTER 0x12345678u
#define MAX_NAMES        8u

struct get_result {
	uint64_t result;
	HV_REGISTER_VALUE values[MAX_NAMES];
};

static uint64_t gpa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void put_header(uint8_t *in, uint64_t partition, uint32_t vp, uint8_t vtl, uint8_t rsvd)
{
	struct hv_input_vp_registers_header h = {.partition_id = partition, .vp_index = vp, .input_vtl = vtl};
	h.rsvdz0[0] = rsvd;
	k_memcpy(in, &h, sizeof(h));
}

static struct get_result get_regs_full(uint64_t partition, uint32_t vp, uint8_t vtl, uint8_t rsvd,
                                       const HV_REGISTER_NAME *names, unsigned n)
{
	struct get_result g;
	k_memset(&g, 0, sizeof(g));
	put_header(page_in, partition, vp, vtl, rsvd);
	k_memcpy(page_in + sizeof(struct hv_input_vp_registers_header), names, n * sizeof(*names));
	k_memset(page_out, 0xa5, n * sizeof(HV_REGISTER_VALUE));
	g.result = hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, (uint16_t)n, 0), gpa(page_in),
	                     gpa(page_out));
	k_memcpy(g.values, page_out, n * sizeof(HV_REGISTER_VALUE));
	return g;
}

static struct get_result get_regs(uint32_t vp, const HV_REGISTER_NAME *names, unsigned n)
{
	return get_regs_full(HV_PARTITION_ID_SELF, vp, 0, 0, names, n);
}

static uint64_t get_one(HV_REGISTER_NAME name, uint64_t *value)
{
	struct get_result g = get_regs(HV_VP_INDEX_SELF, &name, 1);
	*value = g.values[0].reg64;
	return g.result;
}

static uint64_t set_regs(const struct hv_register_assoc *assoc, unsigned n)
{
	put_header(page_in, HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0, 0);
	k_memcpy(page_in + sizeof(struct hv_input_vp_registers_header), assoc, n * sizeof(*assoc));
	return hypercall(hv_input_value(HVCALL_SET_VP_REGISTERS, false, (uint16_t)n, 0), gpa(page_in), 0);
}

static struct hv_register_assoc assoc64(HV_REGISTER_NAME name, uint64_t value)
{
	struct hv_register_assoc a;
	k_memset(&a, 0, sizeof(a));
	a.name = name;
	a.value.reg64 = value;
	return a;
}

static void check_status_reps(const char *what, uint64_t result, HV_STATUS status, uint16_t reps)
{
	check(hv_result_status(result) == status && hv_result_reps_completed(result) == reps, what,
	      "status %#x reps %u, want status %#x reps %u", hv_result_status(result),
	      hv_result_reps_completed(result), status, reps);
}

static void get_cases(void)
{
	HV_REGISTER_NAME version = HV_REGISTER_HYPERVISOR_VERSION;
	struct get_result g = get_regs(HV_VP_INDEX_SELF, &version, 1);
	check_status_reps("GetVpRegisters HypervisorVersion -> SUCCESS, 1 rep", g.result, HV_STATUS_SUCCESS,
	                  1);
	uint64_t major = g.values[0].reg128.low64 >> HV_VERSION_MAJOR_SHIFT;
	check(hv_result_status(g.result) == 0 && major >= 1, "HypervisorVersion major version >= 1",
	      "status %#x value %#llx:%#llx", hv_result_status(g.result),
	      (unsigned long long)g.values[0].reg128.high64, (unsigned long long)g.values[0].reg128.low64);

	HV_REGISTER_NAME three[3] = {HV_REGISTER_VP_INDEX, HV_REGISTER_HYPERVISOR_VERSION,
	                             HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO};
	g = get_regs(HV_VP_INDEX_SELF, three, 3);
	check_status_reps("GetVpRegisters with 3 reps -> SUCCESS, 3 reps", g.result, HV_STATUS_SUCCESS, 3);
	check_eq("VpIndex of the boot vCPU (VP_INDEX_SELF) is 0", g.values[0].reg64, 0);
	uint64_t need = HV_PRIVILEGE_ACCESS_PARTITION_ID | HV_PRIVILEGE_ACCESS_VP_INDEX;
	check((g.values[2].reg128.low64 & need) == need,
	      "privileges include AccessPartitionId and AccessVpIndex", "mask %#llx",
	      (unsigned long long)g.values[2].reg128.low64);

	if (plat.ncpus >= 2) {
		HV_REGISTER_NAME vpi = HV_REGISTER_VP_INDEX;
		g = get_regs(1, &vpi, 1);
		check(hv_result_status(g.result) == 0 && g.values[0].reg64 == 1,
		      "VpIndex of VP 1 named explicitly is 1", "status %#x value %llu",
		      hv_result_status(g.result), (unsigned long long)g.values[0].reg64);
	}

	uint64_t t1 = 0, t2 = 0;
	uint64_t r1 = get_one(HV_REGISTER_TIME_REF_COUNT, &t1);
	uint64_t until = now_ticks() + 2 * ticks_per_ms();
	while (now_ticks() < until)
		;
	uint64_t r2 = get_one(HV_REGISTER_TIME_REF_COUNT, &t2);
	check(r1 == hv_result_value(0, 1) && r2 == hv_result_value(0, 1) && t2 > t1,
	      "TimeRefCount advances (2 ms apart)", "result %#llx/%#llx, %llu then %llu",
	      (unsigned long long)r1, (unsigned long long)r2, (unsigned long long)t1, (unsigned long long)t2);

	HV_REGISTER_NAME bogus = UNKNOWN_REGISTER;
	g = get_regs(HV_VP_INDEX_SELF, &bogus, 1);
	check_status_reps("unknown register name -> UNKNOWN_REGISTER_NAME, 0 reps", g.result,
	                  HV_STATUS_UNKNOWN_REGISTER_NAME, 0);
	HV_REGISTER_NAME mixed[3] = {HV_REGISTER_VP_INDEX, UNKNOWN_REGISTER, HV_REGISTER_HYPERVISOR_VERSION};
	g = get_regs(HV_VP_INDEX_SELF, mixed, 3);
	check_status_reps("rep call stops at the failing rep: UNKNOWN_REGISTER_NAME, 1 rep completed",
	                  g.result, HV_STATUS_UNKNOWN_REGISTER_NAME, 1);
	check_eq("the rep before the failing one wrote its output (VpIndex 0)", g.values[0].reg64, 0);

	HV_REGISTER_NAME vpi = HV_REGISTER_VP_INDEX;
	check_status_reps("VP index ANY -> INVALID_VP_INDEX", get_regs(HV_VP_INDEX_ANY, &vpi, 1).result,
	                  HV_STATUS_INVALID_VP_INDEX, 0);
	check_status_reps("VP index = vCPU count -> INVALID_VP_INDEX", get_regs(plat.ncpus, &vpi, 1).result,
	                  HV_STATUS_INVALID_VP_INDEX, 0);
	check_status_reps("own partition id named explicitly -> SUCCESS",
	                  get_regs_full(own_partition_id, HV_VP_INDEX_SELF, 0, 0, &vpi, 1).result,
	                  HV_STATUS_SUCCESS, 1);
	check_status_reps("partition id INVALID (0) -> INVALID_PARTITION_ID",
	                  get_regs_full(HV_PARTITION_ID_INVALID, HV_VP_INDEX_SELF, 0, 0, &vpi, 1).result,
	                  HV_STATUS_INVALID_PARTITION_ID, 0);
	check_status_reps("another partition's id -> INVALID_PARTITION_ID",
	                  get_regs_full(own_partition_id + 1000, HV_VP_INDEX_SELF, 0, 0, &vpi, 1).result,
	                  HV_STATUS_INVALID_PARTITION_ID, 0);
	check_status_reps("header RsvdZ byte 13 non-zero -> INVALID_PARAMETER",
	                  get_regs_full(HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0, 1, &vpi, 1).result,
	                  HV_STATUS_INVALID_PARAMETER, 0);
	check_status_reps("input_vtl RsvdZ bit 5 set -> INVALID_PARAMETER",
	                  get_regs_full(HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0x20, 0, &vpi, 1).result,
	                  HV_STATUS_INVALID_PARAMETER, 0);
	check_status_reps(
	    "input_vtl targeting VTL 1 -> INVALID_PARAMETER",
	    get_regs_full(HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, HV_INPUT_VTL_USE_TARGET | 1, 0, &vpi, 1)
	        .result,
	    HV_STATUS_INVALID_PARAMETER, 0);
	check_status_reps(
	    "input_vtl targeting VTL 0 explicitly -> SUCCESS",
	    get_regs_full(HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, HV_INPUT_VTL_USE_TARGET, 0, &vpi, 1).result,
	    HV_STATUS_SUCCESS, 1);
}

static void set_cases(void)
{
	struct hv_register_assoc a = assoc64(HV_REGISTER_GUEST_OS_ID, GUEST_OS_ID_A);
	check_status_reps("SetVpRegisters GuestOsId -> SUCCESS, 1 rep", set_regs(&a, 1), HV_STATUS_SUCCESS,
	                  1);
	uint64_t v = 0;
	uint64_t r = get_one(HV_REGISTER_GUEST_OS_ID, &v);
	check(r == hv_result_value(0, 1) && v == GUEST_OS_ID_A, "GuestOsId reads back what was set",
	      "status %#llx value %#llx", (unsigned long long)r, (unsigned long long)v);

	a = assoc64(HV_REGISTER_VP_INDEX, 7);
	check_status_reps("SetVpRegisters VpIndex (read-only) -> ACCESS_DENIED", set_regs(&a, 1),
	                  HV_STATUS_ACCESS_DENIED, 0);
	a = assoc64(HV_REGISTER_HYPERVISOR_VERSION, 0);
	check_status_reps("SetVpRegisters HypervisorVersion (read-only) -> ACCESS_DENIED", set_regs(&a, 1),
	                  HV_STATUS_ACCESS_DENIED, 0);
	a = assoc64(UNKNOWN_REGISTER, 0);
	check_status_reps("SetVpRegisters unknown register -> UNKNOWN_REGISTER_NAME", set_regs(&a, 1),
	                  HV_STATUS_UNKNOWN_REGISTER_NAME, 0);
	a = assoc64(HV_REGISTER_GUEST_OS_ID, GUEST_OS_ID_B);
	a.rsvdz0 = 1;
	check_status_reps("SetVpRegisters element RsvdZ bytes 4-7 non-zero -> INVALID_PARAMETER",
	                  set_regs(&a, 1), HV_STATUS_INVALID_PARAMETER, 0);
	a = assoc64(HV_REGISTER_GUEST_OS_ID, GUEST_OS_ID_B);
	a.rsvdz1 = 1ull << 40;
	check_status_reps("SetVpRegisters element RsvdZ bytes 8-15 non-zero -> INVALID_PARAMETER",
	                  set_regs(&a, 1), HV_STATUS_INVALID_PARAMETER, 0);
	a = assoc64(HV_REGISTER_GUEST_OS_ID, GUEST_OS_ID_B);
	a.value.reg128.high64 = 1;
	check_status_reps("GuestOsId value with high64 bits -> INVALID_REGISTER_VALUE", set_regs(&a, 1),
	                  HV_STATUS_INVALID_REGISTER_VALUE, 0);
	r = get_one(HV_REGISTER_GUEST_OS_ID, &v);
	check(r == hv_result_value(0, 1) && v == GUEST_OS_ID_A, "rejected writes left GuestOsId unchanged",
	      "value %#llx", (unsigned long long)v);

	struct hv_register_assoc two[2] = {assoc64(HV_REGISTER_GUEST_OS_ID, GUEST_OS_ID_B),
	                                   assoc64(HV_REGISTER_VP_INDEX, 3)};
	check_status_reps("2-rep set stopping at a read-only register: ACCESS_DENIED, 1 rep completed",
	                  set_regs(two, 2), HV_STATUS_ACCESS_DENIED, 1);
	r = get_one(HV_REGISTER_GUEST_OS_ID, &v);
	check(r == hv_result_value(0, 1) && v == GUEST_OS_ID_B,
	      "the completed rep took effect (GuestOsId = second value)", "value %#llx",
	      (unsigned long long)v);
}

void cases_vp_registers(void)
{
	get_cases();
	set_cases();
}
