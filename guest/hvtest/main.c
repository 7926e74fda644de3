/* hvtest main: find the console and the platform in the guest DTB, run the groups hvtest.mode= asks for (the
 * shared ones, then the architecture's), print the summary, switch the partition off. The boot code of each
 * architecture (<arch>/start.S) calls hvtest_main with the DTB and the address it really runs at. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

#define MODE_ACTION "act:"
#define MODE_SYNIC  "synic"

struct hvtest_platform plat = {
    .uart_base = HVTEST_FALLBACK_UART,
    .ncpus = 1,
    .name = "hvtest",
    HVTEST_ARCH_PLATFORM_DEFAULTS,
};

uint8_t page_in[2 * HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
uint8_t page_out[2 * HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));

static void standard_cases(const void *dtb)
{
	case_group("ram", SCOPE_SHARED);
	cases_ram(dtb);
	case_group("input_value", SCOPE_SHARED);
	cases_input_value();
	case_group("vp_registers", SCOPE_SHARED);
	cases_vp_registers();
	/* the register block differs: see cases_fast_calls.c */
	case_group("fast_calls", SCOPE_ARCH);
	cases_fast_calls();
	case_group("messages", SCOPE_SHARED);
	cases_messages();
	arch_standard_cases();
}

static void terminal_action(const char *act)
{
	/* One action karasu must contain: it does not come back if karasu stops the guest. */
	out("HVTEST-ACTION name=%s action=%s\n", plat.name, act);
	case_group("terminal", SCOPE_ARCH);
	enum hostile_action_result r = hostile_terminal_action(act);
	if (r == ACTION_UNKNOWN)
		check(false, "a known action", "no action '%s' in cases_hostile_terminal.c", act);
	else if (r == ACTION_SHOULD_HAVE_ENDED)
		check(false, "karasu ended the guest after its action",
		      "the guest is still running after action '%s'", act);
}

void hvtest_main(const void *dtb, uintptr_t running_at);
void hvtest_main(const void *dtb, uintptr_t running_at)
{
	bool have_dtb = fdt_scan(dtb);
	out_init(plat.uart_base);
	out("\nHVTEST-START name=%s\n", plat.name);
	if (!arch_entry_checks(dtb, have_dtb, running_at))
		goto done;

	if (k_strncmp(plat.mode, MODE_ACTION, sizeof(MODE_ACTION) - 1) == 0) {
		terminal_action(plat.mode + sizeof(MODE_ACTION) - 1);
	} else if (k_strncmp(plat.mode, MODE_SYNIC, sizeof(MODE_SYNIC) - 1) == 0) {
		case_group("synic", SCOPE_SHARED);
		cases_synic(); /* synic, synic-send, synic-recv: cases_synic.c */
	} else if (!k_strcmp(plat.mode, "hostile")) {
		cases_hostile_gpa(); /* its own groups */
		arch_hostile_cases();
	} else if (!k_strcmp(plat.mode, "arch")) {
		arch_standard_cases(); /* without karasu: the same binary on QEMU as the reference */
	} else if (!k_strcmp(plat.mode, "hostile-arch")) {
		arch_hostile_cases();
	} else if (!k_strcmp(plat.mode, "bench")) {
		bench_hypercalls();
	} else if (!k_strcmp(plat.mode, "random")) {
		random_hypercalls(dtb); /* random.c; reads hvtest.calls=, hvtest.seed= from the DTB */
	} else if (!k_strcmp(plat.mode, "heartbeat")) {
		heartbeat(); /* the witness of a random run: heartbeat.c */
	} else {
		standard_cases(dtb);
	}
done:
	report_end();
	power_off();
}
