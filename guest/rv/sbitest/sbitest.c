/* A bare-metal S-mode test of karasu-rv's built-in SBI (-bios default) and of its vendor extension, the
 * RISC-V transport of karasu's hypercalls (docs/abi.md). Every expected value comes from the SBI
 * specification 2.0 or from the ABI header include/karasu/hv.h - the same dispatcher answers on arm64.
 * Prints one TAP line per check over the SBI debug console, then powers off through SRST: with reason
 * "system failure" when a check failed (karasu-rv then exits 1). */
#include <stdbool.h>
#include <stdint.h>

#include "karasu/hv.h"
#include "lib/hypercall.h"

/* SBI extension ids and function ids (SBI specification 2.0). */
#define SBI_EXT_BASE           0x10
#define SBI_EXT_TIME           0x54494d45
#define SBI_EXT_IPI            0x735049
#define SBI_EXT_RFENCE         0x52464e43
#define SBI_EXT_HSM            0x48534d
#define SBI_EXT_SRST           0x53525354
#define SBI_EXT_DBCN           0x4442434e
#define SBI_EXT_LEGACY_PUTCHAR 0x01

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_HSM_HART_START        0
#define SBI_HSM_HART_STOP         1
#define SBI_HSM_HART_GET_STATUS   2
#define SBI_HSM_STARTED           0
#define SBI_HSM_STOPPED           1
#define SBI_DBCN_WRITE            0
#define SBI_DBCN_WRITE_BYTE       2
#define SBI_SRST_SHUTDOWN         0
#define SBI_SRST_REASON_NONE      0
#define SBI_SRST_REASON_FAILURE   1

#define SBI_SUCCESS               0
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* sip bits. */
#define SIP_SSIP (1ul << 1)
#define SIP_STIP (1ul << 5)
#define CSR_SIP  "sip"

struct sbiret {
	long error;
	unsigned long value;
};

static struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
                              unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	struct sbiret r = {(long)r0, r1};
	return r;
}

/* A karasu hypercall: a0 = input value, a1..a5 = GPAs or fast registers; a0 = result value. */
static uint64_t hypercall(uint64_t input, uint64_t regs[5])
{
	register unsigned long r0 __asm__("a0") = input;
	register unsigned long r1 __asm__("a1") = regs[0];
	register unsigned long r2 __asm__("a2") = regs[1];
	register unsigned long r3 __asm__("a3") = regs[2];
	register unsigned long r4 __asm__("a4") = regs[3];
	register unsigned long r5 __asm__("a5") = regs[4];
	register unsigned long r6 __asm__("a6") = HV_SBI_FID_HYPERCALL;
	register unsigned long r7 __asm__("a7") = HV_SBI_EXT_KARASU;
	__asm__ volatile("ecall"
	                 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5)
	                 : "r"(r6), "r"(r7)
	                 : "memory");
	regs[0] = r1;
	regs[1] = r2;
	regs[2] = r3;
	regs[3] = r4;
	regs[4] = r5;
	return r0;
}

/* ---- output over the debug console ---- */

static unsigned long str_len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	/* DBCN takes a physical address: this program runs with satp = 0 */
	sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, str_len(s), (unsigned long)s, 0);
}

static void put_num(unsigned long v)
{
	char buf[24];
	int i = 23;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(&buf[i]);
}

static void put_hex(unsigned long v)
{
	char buf[20];
	int i = 19;
	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	put(&buf[i]);
}

static unsigned checks, failures;

static void check(bool ok, const char *what, unsigned long got, unsigned long want)
{
	checks++;
	if (!ok)
		failures++;
	put(ok ? "ok " : "not ok ");
	put_num(checks);
	put(" - ");
	put(what);
	if (!ok) {
		put(" (got ");
		put_hex(got);
		put(", expected ");
		put_hex(want);
		put(")");
	}
	put("\n");
}

#define CHECK_EQ(got, want, what)                                                    \
	do {                                                                         \
		unsigned long g_ = (unsigned long)(got), w_ = (unsigned long)(want); \
		check(g_ == w_, what, g_, w_);                                       \
	} while (0)

void sbitest_trap(unsigned long cause, unsigned long epc, unsigned long tval)
{
	put("not ok - unexpected trap: scause ");
	put_hex(cause);
	put(" sepc ");
	put_hex(epc);
	put(" stval ");
	put_hex(tval);
	put("\n");
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
	for (;;)
		;
}

static unsigned long read_sip(void)
{
	unsigned long v;
	__asm__ volatile("csrr %0, sip" : "=r"(v));
	return v;
}

static unsigned long read_time(void)
{
	unsigned long v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

/* ---- the second hart (HSM) ---- */

extern char second_entry[];
static volatile unsigned long second_hart_id, second_opaque, second_ran;

void sbitest_second(unsigned long hartid, unsigned long opaque)
{
	second_hart_id = hartid;
	second_opaque = opaque;
	__atomic_store_n(&second_ran, 1, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
	put("not ok - hart_stop returned\n");
}

static void test_base(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS, "base: get_spec_version succeeds");
	CHECK_EQ(r.value, 2ul << 24, "base: SBI specification 2.0");
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	CHECK_EQ(r.value, 0x4b52, "base: karasu's implementation id");
	static const unsigned long present[] = {SBI_EXT_TIME, SBI_EXT_IPI,  SBI_EXT_RFENCE,   SBI_EXT_HSM,
	                                        SBI_EXT_SRST, SBI_EXT_DBCN, HV_SBI_EXT_KARASU};
	for (unsigned i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, present[i], 0, 0);
		CHECK_EQ(r.value, 1, "base: probe_extension finds an implemented extension");
	}
	r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, 0x0a000000, 0, 0);
	CHECK_EQ(r.value, 0, "base: probe_extension of an absent extension is 0");
	r = sbi_call(0x0b000000, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED, "an absent extension answers NOT_SUPPORTED");
}

static void test_console(void)
{
	static const char text[] = "dbcn write\n";
	struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, sizeof(text) - 1, (unsigned long)text, 0);
	CHECK_EQ(r.value, sizeof(text) - 1, "DBCN console_write reports every byte written");
	r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, '\n', 0, 0);
	CHECK_EQ(r.error, SBI_SUCCESS, "DBCN console_write_byte succeeds");
	r = sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, '\n', 0, 0);
	CHECK_EQ(r.error, 0, "legacy console_putchar returns 0");
}

static void test_timer_and_ipi(void)
{
	sbi_call(SBI_EXT_TIME, 0, read_time() + 10000, 0, 0); /* 1 ms at 10 MHz */
	unsigned long spins = 0;
	while (!(read_sip() & SIP_STIP) && spins < 100000000ul)
		spins++;
	check((read_sip() & SIP_STIP) != 0, "TIME set_timer raises STIP when the time comes", read_sip(),
	      SIP_STIP);
	sbi_call(SBI_EXT_TIME, 0, ~0ul, 0, 0);
	check(!(read_sip() & SIP_STIP), "TIME set_timer to the far future lowers STIP", read_sip(), 0);

	struct sbiret r = sbi_call(SBI_EXT_IPI, 0, 1, 0, 0); /* hart 0, this one */
	CHECK_EQ(r.error, SBI_SUCCESS, "IPI send_ipi to itself succeeds");
	check((read_sip() & SIP_SSIP) != 0, "IPI send_ipi raises SSIP", read_sip(), SIP_SSIP);
	__asm__ volatile("csrc sip, %0" : : "r"(SIP_SSIP));
	r = sbi_call(SBI_EXT_IPI, 0, 1, 64, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM, "IPI send_ipi to an absent hart is INVALID_PARAM");
}

static void test_hsm_and_fences(void)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0);
	CHECK_EQ(r.value, SBI_HSM_STOPPED, "HSM: hart 1 is stopped before hart_start");
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, (unsigned long)second_entry, 0x5eed);
	CHECK_EQ(r.error, SBI_SUCCESS, "HSM: hart_start succeeds");
	unsigned long spins = 0;
	while (!__atomic_load_n(&second_ran, __ATOMIC_ACQUIRE) && spins < 1000000000ul)
		spins++;
	CHECK_EQ(second_ran, 1, "HSM: the started hart runs");
	CHECK_EQ(second_hart_id, 1, "HSM: a0 is the started hart's id");
	CHECK_EQ(second_opaque, 0x5eed, "HSM: a1 is the opaque argument");
	spins = 0;
	do
		r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0);
	while (r.value != SBI_HSM_STOPPED && ++spins < 100000000ul);
	CHECK_EQ(r.value, SBI_HSM_STOPPED, "HSM: hart_stop stops it again");
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 0, (unsigned long)second_entry, 0);
	CHECK_EQ(r.error, SBI_ERR_ALREADY_AVAILABLE,
	         "HSM: hart_start of a running hart is ALREADY_AVAILABLE");
	r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 99, (unsigned long)second_entry, 0);
	CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM, "HSM: hart_start of an absent hart is INVALID_PARAM");

	r = sbi_call(SBI_EXT_RFENCE, 0, 0, ~0ul, 0); /* remote_fence_i on every hart */
	CHECK_EQ(r.error, SBI_SUCCESS, "RFENCE remote_fence_i on every hart succeeds");
	r = sbi_call(SBI_EXT_RFENCE, 1, 3, 0,
	             0); /* remote_sfence_vma on harts 0, 1 (a0..a2: mask, base, start) */
	CHECK_EQ(r.error, SBI_SUCCESS, "RFENCE remote_sfence_vma succeeds");
}

static uint8_t in_page[4096] __attribute__((aligned(4096)));
static uint8_t out_page[4096] __attribute__((aligned(4096)));

static void test_hypercalls(void)
{
	uint64_t regs[5] = {0};
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, true, 0, 0), regs);
	CHECK_EQ(hv_result_status(r), HV_STATUS_SUCCESS, "hypercall: fast GetPartitionId succeeds");
	CHECK_EQ(regs[0], 1, "hypercall: the partition id is 1 (a1)");

	/* GetVpRegisters, memory form: HvRegisterVpIndex and HvRegisterHypervisorVersion of this VP */
	struct hv_input_vp_registers_header *h = (void *)in_page;
	h->partition_id = HV_PARTITION_ID_SELF;
	h->vp_index = HV_VP_INDEX_SELF;
	HV_REGISTER_NAME *names = (void *)(in_page + sizeof(*h));
	names[0] = HV_REGISTER_VP_INDEX;
	names[1] = HV_REGISTER_HYPERVISOR_VERSION;
	uint64_t gpa[5] = {(uint64_t)in_page, (uint64_t)out_page, 0, 0, 0};
	r = hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 2, 0), gpa);
	CHECK_EQ(hv_result_status(r), HV_STATUS_SUCCESS, "hypercall: GetVpRegisters succeeds");
	CHECK_EQ(hv_result_reps_completed(r), 2, "hypercall: GetVpRegisters completes both reps");
	const HV_REGISTER_VALUE *values = (const void *)out_page;
	CHECK_EQ(values[0].reg64, 0, "hypercall: HvRegisterVpIndex of hart 0 is 0");
	CHECK_EQ((values[1].reg128.low64 >> HV_VERSION_MAJOR_SHIFT) & 0xff, KARASU_HV_VERSION_MAJOR,
	         "hypercall: HvRegisterHypervisorVersion has karasu's major version");
	CHECK_EQ((values[1].reg128.low64 >> HV_VERSION_MINOR_SHIFT) & 0xff, KARASU_HV_VERSION_MINOR,
	         "hypercall: HvRegisterHypervisorVersion has karasu's minor version");

	uint64_t none[5] = {0};
	r = hypercall(hv_input_value(0x7fff, false, 0, 0), none);
	CHECK_EQ(hv_result_status(r), HV_STATUS_INVALID_HYPERCALL_CODE, "hypercall: an unknown call code");
	uint64_t zero[5] = {0};
	r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, true, 0, 0) | HV_HYPERCALL_RSVDZ_HIGH_MASK,
	              zero);
	CHECK_EQ(hv_result_status(r), HV_STATUS_INVALID_HYPERCALL_INPUT,
	         "hypercall: a reserved input bit set");

	struct sbiret s = sbi_call(HV_SBI_EXT_KARASU, 1, 0, 0, 0);
	CHECK_EQ(s.error, SBI_ERR_NOT_SUPPORTED, "vendor extension: FID 1 is NOT_SUPPORTED");
}

void sbitest_main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	put("karasu-rv built-in SBI test on hart ");
	put_num(hartid);
	put("\n");
	test_base();
	test_console();
	test_timer_and_ipi();
	test_hsm_and_fences();
	test_hypercalls();
	put(failures ? "FAIL " : "PASS ");
	put_num(checks - failures);
	put(" of ");
	put_num(checks);
	put(" checks\n");
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN,
	         failures ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
	put("not ok - system_reset returned\n");
}
