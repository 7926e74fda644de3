/* Actions a hostile RISC-V guest takes that end it (hvtest.mode=act:NAME):
 *   off  SBI SRST shutdown at once: only this guest stops (in a karasu-rv --config run, its partition). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/mem.h"

#define SETTLE_MS 2000u

static void settle(void)
{
	/* karasu stops the guest from another hart's point of view asynchronously: give it time. */
	uint64_t until = now_ticks() + SETTLE_MS * ticks_per_ms();
	while (now_ticks() < until)
		;
}

enum hostile_action_result hostile_terminal_action(const char *name)
{
	if (k_strcmp(name, "off"))
		return ACTION_UNKNOWN;
	sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE, 0, 0);
	settle();
	return ACTION_SHOULD_HAVE_ENDED;
}
