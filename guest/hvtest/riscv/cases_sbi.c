/* The SBI around karasu's hypercalls (the RISC-V counterpart of arm64's SMCCC group): the Base extension
 * (specification version, probe_extension for karasu's vendor extension, HSM and SRST), unknown extensions and
 * functions (SBI_ERR_NOT_SUPPORTED, SBI specification 2.0 chapter 3), the transport rule of docs/abi.md that a
 * memory-form hypercall changes only a0, and SRST's parameter checks. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define SBI_BASE_GET_SPEC_VERSION 0u
#define SBI_BASE_PROBE_EXTENSION  3u
#define SPEC_MAJOR_SHIFT          24
#define SPEC_MAJOR_MASK           0x7fu
#define SPEC_MINOR_MASK           0xffffffu
#define UNKNOWN_EXTENSION         0x0a5a5a5au /* an experimental-space EID nobody implements */
#define RESERVED_RESET_TYPE       0x10u       /* 0x3..0xEFFFFFFF are reserved */
#define MARK_A3                   0x3333333333333333ull
#define MARK_A4                   0x4444444444444444ull
#define MARK_A5                   0x5555555555555555ull

static struct sbiret probe(uint64_t eid)
{
	return sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, eid, 0, 0, 0);
}

static void check_sbi(const char *what, struct sbiret r, int64_t want)
{
	check(r.error == want, what, "error %lld, want %lld", (long long)r.error, (long long)want);
}

/* A memory-form GetPartitionId with a3..a5 holding marks: docs/abi.md keeps the SBI rule that only a0 (and a1
 * for SBI results) change; for the hypercall's memory form a1..a7 all come back as they were. */
static void memory_form_preserves_registers(void)
{
	register uint64_t a0 __asm__("a0") = hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0);
	register uint64_t a1 __asm__("a1") = 0;
	register uint64_t a2 __asm__("a2") = (uintptr_t)page_out;
	register uint64_t a3 __asm__("a3") = MARK_A3;
	register uint64_t a4 __asm__("a4") = MARK_A4;
	register uint64_t a5 __asm__("a5") = MARK_A5;
	register uint64_t a6 __asm__("a6") = HV_SBI_FID_HYPERCALL;
	register uint64_t a7 __asm__("a7") = HV_SBI_EXT_KARASU;
	__asm__ volatile("ecall"
	                 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6), "+r"(a7)
	                 :
	                 : "memory");
	check(a0 == 0 && a1 == 0 && a2 == (uintptr_t)page_out && a3 == MARK_A3 && a4 == MARK_A4 &&
	          a5 == MARK_A5 && a6 == HV_SBI_FID_HYPERCALL && a7 == HV_SBI_EXT_KARASU,
	      "memory-form hypercall: a0 = the result, a1..a7 preserved",
	      "a0 %#llx a1 %#llx a2 %#llx a3 %#llx a4 %#llx a5 %#llx a6 %#llx a7 %#llx",
	      (unsigned long long)a0, (unsigned long long)a1, (unsigned long long)a2, (unsigned long long)a3,
	      (unsigned long long)a4, (unsigned long long)a5, (unsigned long long)a6, (unsigned long long)a7);
}

void cases_sbi(void)
{
	struct sbiret v = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0);
	uint64_t major = (v.value >> SPEC_MAJOR_SHIFT) & SPEC_MAJOR_MASK, minor = v.value & SPEC_MINOR_MASK;
	check(v.error == SBI_SUCCESS && (major > 0 || minor >= 3),
	      "SBI get_spec_version is 0.3 or later (HSM and SRST exist)", "error %lld, version %llu.%llu",
	      (long long)v.error, (unsigned long long)major, (unsigned long long)minor);

	struct sbiret p = probe(SBI_EXT_HSM);
	check(p.error == SBI_SUCCESS && p.value != 0, "SBI probe_extension(HSM) -> available",
	      "error %lld, value %llu", (long long)p.error, (unsigned long long)p.value);
	p = probe(SBI_EXT_SRST);
	check(p.error == SBI_SUCCESS && p.value != 0, "SBI probe_extension(SRST) -> available",
	      "error %lld, value %llu", (long long)p.error, (unsigned long long)p.value);
	p = probe(HV_SBI_EXT_KARASU + 1);
	check(p.error == SBI_SUCCESS && p.value == 0,
	      "SBI probe_extension(0x094B5256, unused vendor EID) -> 0", "error %lld, value %llu",
	      (long long)p.error, (unsigned long long)p.value);

	check_sbi("an SBI extension nobody implements -> SBI_ERR_NOT_SUPPORTED",
	          sbi_call(UNKNOWN_EXTENSION, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED);
	check_sbi("SBI SRST with a reserved reset type (0x10) -> SBI_ERR_INVALID_PARAM, the guest runs on",
	          sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, RESERVED_RESET_TYPE, SBI_SRST_REASON_NONE, 0, 0),
	          SBI_ERR_INVALID_PARAM);
	check_sbi("SBI SRST with an unknown function id (1) -> SBI_ERR_NOT_SUPPORTED",
	          sbi_call(SBI_EXT_SRST, 1, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE, 0, 0),
	          SBI_ERR_NOT_SUPPORTED);

	/* karasu's vendor extension: only where karasu runs the guest (a run on QEMU leaves this group out) */
	case_group("sbi.karasu", SCOPE_ARCH);
	p = probe(HV_SBI_EXT_KARASU);
	check(p.error == SBI_SUCCESS && p.value != 0,
	      "SBI probe_extension(0x094B5255, karasu's hypercalls) -> available", "error %lld, value %llu",
	      (long long)p.error, (unsigned long long)p.value);
	struct sbiret f = sbi_call(HV_SBI_EXT_KARASU, 1, hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0),
	                           0, (uintptr_t)page_out, 0);
	check_sbi("karasu's EID with FID 1 (not the hypercall) -> SBI_ERR_NOT_SUPPORTED in a0", f,
	          SBI_ERR_NOT_SUPPORTED);
	memory_form_preserves_registers();
}
