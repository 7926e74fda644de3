/* Hostile hypercall parameter GPAs: the guest's own MMIO windows (the architecture names them), the bytes
 * around the end of its RAM, the architecture's own cases (arm64: IPAs equal to physical addresses karasu-hv
 * itself lives at), aliases with high bits set, and a sweep over 8 GiB of guest-physical space. docs/abi.md: a
 * GPA outside the partition's RAM gets INVALID_ALIGNMENT and nothing is read or written; the GPA is always
 * translated through the partition (never used as a host address). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define FILL          0xa5u
#define SWEEP_STEP    (2ull << 20)
#define SWEEP_END     (8ull << 30)
#define NAMES_PER_REP sizeof(HV_REGISTER_NAME)
#define MAX_DEVICES   8u

static void expect_status(const char *what, uint64_t result, HV_STATUS want)
{
	check(hv_result_status(result) == want, what, "status %#x, want %#x (result %#llx)",
	      hv_result_status(result), want, (unsigned long long)result);
}

static uint64_t ram_end(void)
{
	return plat.ram_base + plat.ram_size;
}

/* A GetVpRegisters block at in: header + n names (VpIndex each). */
static void put_query(uint8_t *in, unsigned n)
{
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	k_memcpy(in, &h, sizeof(h));
	for (unsigned i = 0; i < n; i++) {
		HV_REGISTER_NAME name = HV_REGISTER_VP_INDEX;
		k_memcpy(in + sizeof(h) + i * NAMES_PER_REP, &name, sizeof(name));
	}
}

static uint64_t get_vp_regs(unsigned reps, uint64_t in, uint64_t outp)
{
	return hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, reps, 0), in, outp);
}

static uint64_t get_partition_id(uint64_t outp)
{
	return hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, outp);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* The guest's own device windows (the architecture's list): every use must be refused. */
static void device_gpas(void)
{
	struct hostile_gpa_target t[MAX_DEVICES];
	unsigned n = arch_hostile_gpa_devices(t, MAX_DEVICES);
	put_query(page_in, 1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t r;
		if (t[i].use == GPA_PARTITION_ID_OUTPUT)
			r = get_partition_id(t[i].gpa);
		else if (t[i].use == GPA_VP_REGISTERS_INPUT)
			r = get_vp_regs(1, t[i].gpa, (uintptr_t)page_out);
		else
			r = get_vp_regs(1, (uintptr_t)page_in, t[i].gpa);
		expect_status(t[i].what, r, HV_STATUS_INVALID_ALIGNMENT);
	}
}

static void ram_end_gpas(void)
{
	uint64_t end = ram_end();
	uint8_t *last = (uint8_t *)(uintptr_t)(end - 32);
	k_memset(last, FILL, 32);
	expect_status("GetPartitionId output GPA = the first byte past RAM -> INVALID_ALIGNMENT",
	              get_partition_id(end), HV_STATUS_INVALID_ALIGNMENT);
	uint64_t r = get_partition_id(end - 8);
	uint64_t id;
	k_memcpy(&id, last + 24, sizeof(id));
	check(r == 0 && id == own_partition_id, "GetPartitionId output in the last 8 bytes of RAM -> SUCCESS",
	      "result %#llx, id %#llx (want %#llx)", (unsigned long long)r, (unsigned long long)id,
	      (unsigned long long)own_partition_id);

	/* Input list ending exactly at the end of RAM: header (16) + 4 names = 32 bytes. */
	put_query(last, 4);
	k_memset(page_out, FILL, 4 * sizeof(HV_REGISTER_VALUE));
	r = get_vp_regs(4, end - 32, (uintptr_t)page_out);
	check(r == hv_result_value(HV_STATUS_SUCCESS, 4),
	      "GetVpRegisters input list ending at the last byte of RAM -> SUCCESS, 4 reps", "result %#llx",
	      (unsigned long long)r);
	/* One more rep would read past RAM (and across the page): refused before any rep runs. */
	k_memset(page_out, FILL, 5 * sizeof(HV_REGISTER_VALUE));
	r = get_vp_regs(5, end - 32, (uintptr_t)page_out);
	check(hv_result_status(r) == HV_STATUS_INVALID_ALIGNMENT && hv_result_reps_completed(r) == 0 &&
	          all_bytes(page_out, 5 * sizeof(HV_REGISTER_VALUE), FILL),
	      "GetVpRegisters input list running past the end of RAM -> INVALID_ALIGNMENT, 0 reps, no output",
	      "result %#llx", (unsigned long long)r);

	/* Output list: 2 values (32 bytes) end at the last byte of RAM; 3 would run past it. */
	put_query(page_in, 3);
	k_memset(last, FILL, 32);
	r = get_vp_regs(2, (uintptr_t)page_in, end - 32);
	check(r == hv_result_value(HV_STATUS_SUCCESS, 2) && !all_bytes(last, 8, FILL),
	      "GetVpRegisters output list ending at the last byte of RAM -> SUCCESS, 2 reps", "result %#llx",
	      (unsigned long long)r);
	k_memset(last, FILL, 32);
	r = get_vp_regs(3, (uintptr_t)page_in, end - 32);
	check(hv_result_status(r) == HV_STATUS_INVALID_ALIGNMENT && hv_result_reps_completed(r) == 0 &&
	          all_bytes(last, 32, FILL),
	      "GetVpRegisters output list running past the end of RAM -> INVALID_ALIGNMENT, nothing written",
	      "result %#llx", (unsigned long long)r);
	/* Rep start index 2 of 3: the list still counts from element 0, so it still runs past RAM. */
	r = hypercall(hv_input_with_rep_start(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 3, 0), 2),
	              (uintptr_t)page_in, end - 32);
	check(hv_result_status(r) == HV_STATUS_INVALID_ALIGNMENT && all_bytes(last, 32, FILL),
	      "GetVpRegisters rep start 2 of 3 with the output list past RAM -> INVALID_ALIGNMENT",
	      "result %#llx", (unsigned long long)r);
}

static void alias_gpas(void)
{
	static const struct {
		uint64_t bits;
		const char *what;
	} alias[] = {
	    {1ull << 40, "RAM address | bit 40 (beyond the 40-bit IPA space) -> INVALID_ALIGNMENT"},
	    {1ull << 44, "RAM address | bit 44 -> INVALID_ALIGNMENT"},
	    {1ull << 48, "RAM address | bit 48 -> INVALID_ALIGNMENT"},
	    {1ull << 63, "RAM address | bit 63 -> INVALID_ALIGNMENT"},
	    {0xffff000000000000ull, "RAM address with the top 16 bits set -> INVALID_ALIGNMENT"},
	};
	k_memset(page_out, FILL, 16);
	for (unsigned i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		uint64_t r = get_partition_id((uintptr_t)page_out | alias[i].bits);
		check(hv_result_status(r) == HV_STATUS_INVALID_ALIGNMENT && all_bytes(page_out, 16, FILL),
		      alias[i].what, "result %#llx%s", (unsigned long long)r,
		      all_bytes(page_out, 16, FILL) ? "" : " and the un-aliased page was written");
	}
	expect_status(
	    "output GPA 0xfffffffffffffff8 (the last 8 bytes of the address space) -> INVALID_ALIGNMENT",
	    get_partition_id(0xfffffffffffffff8ull), HV_STATUS_INVALID_ALIGNMENT);
}

/* Every 2 MiB of [0, 8 GiB) outside the guest's RAM: other guests' RAM, karasu's heap and image, devices. */
static void sweep(void)
{
	unsigned bad_out = 0, bad_in = 0, n = 0;
	uint64_t first_bad = 0;
	put_query(page_in, 1);
	for (uint64_t a = 0; a < SWEEP_END; a += SWEEP_STEP) {
		if (a + SWEEP_STEP > plat.ram_base && a < ram_end())
			continue;
		n++;
		uint64_t r = get_partition_id(a + SWEEP_STEP - 8);
		if (hv_result_status(r) != HV_STATUS_INVALID_ALIGNMENT) {
			if (!bad_out && !bad_in)
				first_bad = a;
			bad_out++;
		}
		r = get_vp_regs(1, a, (uintptr_t)page_out);
		if (hv_result_status(r) != HV_STATUS_INVALID_ALIGNMENT) {
			if (!bad_out && !bad_in)
				first_bad = a;
			bad_in++;
		}
	}
	check(
	    bad_out == 0 && bad_in == 0,
	    "GPA sweep: every 2 MiB of [0, 8 GiB) outside guest RAM -> INVALID_ALIGNMENT (input and output)",
	    "%u of %u output GPAs and %u input GPAs accepted, first at %#llx", bad_out, n, bad_in,
	    (unsigned long long)first_bad);
}

/* SynIC page registers: a GPA karasu will write into later (messages, event flags). Enabled, it must be a page
 * wholly in the guest's RAM (docs/synic.md): no alias with high bits, no MMIO, nothing past RAM. */
static uint64_t set_register(HV_REGISTER_NAME name, uint64_t value)
{
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	struct hv_register_assoc a = {.name = name};
	a.value.reg128.low64 = value;
	k_memcpy(page_in, &h, sizeof(h));
	k_memcpy(page_in + sizeof(h), &a, sizeof(a));
	return hypercall(hv_input_value(HVCALL_SET_VP_REGISTERS, false, 1, 0), (uintptr_t)page_in, 0);
}

#define SYNIC_PAGE_ENABLE 1ull
#define MAX_BAD_PAGES     8u

static void synic_pages(void)
{
	uint64_t last = ram_end() - HVTEST_PAGE;
	static const struct {
		HV_REGISTER_NAME name;
		const char *reg;
	} regs[] = {{HV_REGISTER_SIMP, "SIMP"}, {HV_REGISTER_SIEFP, "SIEFP"}};
	uint64_t bad[MAX_BAD_PAGES] = {last | (1ull << 40), last | (1ull << 52), ram_end(),
	                               0xfffffffffffff000ull};
	const char *bad_what[MAX_BAD_PAGES] = {"the last RAM page | bit 40", "the last RAM page | bit 52",
	                                       "the first page past RAM",
	                                       "the last page of the address space"};
	unsigned nbad = 4;
	nbad += arch_mmio_pages(bad + nbad, bad_what + nbad, MAX_BAD_PAGES - nbad);
	for (unsigned i = 0; i < 2; i++) {
		unsigned accepted = 0;
		const char *first = "";
		for (unsigned j = 0; j < nbad; j++) {
			uint64_t r = set_register(regs[i].name, bad[j] | SYNIC_PAGE_ENABLE);
			if (hv_result_status(r) != HV_STATUS_INVALID_REGISTER_VALUE) {
				if (!accepted)
					first = bad_what[j];
				accepted++;
				set_register(regs[i].name, 0);
			}
		}
		check(accepted == 0,
		      i == 0 ? "SIMP enabled at an alias / past RAM / MMIO / top-of-space page -> "
		               "INVALID_REGISTER_VALUE"
		             : "SIEFP enabled at an alias / past RAM / MMIO / top-of-space page -> "
		               "INVALID_REGISTER_VALUE",
		      "%u of %u accepted, first: %s", accepted, nbad, first);
		uint64_t r = set_register(regs[i].name, last | SYNIC_PAGE_ENABLE);
		uint64_t off = set_register(regs[i].name, 0);
		check(r == hv_result_value(HV_STATUS_SUCCESS, 1) &&
		          off == hv_result_value(HV_STATUS_SUCCESS, 1),
		      i == 0 ? "control: SIMP at the last page of RAM is accepted (and disabled again)"
		             : "control: SIEFP at the last page of RAM is accepted (and disabled again)",
		      "result %#llx, disable %#llx", (unsigned long long)r, (unsigned long long)off);
	}
}

void cases_hostile_gpa(void)
{
	out("hvtest: hostile: hypercall GPAs\n");
	uint64_t r = get_partition_id((uintptr_t)page_out);
	k_memcpy(&own_partition_id, page_out, sizeof(own_partition_id));
	case_group("hostile_gpa", SCOPE_SHARED);
	check(r == 0, "GetPartitionId (baseline for the hostile GPA cases)", "result %#llx",
	      (unsigned long long)r);
	case_group("hostile_gpa.devices", SCOPE_ARCH);
	device_gpas();
	case_group("hostile_gpa", SCOPE_SHARED);
	ram_end_gpas();
	arch_hostile_gpa_extra(); /* starts its own group if it has cases */
	case_group("hostile_gpa", SCOPE_SHARED);
	alias_gpas();
	sweep();
	synic_pages();
}
