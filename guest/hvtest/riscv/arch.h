/* hvtest on RISC-V (karasu-rv): an S-mode guest started by the SBI like a Linux kernel (a0 = hart id, a1 = the
 * DTB, satp = 0: physical addressing, interrupts off). The C code uses no FP registers (sstatus.FS stays
 * Off). Included by hvtest.h only. */
#ifndef KARASU_GUEST_HVTEST_RISCV_ARCH_H
#define KARASU_GUEST_HVTEST_RISCV_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* Fast hypercalls: a1..a5 (docs/abi.md "Transport on RISC-V"). Arrays stay HVTEST_FAST_REGS_MAX long so that
 * the shared cases can fill them the same way on both architectures. */
#define HVTEST_FAST_REGS       5u
#define HVTEST_FAST_REGS_MAX   16u
#define HVTEST_FAST_FIRST_REG  1u /* a1 */
#define HVTEST_FAST_REG_PREFIX "a"

/* The SINT's interrupt: local interrupt 20, bit 20 of sip/sie (docs/synic.md); and how the case names call
 * it. */
#define HVTEST_SINT_VECTOR          20u
#define HVTEST_SINT_VECTOR_NAME     "local interrupt 20"
#define HVTEST_SINT_TAKEN_NAME      "interrupt 20 in S-mode (scause = interrupt | 20)"
#define HVTEST_SINT_RAISES_NAME     "local interrupt 20"
#define HVTEST_SINT_BAD_VECTOR_NAME "vector 40 (not a local interrupt 16..31)"

/* QEMU virt's layout (karasu-rv's too); only used if the DTB is unreadable. */
#define HVTEST_ARCH_PLATFORM_FIELDS                                                                        \
	unsigned uart_reg_shift;         /* the ns16550a's reg-shift: register n at base + (n << shift) */ \
	uint64_t timebase_hz;            /* /cpus timebase-frequency: the rate of the time CSR */          \
	uint64_t plic_base, plic_size;   /* "riscv,plic0" */                                               \
	uint64_t clint_base, clint_size; /* "riscv,clint0" */                                              \
	uint64_t test_base;              /* "sifive,test0": power-off / reset device */
#define HVTEST_FALLBACK_UART 0x10000000u
#define HVTEST_ARCH_PLATFORM_DEFAULTS                                               \
	.timebase_hz = 10000000u, .plic_base = 0x0c000000u, .plic_size = 0x600000u, \
	.clint_base = 0x02000000u, .clint_size = 0x10000u, .test_base = 0x100000u

/* Zihintpause PAUSE (a FENCE with pred = W, succ = 0: a plain fence where the extension is absent);
 * karasu-rv gives the host CPU to other harts on it. */
static inline void cpu_relax(void)
{
	__asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010");
}

/* Orders the guest's own memory accesses before what follows (a hypercall, another hart's reads). */
static inline void memory_barrier(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

#define HVTEST_STR(x)  #x
#define HVTEST_XSTR(x) HVTEST_STR(x)
#define csr_read(csr)                                                      \
	({                                                                 \
		uint64_t v_;                                               \
		__asm__ volatile("csrr %0, " HVTEST_XSTR(csr) : "=r"(v_)); \
		v_;                                                        \
	})
#define csr_write(csr, v) __asm__ volatile("csrw " HVTEST_XSTR(csr) ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_set(csr, v)   __asm__ volatile("csrs " HVTEST_XSTR(csr) ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " HVTEST_XSTR(csr) ", %0" ::"r"((uint64_t)(v)) : "memory")

/* Privileged-spec facts the RISC-V code shares. */
#define SSTATUS_SIE       (1ull << 1)
#define SSTATUS_SPIE      (1ull << 5)
#define SSTATUS_SPP       (1ull << 8)
#define SCAUSE_INTERRUPT  (1ull << 63)
#define CAUSE_FETCH_FAULT 1u
#define CAUSE_ILLEGAL     2u
#define CAUSE_BREAKPOINT  3u
#define CAUSE_LOAD_FAULT  5u
#define CAUSE_STORE_FAULT 7u
#define CAUSE_ECALL_U     8u
#define CAUSE_ECALL_S     9u

/* An SBI call (SBI specification 2.0: a7 = EID, a6 = FID, a0..a5 arguments; a0 = error, a1 = value). */
struct sbiret {
	int64_t error;
	uint64_t value;
};
struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

#define SBI_EXT_BASE              0x10u
#define SBI_EXT_HSM               0x48534du
#define SBI_EXT_SRST              0x53525354u
#define SBI_SUCCESS               0
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_INVALID_ADDRESS   (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_HSM_HART_START        0u
#define SBI_HSM_HART_STOP         1u
#define SBI_HSM_HART_GET_STATUS   2u
#define SBI_HSM_STARTED           0
#define SBI_HSM_STOPPED           1
#define SBI_SRST_RESET            0u /* the SRST extension's only function */
#define SBI_SRST_SHUTDOWN         0u
#define SBI_SRST_COLD_REBOOT      1u
#define SBI_SRST_REASON_NONE      0u
#define SBI_SRST_REASON_FAILURE   1u

/* Synchronous exceptions (traps.c). While a fault is expected, an exception is recorded and the faulting
 * instruction skipped; otherwise it is reported and the test stops. */
struct fault_record {
	volatile bool taken;
	volatile uint64_t scause, stval, sepc;
	volatile bool from_user;      /* sstatus.SPP was 0: the trap came from U-mode */
	volatile uint64_t a0, a6, a7; /* the argument registers as the trap found them (ECALL cases) */
};
extern struct fault_record last_fault;
void expect_fault_begin(void);
/* The same for a call through a function pointer that faults on the fetch: the handler returns to the
 * caller (sepc = ra) instead of skipping the instruction. */
void expect_fault_begin_return(void);
void expect_fault_end(void);

/* An S-mode interrupt with this code (scause without the interrupt bit): true if it was the SynIC's, which is
 * then acknowledged and handled (synic_irq.c). */
bool synic_irq_handle(uint64_t code);

/* U-mode (umode.S): runs fn in U-mode with a0 = arg, a1 = result and sp = sp until fn makes the "done" ECALL
 * (a7 = HVTEST_UMODE_DONE), then returns here in S-mode. An exception fn takes in U-mode is handled like one
 * in S-mode (expect_fault_begin). */
#define HVTEST_UMODE_DONE 0x48565544u /* "HVUD": not an SBI extension id */
void hvtest_run_umode(void (*fn)(void), uint64_t sp, uint64_t arg, uint64_t *result);

/* RISC-V case groups. */
void cases_sbi(void);
void cases_hsm(void);
void cases_faults(void);
void cases_hostile_phys(void);
void cases_hostile_csr(void);
void cases_hostile_sbi(void);
void cases_hostile_umode(void);

/* The boot hart's id (a0 at entry; start.S). */
extern uint64_t hvtest_boot_hart;
/* Entry of a hart started by SBI HSM hart_start with opaque = (stack slot 0..3 << 32) | cookie (start.S);
 * it calls hvtest_secondary_main(hartid, opaque) (cases_hsm.c). */
void hvtest_secondary_entry(void);
/* Entry that counts itself in hsm_storm_starts and stops the hart again (start.S; cases_hostile_sbi.c). */
void hsm_storm_entry(void);
extern volatile uint32_t hsm_storm_starts;

#endif
