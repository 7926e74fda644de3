/* The stub's breakpoint table (see gdb_breakpoints.h). A handful of entries: a linear search is fast
 * enough for one lookup per interpreted instruction. */
#include "rv/debug/gdb_breakpoints.h"

void rv_gdb_bp_init(struct rv_gdb_breakpoints *t)
{
	t->count = 0;
}

static int bp_index(const struct rv_gdb_breakpoints *t, enum rv_gdb_bp_type type, uint64_t addr)
{
	for (unsigned i = 0; i < t->count; i++)
		if (t->bp[i].addr == addr && t->bp[i].type == type)
			return (int)i;
	return -1;
}

bool rv_gdb_bp_insert(struct rv_gdb_breakpoints *t, enum rv_gdb_bp_type type, uint64_t addr)
{
	if (bp_index(t, type, addr) >= 0)
		return true;
	if (t->count >= RV_GDB_MAX_BREAKPOINTS)
		return false;
	t->bp[t->count].addr = addr;
	t->bp[t->count].type = type;
	t->count++;
	return true;
}

bool rv_gdb_bp_remove(struct rv_gdb_breakpoints *t, enum rv_gdb_bp_type type, uint64_t addr)
{
	int i = bp_index(t, type, addr);
	if (i < 0)
		return false;
	t->bp[i] = t->bp[--t->count];
	return true;
}

bool rv_gdb_bp_find(const struct rv_gdb_breakpoints *t, uint64_t addr, enum rv_gdb_bp_type *type)
{
	bool found = false;
	for (unsigned i = 0; i < t->count; i++) {
		if (t->bp[i].addr != addr)
			continue;
		if (!found || t->bp[i].type == RV_GDB_BP_SOFTWARE)
			*type = t->bp[i].type;
		found = true;
	}
	return found;
}
