/* Random system-mode programs for the karasu-rv differential fuzzer (rv_fuzz_system.c).
 *
 * A program is planned first (struct sys_program: segments of items, each with its own random seed) and
 * rendered into a RAM image after (struct sys_image): code, trap handlers, page tables, data, and the
 * initial registers. Items are self-contained, so that a failing program can be minimised by dropping
 * segments and items and rendering again: every subset still renders into a program that terminates.
 *
 * A segment runs in one privilege (M, S or U): a prologue (continuation register, data base
 * registers), its items, and a transition to the next segment's privilege (xRET, or an ecall the
 * handlers serve). The first segment runs in M-mode from reset; after the last one an ecall ends the
 * run. Items are random RV64GC code from rv_gen, or privileged templates (sys_items.c,
 * sys_items_machine.c), among them calls of the library routines in the program's first page. */
#ifndef KARASU_TESTS_FUZZ_SYS_GEN_H
#define KARASU_TESTS_FUZZ_SYS_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/fuzz/sys_code.h"
#include "tests/fuzz/sys_pt.h"

#define SYS_MAX_SEGMENTS     24
#define SYS_MAX_ITEMS        24
#define SYS_MAX_PLACEHOLDERS 512

/* Privileges, as encoded in mstatus.MPP. */
enum { SYS_MODE_U = 0, SYS_MODE_S = 1, SYS_MODE_M = 3 };

enum sys_item_kind {
	SYS_ITEM_GEN,       /* random RV64GC code (rv_gen): computation, loads/stores via x2/x8, branches */
	SYS_ITEM_CSR,       /* one access to a CSR: random values, WARL fields, illegal accesses */
	SYS_ITEM_STATUS,    /* mstatus/sstatus bits: SUM, MXR, MPRV, FS, SIE/MIE, SPP/MPP */
	SYS_ITEM_MEM,       /* one load/store/AMO/LR/SC at a data slot: page/access faults, crossing pages */
	SYS_ITEM_BASES,     /* x2/x8 to other data slots */
	SYS_ITEM_SFENCE,    /* sfence.vma (all, or one address) */
	SYS_ITEM_FENCE,     /* fence, fence.i, pause */
	SYS_ITEM_WFI,       /* wfi, only when an interrupt is pending and enabled (it would sleep forever) */
	SYS_ITEM_TRAP,      /* ecall, ebreak, illegal instructions, xRET from a privilege that may not */
	SYS_ITEM_XRET,      /* mret/sret back to the next instruction, same privilege */
	SYS_ITEM_SATP,      /* switch between the two address spaces */
	SYS_ITEM_IRQ,       /* make software interrupts pending and enabled */
	SYS_ITEM_LRSC,      /* lr, a trap, sc */
	SYS_ITEM_WILD_JUMP, /* a jump that faults on fetch (continues after it, through x27) */
	SYS_ITEM_SMC,       /* a store into code ahead (or in a loop), fence.i, then run it */
	SYS_ITEM_STRADDLE,  /* a 4-byte instruction across a page boundary (when near one) */
	SYS_ITEM_PLACEHOLDER, /* an instruction that differs in the alternative code pages */
	SYS_ITEM_PTE_EDIT,    /* M: rewrite a data slot's leaf PTE, sfence.vma */
	SYS_ITEM_CODE_REMAP,  /* M: remap a program page (its variant, not executable, invalid), sfence.vma */
	SYS_ITEM_PMP,         /* M: PMP entries over the program and data (entry 15 allows the rest) */
	SYS_ITEM_TRAP_BIT,    /* M: set TSR, TW or TVM, drop to S and try what it forbids, come back */
	SYS_ITEM_MPRV,        /* M: loads/stores with MPRV through another privilege's translation */
	SYS_ITEM_CALL,        /* a call of a library routine (code that runs again, under other mappings) */
	SYS_ITEM_KINDS
};

struct sys_item {
	uint8_t kind;
	uint16_t limit; /* SYS_ITEM_GEN: only the first `limit` instructions (the rest become nops), 0: all */
	uint64_t seed;
};

enum sys_transition {
	SYS_TR_FALL,  /* same privilege: straight on */
	SYS_TR_JUMP,  /* same privilege: a jump (jal or an indirect one) */
	SYS_TR_ECALL, /* an ecall the handlers turn into the next privilege */
	SYS_TR_XRET,  /* mret/sret with xPP/xepc set up (from U: an ecall) */
};

struct sys_segment {
	uint8_t mode;
	uint8_t transition; /* to the next segment */
	uint64_t seed;      /* prologue and transition choices */
	unsigned n_items;
	struct sys_item item[SYS_MAX_ITEMS];
};

struct sys_program {
	uint64_t seed;       /* page tables, data, initial registers */
	unsigned gen_length; /* rv_gen chunks: at most this many instructions */
	unsigned gen_mask;   /* rv_gen instruction classes of the random code (GEN_*) */
	bool fixed_frm;      /* frm stays round-to-nearest: no writes of frm/fcsr anywhere */
	uint32_t no_items;   /* item kinds not to generate (bit n = kind n) */
	bool hide_instret;   /* instret/minstret never reach a register (their values are not compared) */
	/* Hand-written code (--program): placed after the first segment's prologue, in place of its items. */
	const uint8_t *raw;
	unsigned raw_len;
	unsigned n_segments;
	struct sys_segment seg[SYS_MAX_SEGMENTS];
};

/* Plans a program of n_segments (1..SYS_MAX_SEGMENTS) from seed; gen_length, gen_mask, fixed_frm as in
 * struct sys_program. */
void sys_program_plan(struct sys_program *p, unsigned n_segments, unsigned gen_length, unsigned gen_mask,
                      bool fixed_frm, uint32_t no_items, uint64_t seed);

/* The rendered program: RAM contents and the hart's initial state. */
struct sys_image {
	uint8_t *ram;                /* SYS_RAM_SIZE bytes, owned by the caller */
	uint8_t mmio[SYS_MMIO_SIZE]; /* the device page's registers */
	struct sys_pt pt;
	uint64_t x[32], f[32];
	uint32_t fflags, frm;
	uint64_t mtvec, stvec, satp; /* set before the first instruction: traps must reach a handler */
	uint64_t lib_end;            /* offset after the library routines */
	uint64_t prog_end;           /* offset after the program's last byte */
	uint64_t seg_off[SYS_MAX_SEGMENTS + 1];
	uint64_t item_off[SYS_MAX_SEGMENTS][SYS_MAX_ITEMS];
	unsigned n_placeholders;
	struct {
		uint64_t off;
		uint8_t len;
	} placeholder[SYS_MAX_PLACEHOLDERS];
};

/* Renders p into img (img->ram must hold SYS_RAM_SIZE bytes); false if it does not fit. */
bool sys_program_render(const struct sys_program *p, struct sys_image *img);

/* Name of an item kind (for listings), its short name (options), a privilege's letter. */
const char *sys_item_name(unsigned kind);
const char *sys_item_short_name(unsigned kind);
char sys_mode_letter(unsigned mode);

/* ---- rendering context shared with the item templates (sys_items.c) ---- */
struct sys_render {
	struct sys_code *code;
	struct sys_image *img;
	unsigned mode;       /* privilege the segment runs in */
	unsigned next_seg;   /* label of the next segment's start (x27's value) */
	unsigned gen_length; /* rv_gen chunks: at most this many instructions */
	unsigned gen_mask;
	bool fixed_frm;
	bool hide_instret;
	unsigned routine[SYS_LIB_ROUTINES]; /* labels of the library routines */
	unsigned n_lib_placeholders;        /* and of their placeholders (SYS_ITEM_SMC rewrites them) */
	unsigned lib_placeholder[SYS_LIB_ROUTINES * 8];
	bool lib_placeholder_compressed[SYS_LIB_ROUTINES * 8];
};

void sys_item_render(struct sys_render *r, const struct sys_item *it);
/* The library routines (SYS_LIB_OFF): r->routine[] gets their labels. */
void sys_library_render(struct sys_render *r, uint64_t *seed);
/* Picks an item kind for a segment in `mode` (M-only kinds only there; the first segment leans towards
 * setting CSRs up). */
unsigned sys_item_pick(unsigned mode, bool first_segment, uint32_t no_items, uint64_t *seed);
/* A data slot's address for `mode`: physical (its data page) in M, virtual otherwise. */
uint64_t sys_slot_addr(const struct sys_render *r, unsigned slot, unsigned mode);
/* Base address of privilege `mode` for code offsets. */
uint64_t sys_mode_base(unsigned mode);
/* rd = the address of label in privilege `mode` (uses tmp for the base). */
void sys_li_code_addr(struct sys_code *c, unsigned rd, unsigned tmp, unsigned mode, unsigned label);

#endif
