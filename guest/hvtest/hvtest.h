/* hvtest: a bare-metal EL1 guest that checks karasu-hv's guest interface through real HVC calls (the TLFS
 * hypercall ABI of include/karasu/hv.h, the vendor UID query, PSCI) and real faults. Each case prints one
 * result line; the run ends with a summary line and PSCI SYSTEM_OFF.
 *
 * Output lines (the runner and tests/integration/test-hv-hvtest.sh read them):
 *   HVTEST-START name=NAME
 *   HVTEST PASS <n> <what>
 *   HVTEST FAIL <n> <what>: <details>
 *   HVTEST-END name=NAME passed=P failed=F
 *   P passed, F failed
 * Runs with the MMU off: data accesses are Device memory, so everything is compiled with -mstrict-align and
 * no code relies on exclusive loads/stores.
 */
#ifndef KARASU_GUEST_HVTEST_HVTEST_H
#define KARASU_GUEST_HVTEST_HVTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HVTEST_MAX_CPUS 4u
#define HVTEST_PAGE     4096u

/* What the guest DTB told us (fdt_scan.c). */
struct hvtest_platform {
	uint64_t uart_base;
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	uint64_t cpu_mpidr[HVTEST_MAX_CPUS];
	bool psci_smc; /* method = "smc" (else hvc) */
	char name[32]; /* karasu.name= from /chosen/bootargs, else "hvtest" */
	/* hvtest.mode= from /chosen/bootargs: "" runs the standard cases; "hostile" the hostile cases
	 * (cases_hostile*.c); "act:NAME" one action that ends the guest (cases_hostile_terminal.c);
	 * "synic", "synic-send", "synic-recv" the SynIC cases (cases_synic.c). */
	char mode[32];
	uint64_t gicd_base, gicd_size; /* the "arm,gic-v3" node's first two reg entries */
	uint64_t gicr_base, gicr_size;
};
extern struct hvtest_platform plat;

/* Fills plat from the DTB; returns false (plat keeps its defaults) if there is none. */
bool fdt_scan(const void *dtb);

/* Console (console.c): PL011 at plat.uart_base. */
void out_init(uint64_t uart_base);
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Results (main.c). */
void check(bool ok, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void check_eq(const char *what, uint64_t got, uint64_t want);

/* SMCCC conduits (start.S): X0..X17 in, X0..X17 out. */
struct hvc_regs {
	uint64_t x[18];
};
void hvtest_hvc(struct hvc_regs *r);
void hvtest_smc(struct hvc_regs *r);

/* A TLFS hypercall in memory form: returns the result value (X0). */
uint64_t hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa);
/* Fast form: regs[0..15] = X2..X17 in and out. Returns the result value. */
uint64_t hypercall_fast(uint64_t input, uint64_t regs[16]);
/* A PSCI call through the conduit the DTB names. */
int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/* Synchronous exceptions (exceptions.c). While a fault is expected, a synchronous exception is recorded
 * and the faulting instruction skipped; otherwise it is reported and the test stops. */
struct fault_record {
	volatile bool taken;
	volatile uint64_t esr, far, elr;
	volatile uint64_t kind; /* vector: 4 = current EL (SPx), 8 = lower EL (EL0) */
};
extern struct fault_record last_fault;
void expect_fault_begin(void);
/* The same for a call through a function pointer that faults on the fetch: the handler returns to the
 * caller (ELR = LR) instead of skipping the instruction. */
void expect_fault_begin_return(void);
void expect_fault_end(void);

/* EL0 (el0.S): runs fn at EL0t with x0 = arg, x1 = result and SP_EL0 = sp until fn executes SVC #0, then
 * returns here at EL1. An exception fn takes at EL0 is handled like one at EL1 (expect_fault_begin). */
void hvtest_run_el0(void (*fn)(void), uint64_t sp, uint64_t arg, uint64_t *result);

/* Page-aligned parameter pages (two each, so a block can be placed across a page boundary). */
extern uint8_t page_in[2 * HVTEST_PAGE], page_out[2 * HVTEST_PAGE];
/* The partition id GetPartitionId returned (cases_input_value.c). */
extern uint64_t own_partition_id;

/* Counter helpers. */
uint64_t now_ticks(void);
uint64_t ticks_per_ms(void);

/* Case groups. */
void cases_input_value(void);
void cases_vp_registers(void);
void cases_fast_calls(void);
void cases_messages(void);
void cases_smccc(void);
void cases_psci(void);
void cases_aborts(void);
/* Guest RAM outside the image and the DTB reads as zero (cases_ram.c). */
void cases_ram(const void *dtb);
/* SynIC messages and events (hvtest.mode=synic, synic-send, synic-recv; cases_synic.c). */
void cases_synic(void);
/* Hostile guest (hvtest.mode=hostile / act:NAME). */
void cases_hostile_gpa(void);
void cases_hostile_stage2(void);
void cases_hostile_mmio(void);
void cases_hostile_vgic(void);
void cases_hostile_psci(void);
void cases_hostile_sysreg(void);
void cases_hostile_el0(void);
/* Performs the action NAME (cases_hostile_terminal.c). */
enum hostile_action_result {
	ACTION_UNKNOWN,           /* no such action */
	ACTION_SHOULD_HAVE_ENDED, /* karasu should have stopped (or restarted) the guest, but it runs on */
	ACTION_CHECKED,           /* the action made its own checks; the guest ends normally */
};
enum hostile_action_result hostile_terminal_action(const char *name);
/* virtio-blk abuse (cases_hostile_virtio.c). */
enum hostile_virtio_role {
	VIRTIO_BAD_REQUESTS, /* broken requests to the guest's own device */
	VIRTIO_HAMMER,       /* many long-chain reads, while another guest uses its own disk */
	VIRTIO_VICTIM,       /* reads and checks its own disk, while another guest hammers */
};
void hostile_virtio(enum hostile_virtio_role role);

/* Secondary vCPU hand-shake (cases_psci.c). */
void hvtest_secondary_entry(void);

_Noreturn void power_off(void);

#endif
