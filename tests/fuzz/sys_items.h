/* Shared by the item templates of system-mode programs (sys_items.c, sys_items_machine.c); the
 * conventions they follow are described at the top of sys_items.c. */
#ifndef KARASU_TESTS_FUZZ_SYS_ITEMS_H
#define KARASU_TESTS_FUZZ_SYS_ITEMS_H

#include <stdint.h>

#include "tests/fuzz/sys_gen.h"

/* Registers of templates: scratch (the handlers clobber x28-x30 too), a template's own loop counter and
 * the handlers' request registers, the fetch-fault continuation. */
enum { T3 = 28, T4 = 29, T5 = 30, A6 = SYS_REG_ARG, A7 = SYS_REG_MAGIC, CONT = SYS_REG_CONT };
enum { F3_BEQ = 0, F3_BNE = 1 };

/* A destination register a template may write (not x2/x8/x27/x31/a6/a7). */
unsigned sys_random_rd(uint64_t *s);
/* mstatus.MPRV off (a template's physical accesses in M-mode); uses x28. */
void sys_mprv_off(struct sys_code *c);
/* One access of a random kind (load, store, FP, AMO, LR/SC) at x28 + imm. */
void sys_emit_access(struct sys_code *c, uint64_t *s, int32_t imm);
/* An offset into a data page: the middle, the edges, across the end, misaligned. */
uint64_t sys_random_offset(uint64_t *s);
/* A satp value: one of the two address spaces (ASID bits set now and then), or a mode the write ignores. */
uint64_t sys_satp_value(const struct sys_render *r, uint64_t *s);
/* mret/sret to label `after` in privilege `to` (illegal in U-mode); uses x28, x29. */
void sys_emit_xret_to(struct sys_render *r, unsigned to, unsigned after);
/* wfi only when an interrupt is pending and enabled, safe in any privilege (see sys_items.c). */
void sys_emit_guarded_wfi(struct sys_code *c, unsigned mode);

/* The M-mode items (sys_items_machine.c). */
void sys_item_pte_edit(struct sys_render *r, uint64_t *s);
void sys_item_code_remap(struct sys_render *r, uint64_t *s);
void sys_item_pmp(struct sys_render *r, uint64_t *s);
void sys_item_trap_bit(struct sys_render *r, uint64_t *s);
void sys_item_mprv(struct sys_render *r, uint64_t *s);

#endif
