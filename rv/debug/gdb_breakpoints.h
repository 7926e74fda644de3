/* The stub's breakpoint table: Z0 (software) and Z1 (hardware) breakpoints by guest address. Nothing is
 * written into guest memory; the run loop looks the pc up before every instruction. */
#ifndef KARASU_RV_DEBUG_GDB_BREAKPOINTS_H
#define KARASU_RV_DEBUG_GDB_BREAKPOINTS_H

#include <stdbool.h>
#include <stdint.h>

#define RV_GDB_MAX_BREAKPOINTS 64

enum rv_gdb_bp_type {
	RV_GDB_BP_SOFTWARE = 0, /* Z0 */
	RV_GDB_BP_HARDWARE = 1  /* Z1 */
};

struct rv_gdb_breakpoints {
	unsigned count;
	struct {
		uint64_t addr;
		enum rv_gdb_bp_type type;
	} bp[RV_GDB_MAX_BREAKPOINTS];
};

void rv_gdb_bp_init(struct rv_gdb_breakpoints *t);
/* Adds a breakpoint (inserting one that exists is a success: gdb may repeat itself). False if full. */
bool rv_gdb_bp_insert(struct rv_gdb_breakpoints *t, enum rv_gdb_bp_type type, uint64_t addr);
/* Removes it. False if there was none of that type at addr. */
bool rv_gdb_bp_remove(struct rv_gdb_breakpoints *t, enum rv_gdb_bp_type type, uint64_t addr);
/* True if a breakpoint is set at addr; *type tells which kind (software wins). */
bool rv_gdb_bp_find(const struct rv_gdb_breakpoints *t, uint64_t addr, enum rv_gdb_bp_type *type);

#endif
