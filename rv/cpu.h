/* karasu-rv: the state of one RISC-V hart (one guest thread in user mode, one hart in system mode).
 *
 * Translated code addresses this block through a fixed host register; it must use offsetof() on the
 * fields, never hard-coded offsets. Fields may be added at the end of any group compatibly. */
#ifndef KARASU_RV_CPU_H
#define KARASU_RV_CPU_H

#include <stdint.h>

/* Why a run of guest code stopped. cpu->pc is the instruction that caused it (for ECALL/EBREAK the
 * ecall/ebreak itself: the runtime advances pc after handling the call). */
enum rv_exit {
	RV_EXIT_NONE = 0,  /* no exit: keep going (returned by single-instruction helpers) */
	RV_EXIT_ECALL,     /* environment call: Linux syscall in user mode */
	RV_EXIT_EBREAK,    /* breakpoint: SIGTRAP, or the end of a --bare run */
	RV_EXIT_ILLEGAL,   /* illegal/reserved encoding, bad rounding mode, unknown CSR: SIGILL */
	RV_EXIT_FAULT,     /* memory access outside the guest's mappings: fault_addr/fault_kind set */
	RV_EXIT_HALT,      /* control reached cpu->exit_pc (bare mode: the program returned) */
	RV_EXIT_FENCE_I,   /* fence.i executed (pc = the NEXT instruction): translated code may be stale */
	RV_EXIT_LIMIT,     /* the instruction budget of a run ran out (pc = next instruction to run) */
	RV_EXIT_INTERRUPT, /* the runtime asked the hart to stop (cpu->interrupt_request): signals */
	/* System mode only: */
	RV_EXIT_TRAP,  /* a synchronous exception other than a memory fault: cpu->trap_cause, tval in
	                * cpu->fault_addr; pc = the instruction */
	RV_EXIT_STATE, /* the hart's privileged state changed (xRET, a CSR write, sfence.vma, wfi): pc = where
	                * to go on; the runtime re-evaluates mode, translation and pending interrupts */
	RV_EXIT_COUNT
};

/* cpu->fault_kind: what the faulting access was. In system mode RV_EXIT_FAULT also sets cpu->trap_cause
 * (the exception the access raises: page fault, access fault, misaligned) and fault_addr is its tval. */
enum rv_fault_kind {
	RV_FAULT_LOAD = 0,
	RV_FAULT_STORE = 1,      /* also AMOs and SC */
	RV_FAULT_FETCH = 2,      /* instruction fetch */
	RV_FAULT_MISALIGNED = 3, /* misaligned LR/SC/AMO: SIGBUS (BUS_ADRALN) like Linux */
	RV_FAULT_BUS = 4         /* host SIGBUS on a mapped page (past the end of a mapped file): SIGBUS */
};

/* fflags bits (fcsr[4:0]). */
#define RV_FFLAG_NX    (1u << 0) /* inexact */
#define RV_FFLAG_UF    (1u << 1) /* underflow */
#define RV_FFLAG_OF    (1u << 2) /* overflow */
#define RV_FFLAG_DZ    (1u << 3) /* divide by zero */
#define RV_FFLAG_NV    (1u << 4) /* invalid */
#define RV_FFLAGS_MASK 0x1fu

/* Rounding modes (instruction rm field and frm). */
enum rv_round {
	RV_RM_RNE = 0, /* to nearest, ties to even */
	RV_RM_RTZ = 1, /* toward zero */
	RV_RM_RDN = 2, /* down (toward -inf) */
	RV_RM_RUP = 3, /* up (toward +inf) */
	RV_RM_RMM = 4, /* to nearest, ties to max magnitude */
	RV_RM_DYN = 7  /* instruction field only: use frm */
};

/* Guest page permissions kept by the runtime for every guest page (cpu->page_prot[addr >> 12]). */
#define RV_PAGE_SHIFT 12
#define RV_PAGE_SIZE  (1ull << RV_PAGE_SHIFT)
#define RV_PROT_READ  0x1u
#define RV_PROT_WRITE 0x2u
#define RV_PROT_EXEC  0x4u

struct rv_mem_ops;  /* rv/mem/mem.h */
struct rv_priv_ops; /* rv/interp/interp.h */
struct rv_tlb;      /* rv/mem/tlb.h */

struct rv_cpu {
	/* Architectural state. */
	uint64_t x[32]; /* x[0] always reads 0 (writes are discarded) */
	uint64_t f[32]; /* raw FP registers; single-precision values are NaN-boxed (upper 32 bits all 1) */
	uint64_t pc;
	uint32_t fflags;     /* accrued exceptions, RV_FFLAG_* */
	uint32_t frm;        /* dynamic rounding mode (enum rv_round, 0..4 valid) */
	uint64_t resv_addr;  /* LR/SC reservation: address ... */
	uint64_t resv_value; /* ... and the value LR read (SC is a compare-and-swap against it) */
	uint8_t resv_valid;
	uint8_t resv_size; /* 4 or 8 */

	/* Guest memory: one reserved host region, guest address + mem_base. */
	uint8_t *mem_base;        /* host address of guest address 0 */
	uint64_t mem_limit;       /* guest addresses >= mem_limit are never mapped; a guard gap follows */
	const uint8_t *page_prot; /* RV_PROT_* per guest page, indexed by addr >> RV_PAGE_SHIFT */

	/* Exit details. */
	uint64_t fault_addr;        /* RV_EXIT_FAULT: guest address of the faulting access */
	uint32_t fault_kind;        /* enum rv_fault_kind */
	uint32_t interrupt_request; /* nonzero: stop at the next block boundary with RV_EXIT_INTERRUPT */
	uint64_t exit_pc;           /* reaching this pc ends the run with RV_EXIT_HALT (bare mode); 0: none */
	uint64_t insn_count;        /* instructions retired (interpreter exact; the JIT may approximate) */

	/* Runtime back pointers (opaque to the ISA code). */
	void *thread; /* rv/user: the guest thread that owns this hart */

	/* System mode (rv/system); all zero in user mode. */
	const struct rv_mem_ops *mem_ops;   /* NULL: flat memory (user mode), see rv/mem/mem.h */
	const struct rv_priv_ops *priv_ops; /* CSRs and privileged instructions (rv/interp/interp.h) */
	struct rv_tlb *dtlb;                /* data accesses: the TLB of the effective data regime */
	struct rv_tlb *itlb;                /* fetches: the TLB of the current privilege */
	uint64_t trap_cause;                /* RV_EXIT_TRAP / RV_EXIT_FAULT: the exception's mcause */
	uint8_t fp_disabled;                /* mstatus.FS is Off: F/D instructions and FP CSRs are illegal */
	uint8_t fp_dirty;                   /* set by every write of FP state (mstatus.FS = Dirty) */
	uint8_t priv;                       /* current privilege (0 U, 1 S, 3 M) */
};

/* x0 is hard-wired to zero: writes go through this. */
static inline void rv_set_x(struct rv_cpu *cpu, unsigned reg, uint64_t value)
{
	if (reg != 0)
		cpu->x[reg] = value;
}

#endif
