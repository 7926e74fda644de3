/* The hart and RAM state the system-mode fuzzer compares between the interpreter and the translator:
 * loading a rendered program into the test machine, capturing what a run left, comparing and
 * printing. */
#ifndef KARASU_TESTS_FUZZ_SYS_STATE_H
#define KARASU_TESTS_FUZZ_SYS_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rv/system/machine.h"
#include "tests/fuzz/sys_gen.h"
#include "tests/fuzz/sys_layout.h"

/* Compared CSRs (their values as the guest would read them; minstret exactly, both engines count). */
enum sys_csr_index {
	SC_MSTATUS,
	SC_MEDELEG,
	SC_MIDELEG,
	SC_MIE,
	SC_MIP,
	SC_MTVEC,
	SC_STVEC,
	SC_MEPC,
	SC_SEPC,
	SC_MCAUSE,
	SC_SCAUSE,
	SC_MTVAL,
	SC_STVAL,
	SC_MSCRATCH,
	SC_SSCRATCH,
	SC_SATP,
	SC_MCOUNTEREN,
	SC_SCOUNTEREN,
	SC_MCOUNTINHIBIT,
	SC_MENVCFG,
	SC_SENVCFG,
	SC_STIMECMP,
	SC_MINSTRET,
	SC_PMPCFG0,
	SC_PMPCFG2,
	SC_PMPADDR0,
	SC_COUNT = SC_PMPADDR0 + 16
};

struct sys_final {
	int stop; /* rv_test_machine_run's result: enum rv_machine_state, or -1 (timed out) */
	int exit_code;
	uint64_t x[32], f[32], pc;
	uint32_t fflags, frm;
	unsigned priv;
	uint8_t resv_valid;
	uint64_t resv_addr;
	bool wfi;
	uint64_t insn_count;
	uint64_t csr[SC_COUNT];
	uint8_t *ram; /* SYS_RAM_SIZE bytes, owned by the caller */
	uint8_t mmio[SYS_MMIO_SIZE];
};

/* Adds the fuzzer's device page (sys_layout.h) to the machine's bus; false if it cannot. */
bool sys_state_attach_device(struct rv_machine *m);

/* Puts the test machine into the program's initial state (hart 0 at the program's start in M-mode). */
void sys_state_load(struct rv_machine *m, const struct sys_image *img);
/* Copies what the run left (hart 0, RAM) into f (f->ram must be allocated). */
void sys_state_capture(struct rv_machine *m, int stop, struct sys_final *f);
/* Number of differences; printed (interpreter first) when out is not NULL. With ignore_instret, minstret,
 * the instructions retired and the instret the trap log holds are not compared. */
int sys_state_compare(const struct sys_final *interp, const struct sys_final *jit, bool ignore_instret,
                      FILE *out);
/* The trap log a run left in the handler data page. */
void sys_state_print_log(const struct sys_final *f, FILE *out);
/* Traps the run took (the handlers' count). */
uint64_t sys_state_trap_count(const struct sys_final *f);
/* The rendered program, disassembled, with its segments and items marked. */
void sys_state_print_program(const struct sys_program *p, const struct sys_image *img, FILE *out);
/* Initial registers and CSRs the fuzzer set. */
void sys_state_print_initial(const struct sys_image *img, FILE *out);

#endif
