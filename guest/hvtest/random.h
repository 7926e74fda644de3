/* hvtest.mode=random: hypercalls with random input values, fast-call registers and parameter GPAs, each
 * checked for a defined HV_STATUS, a well-formed result value, untouched registers when it failed, and
 * untouched guest memory outside its output area (random.c). The pieces:
 *   random.c         the loop, the per-call checks, progress, the summary; bootargs hvtest.calls= / seed=
 *   random_gen.c     the pseudo-random generator and the call generator (input value, GPAs, blocks)
 *   random_memory.c  the checked memory (image, parameter pages, canaries) and its per-page hashes
 *   <arch>/random_arch.c  the raw call (input value and register block passed as generated) and the
 *                    guest's device windows
 * Everything a call is made from comes from the generator and the seed only (never from a result), so
 * hvtest.seed=S hvtest.calls=N replays the same N calls. */
#ifndef KARASU_GUEST_HVTEST_RANDOM_H
#define KARASU_GUEST_HVTEST_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/hvtest/hvtest.h"

/* ---- Generator (random_gen.c) ---- */

void rnd_seed(uint64_t seed);
uint64_t rnd_next(void);
uint64_t rnd_below(uint64_t n); /* 0..n-1; n > 0 */
bool rnd_chance(unsigned percent);

/* A guest-physical window: [base, base + size). */
struct random_window {
	uint64_t base, size;
	const char *what;
};

/* Where the generated GPAs aim (filled once by random.c before the first call). */
struct random_targets {
	uint64_t ram_base, ram_end;
	uint64_t image_start, image_end;      /* code, rodata, data */
	uint64_t canary_bss;                  /* a page-aligned canary array of the image's bss */
	uint64_t canary_ram, canary_ram_size; /* a canary in free RAM after the image and the DTB */
	uint64_t canary_end, canary_end_size; /* a canary at the very end of RAM */
	struct random_window devices[12];
	unsigned ndevices;
};

/* One generated call. */
struct random_call {
	uint64_t input; /* the 64-bit input value, exactly as passed */
	uint64_t regs
	    [HVTEST_FAST_REGS_MAX]; /* the register block (memory form: regs[0] = input GPA, [1] = output) */
	const char *in_kind, *out_kind; /* which GPA class was drawn (for the failure report) */
};

/* Draws the next call. May write a parameter block into page_in (the only memory it writes). */
void random_generate(const struct random_targets *t, struct random_call *c);

/* ---- Checked memory (random_memory.c) ---- */

/* Fills the canaries and hashes every checked page (once, before the first call). */
void random_memory_init(const struct random_targets *t);
/* Before a call: re-hash the pages the generator wrote (page_in), and remember the window the call may
 * write: [lo, hi) (lo == hi: none). */
void random_memory_before(uint64_t lo, uint64_t hi);
/* After the call: every checked page outside the window must hash as before. Returns the number of pages
 * that changed and stores the first one's address in *first (the hashes are then renewed, so one wild
 * write is reported once). */
unsigned random_memory_after(uint64_t *first);
/* Bytes checked per call (for the start line). */
uint64_t random_memory_checked_bytes(void);
/* The canary array in the image's bss (two pages). */
extern uint8_t random_canary_bss[2 * HVTEST_PAGE];

/* ---- Other calls through the same instruction (<arch>/random_transport.c) ---- */

/* One call that is not a karasu hypercall but arrives by the same trap: an SMCCC function id (PSCI, SMCCC
 * architecture, vendor) by HVC on arm64, an SBI extension by ECALL on RISC-V. */
struct random_other_call {
	uint64_t id, sub;  /* arm64: X0 (function id), 0; RISC-V: a7 (EID), a6 (FID) */
	uint64_t args[6];  /* arm64: X1..X6; RISC-V: a0..a5 */
	uint64_t ret[2];   /* X0, X1 / a0, a1 */
	unsigned redrawn;  /* calls drawn and dropped by the filter before this one */
	const char *fault; /* NULL, or the rule of the transport's specification the answer broke */
};
/* Draws one such call, skipping (and redrawing) those that legitimately stop, reset, suspend or re-enter
 * the caller or write its memory, makes it and checks its answer. */
void random_arch_other_call(const struct random_targets *t, struct random_other_call *c);

/* ---- Architecture (<arch>/random_arch.c) ---- */

/* The guest's device windows (UART, interrupt controller, virtio, ...); returns how many (<= max). */
unsigned random_arch_devices(struct random_window *w, unsigned max);

#endif
