/* hvtest on arm64 (karasu-hv): an EL1 guest with the MMU off, so data accesses are Device memory: everything
 * is compiled with -mstrict-align and no code relies on exclusive loads/stores. Included by hvtest.h only. */
#ifndef KARASU_GUEST_HVTEST_ARM64_ARCH_H
#define KARASU_GUEST_HVTEST_ARM64_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Fast hypercalls: X2..X17 (docs/abi.md "Fast calls"). */
#define HVTEST_FAST_REGS       16u
#define HVTEST_FAST_REGS_MAX   16u
#define HVTEST_FAST_FIRST_REG  2u /* X2 */
#define HVTEST_FAST_REG_PREFIX "X"

/* The SINT's interrupt: a PPI (docs/synic.md); and how the case names call it. */
#define HVTEST_SINT_VECTOR          20u
#define HVTEST_SINT_VECTOR_NAME     "PPI 20"
#define HVTEST_SINT_TAKEN_NAME      "IRQ 20 at EL1"
#define HVTEST_SINT_RAISES_NAME     "IRQ 20"
#define HVTEST_SINT_BAD_VECTOR_NAME "vector 40 (not a PPI)"

/* Where karasu puts every guest's vPL011 and vGIC (hv/core/partition.h); only used if the DTB is unreadable. */
#define HVTEST_ARCH_PLATFORM_FIELDS                                                              \
	bool psci_smc;                 /* PSCI method = "smc" (else hvc) */                      \
	uint64_t gicd_base, gicd_size; /* the GIC node's first reg entry: the distributor */     \
	uint64_t gicr_base, gicr_size; /* "arm,gic-v3": the redistributors (second reg entry) */ \
	uint64_t gicc_base, gicc_size; /* "arm,cortex-a15-gic" (GICv2): the CPU interface (second entry) */
#define HVTEST_FALLBACK_UART 0x09000000u
#define HVTEST_ARCH_PLATFORM_DEFAULTS \
	.gicd_base = 0x08000000u, .gicd_size = 0x10000, .gicr_base = 0x080a0000u, .gicr_size = 0x20000

/* The guest's GIC is a GICv2 (its devicetree has an "arm,cortex-a15-gic" node with a CPU interface): the case
 * groups that program the GIC then run their GICv2 variants. */
#define gic_is_v2() (plat.gicc_base != 0)

static inline void cpu_relax(void)
{
	__asm__ volatile("yield");
}

/* Orders the guest's own memory writes before what follows (a hypercall, another vCPU's reads). */
static inline void memory_barrier(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/* SMCCC conduits (start.S): X0..X17 in, X0..X17 out. */
struct hvc_regs {
	uint64_t x[18];
};
void hvtest_hvc(struct hvc_regs *r);
void hvtest_smc(struct hvc_regs *r);

/* A PSCI call through the conduit the DTB names (platform.c). */
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

/* arm64 case groups. */
void cases_smccc(void);
void cases_psci(void);
void cases_aborts(void);
void cases_hostile_stage2(void);
void cases_hostile_mmio(void);
void cases_hostile_vgic(void);
void cases_hostile_vgic_v2(void); /* the GICv2 variant, called by cases_hostile_vgic */
void cases_hostile_psci(void);
void cases_hostile_sysreg(void);
void cases_hostile_el0(void);
/* virtio-blk abuse (cases_hostile_virtio.c). */
enum hostile_virtio_role {
	VIRTIO_BAD_REQUESTS, /* broken requests to the guest's own device */
	VIRTIO_HAMMER,       /* many long-chain reads, while another guest uses its own disk */
	VIRTIO_VICTIM,       /* reads and checks its own disk, while another guest hammers */
};
void hostile_virtio(enum hostile_virtio_role role);

/* Secondary vCPU hand-shake (start.S, cases_psci.c). */
void hvtest_secondary_entry(void);

#endif
