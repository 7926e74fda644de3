/* The trapped system-register table (sysreg_trap.h). */
#include "hv/core/sysreg_trap.h"

struct sysreg_entry {
	uint32_t match, mask;
	sysreg_handler fn;
	const char *name;
};

static struct sysreg_entry table[SYSREG_TRAP_MAX];
static unsigned count;

bool sysreg_trap_register(uint32_t match, uint32_t mask, sysreg_handler fn, const char *name)
{
	if (!fn || count == SYSREG_TRAP_MAX)
		return false;
	table[count] = (struct sysreg_entry){match & mask, mask, fn, name};
	__atomic_store_n(&count, count + 1, __ATOMIC_RELEASE);
	return true;
}

enum sysreg_result sysreg_trap_dispatch(struct vcpu *v, uint32_t id, bool read, uint64_t *val)
{
	unsigned n = __atomic_load_n(&count, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < n; i++)
		if ((id & table[i].mask) == table[i].match && table[i].fn(v, id, read, val) == SYSREG_HANDLED)
			return SYSREG_HANDLED;
	return SYSREG_UNHANDLED;
}
