/* hvtest: a bare-metal guest that checks karasu's guest interface through real hypercalls and real faults,
 * built from one set of sources for both engines:
 *   arm64  (karasu-hv)  an EL1 guest, hypercalls through HVC #0 (SMCCC), PSCI, the vGIC    -> hvtest.bin
 *   RISC-V (karasu-rv)  an S-mode guest, hypercalls through ECALL (SBI vendor extension 0x094B5255),
 *                       SBI HSM/SRST, local interrupts                                      -> hvtest-rv.bin
 * Each case prints one result line; the run ends with a summary line and powers the partition off.
 *
 * Output lines (the runners and tests/integration/test-hv-*.sh, test-rv-hvtest.sh read them):
 *   HVTEST-START name=NAME
 *   HVTEST-GROUP name=GROUP scope=shared|arch   the cases up to the next GROUP line belong to GROUP
 *   HVTEST PASS <n> <what>
 *   HVTEST FAIL <n> <what>: <details>
 *   HVTEST-END name=NAME passed=P failed=F
 *   P passed, F failed
 *
 * Shared and per-architecture code. A group with scope=shared is the same source, and prints the same case
 * names in the same order, on both architectures: tests/integration/test-rv-hvtest.sh compares such groups
 * case by case between karasu-hv and karasu-rv (the dispatcher in lib/hypercall*.c is shared, so every answer
 * must be the same). scope=arch cases are checked on their own architecture only. A RISC-V group whose name
 * ends in ".karasu" holds only under karasu (hypercalls, karasu-rv's own machine and SBI choices); the other
 * RISC-V groups also run on QEMU with OpenSBI (hvtest.mode=arch, hostile-arch), the reference for their
 * expected values.
 *
 *   guest/hvtest/          shared: main.c (mode dispatch), output.c (result lines), fdt_scan.c (the DTB walk,
 *                          with a per-arch device table), and the groups
 *     ram                  shared      guest RAM outside the image and the DTB reads as zero (cases_ram.c)
 *     input_value          shared      TLFS input-value rules, every RsvdZ bit, rep rules, GPA alignment,
 *                                      page crossing, GPAs outside RAM, unknown codes (cases_input_value.c)
 *     vp_registers         shared      Get/SetVpRegisters (cases_vp_registers.c)
 *     fast_calls           arch scope, shared source: the register block differs (arm64 X2..X17, 128 bytes;
 *                                      RISC-V a1..a5, 40 bytes), so the names and which calls fit differ;
 *                                      the cases are derived from HVTEST_FAST_REGS (cases_fast_calls.c)
 *     messages             shared      PostMessage / SignalEvent parameter checks (cases_messages.c)
 *     synic                shared      SynIC registers, messages, events (cases_synic.c); the few cases that
 *                                      name the interrupt (PPI/IRQ at EL1 vs local interrupt in S-mode) are
 *                                      in "synic.irq" (arch); the interrupt plumbing is <arch>/synic_irq.c
 *     bench                shared      hvtest.mode=bench: the round-trip time of a hypercall (bench.c), printed
 *                                      as HVTEST-BENCH lines for bench/hypercall
 *     random               shared      hvtest.mode=random: hvtest.calls= random hypercalls, every result,
 *                                      register and watched memory page checked (random.h)
 *     heartbeat            shared      hvtest.mode=heartbeat: the witness of the random run (heartbeat.c)
 *     hostile_gpa          shared      hostile hypercall GPAs (cases_hostile_gpa.c); the GPAs of the guest's
 *                                      own devices ("hostile_gpa.devices", from <arch>/hostile_gpa.c) and
 *                                      karasu-hv's image address ("hostile_gpa.image", arm64 only) are arch
 *   guest/hvtest/arm64/    entry (Image header, PSCI CPU_ON entry), vectors and exception handling, EL0
 *                          runner, PL011 console, PSCI SYSTEM_OFF, the HVC/SMC stubs; groups: entry, smccc,
 *                          psci, aborts; hostile: stage2, mmio, vgic, psci, sysreg, el0; terminal actions
 *                          (act:NAME) and virtio abuse
 *   guest/hvtest/riscv/    entry (RISC-V Image header, SBI HSM hart_start entry), trap handling, U-mode
 *                          runner, ns16550a console, SBI SRST power-off, the ECALL stub; groups: entry, sbi,
 *                          hsm, faults (access faults); hostile: phys (wild physical accesses), csr (M-mode
 *                          and H CSRs from S-mode, MRET, satp WARL), umode (ECALL and faults from U-mode),
 *                          sbi (hostile SBI calls); terminal action act:off
 *
 * A value that genuinely differs per engine is a constant of guest/hvtest/<arch>/arch.h (HVTEST_FAST_REGS,
 * the SINT vector), never a copy of a case.
 */
#ifndef KARASU_GUEST_HVTEST_HVTEST_H
#define KARASU_GUEST_HVTEST_HVTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HVTEST_MAX_CPUS 4u
#define HVTEST_PAGE     4096u

#if defined(__aarch64__)
#include "guest/hvtest/arm64/arch.h"
#elif defined(__riscv) && __riscv_xlen == 64
#include "guest/hvtest/riscv/arch.h"
#else
#error "hvtest is built for aarch64 or riscv64"
#endif

/* What the guest DTB told us (fdt_scan.c). */
struct hvtest_platform {
	uint64_t uart_base;
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	uint64_t
	    cpu_id[HVTEST_MAX_CPUS]; /* reg of each /cpus/cpu@N: the MPIDR (arm64), the hart id (RISC-V) */
	char name[32];               /* karasu.name= from /chosen/bootargs, else "hvtest" */
	/* hvtest.mode= from /chosen/bootargs: "" runs the standard cases; "hostile" the hostile cases; "act:NAME"
	 * one action that ends the guest (<arch>/cases_hostile_terminal.c); "synic", "synic-send", "synic-recv"
	 * the SynIC cases (cases_synic.c); "random" random hypercalls (random.c); "heartbeat" a witness that
	 * prints numbered lines (heartbeat.c); "arch" and "hostile-arch" only the architecture's groups of the
	 * standard and the hostile run (no hypercalls: they also run without karasu, e.g. on QEMU, as the
	 * reference for the architecture's expected values). */
	char mode[32];
	/* /chosen/bootargs itself, inside the DTB (NULL if absent): modes read their numeric parameters from it
	 * (bootarg_u64) before they do anything that may write guest RAM. */
	const char *bootargs;
	uint32_t bootargs_len;
	HVTEST_ARCH_PLATFORM_FIELDS
};
extern struct hvtest_platform plat;

/* A device node of the DTB (fdt_scan.c): matched by a string of its compatible list, or by the prefix of its
 * node name, at depth 1 or 2 (under /soc); its first two reg entries go to the non-NULL destinations. */
struct fdt_device {
	const char *compatible;
	const char *name_prefix; /* NULL: compatible only */
	uint64_t *base0, *size0, *base1, *size1;
};
/* The architecture's devices (the console first); *n = how many. */
const struct fdt_device *arch_fdt_devices(unsigned *n);
/* Every other property of every node: node is the node's name, device the index of the arch_fdt_devices entry
 * the node matched so far (-1: none). */
void arch_fdt_property(const char *node, int depth, int device, const char *prop, const uint8_t *val,
                       uint32_t len);
uint32_t fdt_be32(const uint8_t *p);

/* Fills plat from the DTB; returns false (plat keeps its defaults) if there is none. */
bool fdt_scan(const void *dtb);

/* Console (<arch>/console.c, output.c): the UART at plat.uart_base. */
void console_init(uint64_t uart_base);
void console_putc(char c);
void out_init(uint64_t uart_base);
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Results (output.c). */
enum case_scope {
	SCOPE_SHARED, /* same source and case names on both architectures: compared across engines */
	SCOPE_ARCH,   /* this architecture only */
};
void case_group(const char *name, enum case_scope scope);
/* hvtest.mode=bench: hypercall round-trip times (bench.c). */
void bench_hypercalls(void);
/* hvtest.mode=random: random hypercalls, each checked (random.c); hvtest.calls=N, hvtest.seed=S. */
void random_hypercalls(const void *dtb);
/* hvtest.mode=heartbeat: a numbered line every hvtest.beat_ms (250) with a hypercall and a check of the
 * guest's own image, hvtest.beats times (0: for ever) -- the witness next to a hostile guest (heartbeat.c). */
void heartbeat(void);
/* The number of "KEY" (e.g. "hvtest.calls=") in /chosen/bootargs (plat.bootargs): false if absent or
 * malformed (fdt_scan.c). */
bool bootarg_u64(const char *key, uint64_t *out);
void check(bool ok, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void check_eq(const char *what, uint64_t got, uint64_t want);
unsigned cases_failed(void);
/* Prints the summary lines (HVTEST-END ...). */
void report_end(void);

/* A TLFS hypercall in memory form: returns the result value (<arch>/hypercall.c). */
uint64_t hypercall(uint64_t input, uint64_t in_gpa, uint64_t out_gpa);
/* Fast form: regs[0..HVTEST_FAST_REGS-1] = the register block (arm64 X2..X17, RISC-V a1..a5) in and out.
 * Returns the result value. */
uint64_t hypercall_fast(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX]);
/* The hypercall instruction with the input value as given (the fast bit too, or not) and the whole register
 * block in and out: what hypercall_fast is made of, for callers that choose every bit themselves. */
uint64_t hypercall_raw(uint64_t input, uint64_t regs[HVTEST_FAST_REGS_MAX]);

/* Page-aligned parameter pages (two each, so a block can be placed across a page boundary). */
extern uint8_t page_in[2 * HVTEST_PAGE], page_out[2 * HVTEST_PAGE];
/* The partition id GetPartitionId returned (cases_input_value.c). */
extern uint64_t own_partition_id;

/* Counter helpers (<arch>/platform.c). */
uint64_t now_ticks(void);
uint64_t ticks_per_ms(void);

/* Start-up (<arch>/platform.c): prints what the platform looks like, then the entry checks (the DTB register,
 * the load address, the privilege level); false if the cases cannot run. */
bool arch_entry_checks(const void *dtb, bool have_dtb, uintptr_t running_at);
/* The architecture's groups of the standard run (after the shared ones) and of the hostile run. */
void arch_standard_cases(void);
void arch_hostile_cases(void);

/* Shared case groups. */
void cases_input_value(void);
void cases_vp_registers(void);
void cases_fast_calls(void);
void cases_messages(void);
/* Guest RAM outside the image and the DTB reads as zero (cases_ram.c). */
void cases_ram(const void *dtb);
/* SynIC messages and events (hvtest.mode=synic, synic-send, synic-recv; cases_synic.c). */
void cases_synic(void);
/* Hostile hypercall GPAs (hvtest.mode=hostile; cases_hostile_gpa.c). */
void cases_hostile_gpa(void);

/* What cases_hostile_gpa.c needs from the architecture: the guest's own device windows as hypercall GPAs
 * (each must be refused), and the arch's own extra GPA cases (arm64: karasu-hv's image address). */
enum hostile_gpa_use {
	GPA_PARTITION_ID_OUTPUT, /* GetPartitionId's output GPA */
	GPA_VP_REGISTERS_INPUT,  /* GetVpRegisters' input GPA */
	GPA_VP_REGISTERS_OUTPUT, /* GetVpRegisters' output GPA */
};
struct hostile_gpa_target {
	enum hostile_gpa_use use;
	uint64_t gpa;
	const char *what;
};
/* Fills t (room for max) and returns how many. */
unsigned arch_hostile_gpa_devices(struct hostile_gpa_target *t, unsigned max);
/* MMIO pages a SynIC page register must refuse (detail names in what[]); returns how many (at most max). */
unsigned arch_mmio_pages(uint64_t *gpa, const char **what, unsigned max);
void arch_hostile_gpa_extra(void);

/* SynIC interrupt plumbing (<arch>/synic_irq.c). The SINT is HVTEST_SINT_VECTOR (a PPI on arm64, a local
 * interrupt on RISC-V); the arch handler acknowledges it and calls synic_irq_taken(vector). */
void arch_synic_irq_prepare(void); /* route and enable the SINT's interrupt at the controller */
void arch_synic_irqs_on(void);     /* take interrupts from now on */
void arch_synic_irqs_off(void);
void arch_synic_irq_release(void); /* disable the SINT's interrupt again */
void synic_irq_taken(uint64_t vector);

/* Performs the terminal action NAME (hvtest.mode=act:NAME; <arch>/cases_hostile_terminal.c). */
enum hostile_action_result {
	ACTION_UNKNOWN,           /* no such action */
	ACTION_SHOULD_HAVE_ENDED, /* karasu should have stopped (or restarted) the guest, but it runs on */
	ACTION_CHECKED,           /* the action made its own checks; the guest ends normally */
};
enum hostile_action_result hostile_terminal_action(const char *name);

_Noreturn void power_off(void);

#endif
