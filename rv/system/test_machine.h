/* A minimal system-mode machine for tests (the differential fuzzer, unit tests): guest RAM at
 * RV_VIRT_RAM_BASE and harts in their reset state, and nothing else - no boot payload, no devices on the
 * bus (callers may add their own with rv_bus_add on m->bus before running), no timer thread, no console.
 * Firmware is RV_FW_NONE: every trap goes to the guest's own handlers, as on real hardware.
 *
 * The harts run on the real run loop (rv/system/run.c: one host thread per hart, exits handled as in a
 * booted machine), with the translator or the interpreter. A run ends when the guest stops the machine
 * through HTIF (a store of 1 to m->tohost, which the caller sets: HTIF needs no device) or after a
 * timeout.
 *
 * Without a timer thread, mtime still advances (the time CSR reads host time), but nothing raises MTIP
 * and STIP is only evaluated when stimecmp or menvcfg is written: a test that wants deterministic
 * behaviour keeps stimecmp in the far future and does not read time or cycle. */
#ifndef KARASU_RV_SYSTEM_TEST_MACHINE_H
#define KARASU_RV_SYSTEM_TEST_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rv/system/machine.h"

/* Builds the machine: harts (1..RV_VIRT_MAX_HARTS) at reset in M-mode with pc = RV_VIRT_RAM_BASE, RAM
 * of ram_size bytes (a multiple of the page size) zeroed. log receives karasu-rv's own messages. Returns
 * NULL with a one-line reason in err. */
struct rv_machine *rv_test_machine_create(unsigned harts, uint64_t ram_size, FILE *log, char *err,
                                          size_t errlen);
void rv_test_machine_destroy(struct rv_machine *m);

/* Puts the machine back to its state right after rv_test_machine_create, except for RAM (left as it
 * is): every hart re-initialised at reset with pc = reset_pc (registers zero, CSRs at reset, TLB empty,
 * instret 0), nothing known about translated code, the machine running again. */
void rv_test_machine_reset(struct rv_machine *m, uint64_t reset_pc);

/* Runs every hart on the run loop until the machine stops, with the translator (use_jit) or the
 * interpreter; the translators are created for the run and destroyed after it. Returns the
 * enum rv_machine_state the machine stopped in, or -1 when it was still running after timeout_ms (it
 * is then stopped, and its state is whatever the harts had reached). */
int rv_test_machine_run(struct rv_machine *m, bool use_jit, unsigned timeout_ms);

#endif
