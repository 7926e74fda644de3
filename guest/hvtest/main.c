/* hvtest main: find the console and the platform in the guest DTB, run every case group, print the summary,
 * switch the partition off. */
#include <stdarg.h>
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define PSCI_SYSTEM_OFF 0x84000008u
/* Where karasu puts every guest's vPL011 (hv/core/partition.h); only used if the DTB is unreadable. */
#define FALLBACK_UART   0x09000000u
#define FALLBACK_GICD   0x08000000u
#define FALLBACK_GICR   0x080a0000u
#define MODE_ACTION     "act:"
#define MODE_SYNIC      "synic"

extern uint8_t __image_start[];

struct hvtest_platform plat = {
    .uart_base = FALLBACK_UART,
    .gicd_base = FALLBACK_GICD,
    .gicd_size = 0x10000,
    .gicr_base = FALLBACK_GICR,
    .gicr_size = 0x20000,
    .ncpus = 1,
    .name = "hvtest",
};

static unsigned passed, failed, case_no;
uint8_t page_in[2 * HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
uint8_t page_out[2 * HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));

void check(bool ok, const char *what, const char *fmt, ...)
{
	case_no++;
	if (ok) {
		passed++;
		out("HVTEST PASS %u %s\n", case_no, what);
		return;
	}
	failed++;
	char detail[160];
	va_list ap;
	va_start(ap, fmt);
	k_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	out("HVTEST FAIL %u %s: %s\n", case_no, what, detail);
}

void check_eq(const char *what, uint64_t got, uint64_t want)
{
	check(got == want, what, "got %#llx, want %#llx", (unsigned long long)got, (unsigned long long)want);
}

uint64_t hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa)
{
	struct hvc_regs r = {0};
	r.x[0] = HV_SMCCC_FUNC_HYPERCALL;
	r.x[1] = input;
	r.x[2] = in_gpa;
	r.x[3] = out_gpa;
	hvtest_hvc(&r);
	return r.x[0];
}

uint64_t hypercall_fast(uint64_t input, uint64_t regs[16])
{
	struct hvc_regs r = {0};
	r.x[0] = HV_SMCCC_FUNC_HYPERCALL;
	r.x[1] = input | HV_HYPERCALL_FAST_BIT;
	for (unsigned i = 0; i < 16; i++)
		r.x[2 + i] = regs[i];
	hvtest_hvc(&r);
	for (unsigned i = 0; i < 16; i++)
		regs[i] = r.x[2 + i];
	return r.x[0];
}

int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hvc_regs r = {0};
	r.x[0] = fn;
	r.x[1] = a1;
	r.x[2] = a2;
	r.x[3] = a3;
	if (plat.psci_smc)
		hvtest_smc(&r);
	else
		hvtest_hvc(&r);
	return (int64_t)r.x[0];
}

uint64_t now_ticks(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t ticks_per_ms(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f ? f / 1000 : 62500;
}

_Noreturn void power_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	out("hvtest: PSCI SYSTEM_OFF returned; spinning\n");
	for (;;)
		__asm__ volatile("wfi");
}

void hvtest_main(const void *dtb, uintptr_t running_at);
void hvtest_main(const void *dtb, uintptr_t running_at)
{
	bool have_dtb = fdt_scan(dtb);
	out_init(plat.uart_base);
	out("\nHVTEST-START name=%s\n", plat.name);
	uint64_t el;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	out("hvtest: DTB at %p%s, UART %#llx, RAM %#llx+%#llx, %u vCPUs, PSCI via %s, running at EL%llu\n",
	    dtb, have_dtb ? "" : " (unreadable: using defaults)", (unsigned long long)plat.uart_base,
	    (unsigned long long)plat.ram_base, (unsigned long long)plat.ram_size, plat.ncpus,
	    plat.psci_smc ? "smc" : "hvc", (unsigned long long)(el >> 2) & 3);

	check(have_dtb, "x0 holds a readable guest DTB", "x0 = %p", dtb);
	check(running_at == (uintptr_t)__image_start,
	      "image loaded at its link address (RAM base + text_offset)", "running at %#lx, linked at %p",
	      (unsigned long)running_at, (void *)__image_start);
	check(((el >> 2) & 3) == 1, "guest entered at EL1", "CurrentEL = EL%llu",
	      (unsigned long long)(el >> 2) & 3);
	if (running_at != (uintptr_t)__image_start || !have_dtb)
		goto done;

	if (k_strncmp(plat.mode, MODE_ACTION, sizeof(MODE_ACTION) - 1) == 0) {
		/* One action karasu must contain: it does not come back if karasu stops the guest. */
		const char *act = plat.mode + sizeof(MODE_ACTION) - 1;
		out("HVTEST-ACTION name=%s action=%s\n", plat.name, act);
		enum hostile_action_result r = hostile_terminal_action(act);
		if (r == ACTION_UNKNOWN)
			check(false, "a known action", "no action '%s' in cases_hostile_terminal.c", act);
		else if (r == ACTION_SHOULD_HAVE_ENDED)
			check(false, "karasu ended the guest after its action",
			      "the guest is still running after action '%s'", act);
	} else if (k_strncmp(plat.mode, MODE_SYNIC, sizeof(MODE_SYNIC) - 1) == 0) {
		cases_synic(); /* synic, synic-send, synic-recv: cases_synic.c */
	} else if (!k_strcmp(plat.mode, "hostile")) {
		cases_hostile_gpa();
		cases_hostile_stage2();
		cases_hostile_mmio();
		cases_hostile_vgic();
		cases_hostile_psci();
		cases_hostile_sysreg();
		cases_hostile_el0();
	} else {
		cases_ram(dtb);
		cases_input_value();
		cases_vp_registers();
		cases_fast_calls();
		cases_messages();
		cases_smccc();
		cases_psci();
		cases_aborts();
	}
done:
	out("HVTEST-END name=%s passed=%u failed=%u\n", plat.name, passed, failed);
	out("%u passed, %u failed\n", passed, failed);
	power_off();
}
