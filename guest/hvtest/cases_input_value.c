/* The common TLFS rules every call obeys (docs/abi.md "Rules, in the order they are checked"): unknown call
 * codes, each RsvdZ bit of the input value, rep count/start rules, variable header, GPA alignment, parameter
 * lists crossing a page, GPAs outside the partition. GetPartitionId (simple) and GetVpRegisters (rep) carry
 * the checks. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define UNMAPPED_IPA 0x1000u /* not RAM: nothing (karasu-hv) or the boot ROM (karasu-rv) */
#define FILL         0xa5

uint64_t own_partition_id;

static uint64_t gpa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void expect_status(const char *what, uint64_t result, HV_STATUS want)
{
	check(hv_result_status(result) == want, what, "status %#x, want %#x (result %#llx)",
	      hv_result_status(result), want, (unsigned long long)result);
}

static uint64_t get_partition_id_input(void)
{
	return hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0);
}

/* A valid one-rep GetVpRegisters block (VpIndex of the calling VP) at in. */
static void put_vp_index_query(uint8_t *in)
{
	struct hv_input_vp_registers_header h = {
	    .partition_id = HV_PARTITION_ID_SELF, .vp_index = HV_VP_INDEX_SELF, .input_vtl = 0};
	k_memcpy(in, &h, sizeof(h));
	HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
	k_memcpy(in + sizeof(h), &name, sizeof(name));
}

static void baseline(void)
{
	k_memset(page_out, FILL, 16);
	uint64_t r = hypercall(get_partition_id_input(), 0, gpa(page_out));
	struct hv_output_get_partition_id o;
	k_memcpy(&o, page_out, sizeof(o));
	check(r == 0, "GetPartitionId succeeds with result value 0 (status, reps and Rsvd bits zero)",
	      "result %#llx", (unsigned long long)r);
	own_partition_id = o.partition_id;
	check(o.partition_id != HV_PARTITION_ID_INVALID && o.partition_id != HV_PARTITION_ID_SELF,
	      "GetPartitionId returns a real partition id", "id %#llx", (unsigned long long)o.partition_id);
	out("hvtest: partition id %#llx\n", (unsigned long long)own_partition_id);
}

static void call_codes(void)
{
	static const uint16_t unknown[] = {0x0000, 0x0001, 0xbeef, 0xffff};
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		char what[96];
		k_snprintf(what, sizeof(what), "unknown call code %#x -> INVALID_HYPERCALL_CODE", unknown[i]);
		expect_status(what, hypercall(hv_input_value(unknown[i], false, 0, 0), 0, gpa(page_out)),
		              HV_STATUS_INVALID_HYPERCALL_CODE);
	}
}

static void reserved_bits(void)
{
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t mask = 1ull << bit;
		if (!(mask & HV_HYPERCALL_INPUT_RSVDZ_MASK))
			continue;
		char what[96];
		k_snprintf(what, sizeof(what), "input value bit %u set (RsvdZ) -> INVALID_HYPERCALL_INPUT",
		           bit);
		expect_status(what, hypercall(get_partition_id_input() | mask, 0, gpa(page_out)),
		              HV_STATUS_INVALID_HYPERCALL_INPUT);
	}
}

static void rep_rules(void)
{
	expect_status("simple call with rep count 1 -> INVALID_HYPERCALL_INPUT",
	              hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 1, 0), 0, gpa(page_out)),
	              HV_STATUS_INVALID_HYPERCALL_INPUT);
	expect_status("simple call with rep start 1 -> INVALID_HYPERCALL_INPUT",
	              hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 1), 0, gpa(page_out)),
	              HV_STATUS_INVALID_HYPERCALL_INPUT);
	put_vp_index_query(page_in);
	expect_status(
	    "rep call with rep count 0 -> INVALID_HYPERCALL_INPUT",
	    hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 0, 0), gpa(page_in), gpa(page_out)),
	    HV_STATUS_INVALID_HYPERCALL_INPUT);
	expect_status(
	    "rep call with rep start == rep count -> INVALID_HYPERCALL_INPUT",
	    hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 1), gpa(page_in), gpa(page_out)),
	    HV_STATUS_INVALID_HYPERCALL_INPUT);
	expect_status(
	    "rep call with rep start > rep count -> INVALID_HYPERCALL_INPUT",
	    hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 5), gpa(page_in), gpa(page_out)),
	    HV_STATUS_INVALID_HYPERCALL_INPUT);
	uint64_t varhead = 1ull << HV_HYPERCALL_VARHEAD_SHIFT;
	expect_status("variable header size 1 on GetPartitionId -> INVALID_HYPERCALL_INPUT",
	              hypercall(get_partition_id_input() | varhead, 0, gpa(page_out)),
	              HV_STATUS_INVALID_HYPERCALL_INPUT);
	expect_status("variable header size 1 on GetVpRegisters -> INVALID_HYPERCALL_INPUT",
	              hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0) | varhead, gpa(page_in),
	                        gpa(page_out)),
	              HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void gpa_rules(void)
{
	uint64_t rep1 = hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0);
	expect_status("GetPartitionId output GPA 8-byte aligned inside the page -> SUCCESS",
	              hypercall(get_partition_id_input(), 0, gpa(page_out + 8)), HV_STATUS_SUCCESS);
	expect_status("GetPartitionId output GPA misaligned (+4) -> INVALID_ALIGNMENT",
	              hypercall(get_partition_id_input(), 0, gpa(page_out + 4)), HV_STATUS_INVALID_ALIGNMENT);
	expect_status("GetPartitionId ignores its unused input GPA (odd address) -> SUCCESS",
	              hypercall(get_partition_id_input(), gpa(page_in + 3), gpa(page_out)),
	              HV_STATUS_SUCCESS);

	put_vp_index_query(page_in + 4);
	expect_status("GetVpRegisters input GPA misaligned (+4) -> INVALID_ALIGNMENT",
	              hypercall(rep1, gpa(page_in + 4), gpa(page_out)), HV_STATUS_INVALID_ALIGNMENT);
	put_vp_index_query(page_in);
	expect_status("GetVpRegisters output GPA misaligned (+4) -> INVALID_ALIGNMENT",
	              hypercall(rep1, gpa(page_in), gpa(page_out + 4)), HV_STATUS_INVALID_ALIGNMENT);
	/* Header (16 bytes) + one name (4) starting 8 bytes before the page end: the list crosses the page. */
	put_vp_index_query(page_in + HVTEST_PAGE - 8);
	expect_status("GetVpRegisters input list crossing a page -> INVALID_ALIGNMENT",
	              hypercall(rep1, gpa(page_in + HVTEST_PAGE - 8), gpa(page_out)),
	              HV_STATUS_INVALID_ALIGNMENT);
	put_vp_index_query(page_in);
	expect_status("GetVpRegisters output element crossing a page -> INVALID_ALIGNMENT",
	              hypercall(rep1, gpa(page_in), gpa(page_out + HVTEST_PAGE - 8)),
	              HV_STATUS_INVALID_ALIGNMENT);
	/* Three output elements (48 bytes) from 32 bytes before the page end: element 0 fits, the list does not. */
	HV_REGISTER_NAME names[3] = {HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX};
	k_memcpy(page_in + sizeof(struct hv_input_vp_registers_header), names, sizeof(names));
	expect_status("GetVpRegisters 3-rep output list crossing a page -> INVALID_ALIGNMENT",
	              hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 3, 0), gpa(page_in),
	                        gpa(page_out + HVTEST_PAGE - 32)),
	              HV_STATUS_INVALID_ALIGNMENT);

	expect_status("GetPartitionId output GPA outside the partition -> INVALID_ALIGNMENT",
	              hypercall(get_partition_id_input(), 0, UNMAPPED_IPA), HV_STATUS_INVALID_ALIGNMENT);
	uint64_t past_ram = plat.ram_base + plat.ram_size;
	expect_status("GetVpRegisters input GPA just past guest RAM -> INVALID_ALIGNMENT",
	              hypercall(rep1, past_ram, gpa(page_out)), HV_STATUS_INVALID_ALIGNMENT);
	expect_status("GetVpRegisters output GPA just past guest RAM -> INVALID_ALIGNMENT",
	              hypercall(rep1, gpa(page_in), past_ram), HV_STATUS_INVALID_ALIGNMENT);
}

static void output_untouched_on_failure(void)
{
	k_memset(page_out, FILL, 16);
	uint64_t r = hypercall(get_partition_id_input() | HV_HYPERCALL_NESTED_BIT, 0, gpa(page_out));
	bool untouched = true;
	for (unsigned i = 0; i < 16; i++)
		untouched &= page_out[i] == FILL;
	check(hv_result_status(r) == HV_STATUS_INVALID_HYPERCALL_INPUT && untouched,
	      "a failed simple call leaves its output block untouched", "status %#x, output %s",
	      hv_result_status(r), untouched ? "untouched" : "written");
}

void cases_input_value(void)
{
	baseline();
	call_codes();
	reserved_bits();
	rep_rules();
	gpa_rules();
	output_untouched_on_failure();
}
