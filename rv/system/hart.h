/* One hart of a system-mode machine: the architectural state the translator and interpreter use
 * (struct rv_cpu, first member), the privileged state around it (privilege level, CSRs, PMP, the software
 * TLB), and how other threads talk to it (interrupt lines, requests, wake-ups).
 *
 * Threads: each hart runs on its own host thread (run.c) and is the only writer of its CSRs and TLB.
 * Devices, timers and other harts change it only through mip_hw/mip_sw (atomics), requests (atomics +
 * rv_hart_kick) and, for the TLB's write tags of code pages, under tlb_lock (see mmu.c). */
#ifndef KARASU_RV_SYSTEM_HART_H
#define KARASU_RV_SYSTEM_HART_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "rv/cpu.h"
#include "rv/isa/insn.h"
#include "rv/jit/jit.h"
#include "rv/mem/tlb.h"
#include "rv/system/priv.h"
#include "lib/synic.h"

struct rv_machine;

/* SBI HSM states (SBI spec, chapter 9); a hart that is not STARTED does not run guest code. */
enum rv_hsm_state {
	RV_HSM_STARTED = 0,
	RV_HSM_STOPPED = 1,
	RV_HSM_START_PENDING = 2,
	RV_HSM_STOP_PENDING = 3,
	/* Not an SBI state: a hart_start call has claimed this stopped hart and is storing its start address
	 * and argument; reported to the guest as START_PENDING. The hart itself starts only on
	 * START_PENDING, stored after them, so two racing hart_start calls cannot mix their arguments. */
	RV_HSM_START_CLAIMED = 0x100,
};

/* Requests other threads make of a hart (rv_hart_request): handled at its next block boundary, or at
 * once if it is parked. */
#define RV_REQ_TLB_FLUSH  (1u << 0) /* sfence.vma for everything (remote fence) */
#define RV_REQ_FENCE_I    (1u << 1) /* drop translations of every page written since (remote fence.i) */
#define RV_REQ_INVALIDATE (1u << 2) /* translations of pages in the invalidation queue are stale */
#define RV_REQ_HALT       (1u << 3) /* the machine stops (power off, reset, error): leave the run loop */
#define RV_REQ_DEBUG      (1u << 4) /* the debugger wants this hart to stop */

/* Pages whose translations another hart's store (or a device's DMA) made stale, until the hart drops
 * them. Overflow means "drop everything". */
#define RV_INVALIDATE_QUEUE 64

struct rv_hart {
	struct rv_cpu cpu; /* first: translated code addresses the hart through it */
	struct rv_machine *machine;
	unsigned id; /* mhartid */

	/* ---- privileged state (written by this hart's thread only) ---- */
	unsigned priv;     /* RV_PRIV_U/S/M */
	uint64_t mstatus;  /* without FS and SD, which live in cpu.fp_disabled/fp_dirty (csr.c) */
	unsigned fs_clean; /* FS when neither Off nor Dirty: FS_INITIAL or FS_CLEAN */
	uint64_t medeleg, mideleg, mie;
	uint64_t mtvec, stvec, mepc, sepc, mcause, scause, mtval, stval, mscratch, sscratch;
	uint64_t satp;
	uint32_t mcounteren, scounteren, mcountinhibit;
	uint64_t menvcfg, senvcfg;
	uint64_t stimecmp;
	uint64_t mcycle_offset, minstret_offset; /* counter = base + offset (csr.c) */
	uint64_t mcycle_frozen, minstret_frozen; /* values while mcountinhibit stops them */
	uint8_t pmpcfg[PMP_ENTRIES];
	uint64_t pmpaddr[PMP_ENTRIES];
	bool pmp_active; /* some entry is not OFF: S/U accesses that match none fault */

	/* ---- interrupt lines (any thread) ---- */
	/* Bits driven by hardware: MEIP and SEIP from the PLIC, MTIP from the CLINT's mtimecmp, STIP from
	 * stimecmp (Sstc), MSIP from the CLINT. Read as mip together with mip_sw. */
	uint64_t mip_hw;
	/* Bits software writes: SSIP; STIP when Sstc is off; SEIP (ORed with the PLIC's line). */
	uint64_t mip_sw;

	/* ---- translation ---- */
	struct rv_tlb_set *tlb;
	pthread_mutex_t tlb_lock; /* fills and other harts' removal of write tags (mmu.c) */
	/* Virtual range of TLB entries filled from superpages, per regime (sfence.vma of an address inside
	 * it drops the whole regime). */
	uint64_t super_lo[RV_REGIME_COUNT], super_hi[RV_REGIME_COUNT];
	unsigned mode; /* what translated code depends on (rv_hart_update_mode) */

	/* ---- running ---- */
	struct rv_jit *jit;             /* NULL: interpreter */
	struct rv_jit_system jit_hooks; /* how the translator reaches this hart (translator.c) */
	pthread_t thread;
	bool thread_started;
	int hsm;                      /* enum rv_hsm_state (atomic) */
	uint64_t start_pc, start_arg; /* HSM hart_start: where and with what a1 */
	bool wfi;                     /* parked in WFI until an interrupt is pending */
	uint32_t requests;            /* RV_REQ_* (atomic) */
	/* Remote fences: a requester posts its bits, then takes a ticket from fence_req_seq; the hart
	 * publishes in fence_done_seq the last ticket it had seen before handling its requests (run.c). */
	uint64_t fence_req_seq, fence_done_seq;
	pthread_mutex_t wake_lock;
	pthread_cond_t wake;
	/* invalidation queue (under inval_lock) */
	pthread_mutex_t inval_lock;
	unsigned n_inval;
	bool inval_overflow;
	uint64_t inval_page[RV_INVALIDATE_QUEUE];

	/* ---- hypercall state (hypercall.c) ---- */
	uint64_t guest_os_id;  /* HvRegisterGuestOsId */
	struct synic_vp synic; /* this VP's SynIC (synic.c) */
	pthread_mutex_t synic_lock;

	/* ---- statistics (--stats) ---- */
	uint64_t n_traps, n_interrupts, n_tlb_miss, n_tlb_flush, n_mmio, n_sbi, n_wfi;
};

static inline struct rv_hart *rv_hart_of(struct rv_cpu *cpu)
{
	return (struct rv_hart *)cpu;
}

/* The mode word: privilege, FS off, data regime. Computed by rv_hart_update_mode after any change of
 * privilege, mstatus or satp (with cpu.itlb, cpu.dtlb). */
#define RV_MODE_PRIV_MASK  3u
#define RV_MODE_FP_OFF     (1u << 2)
#define RV_MODE_DATA_SHIFT 3 /* enum rv_regime of data accesses */
#define RV_MODE_COUNT      32u

/* ---- hart.c ---- */
/* Sets up a hart in its reset state (M-mode, pc = reset_pc, everything else as the spec's reset). */
int rv_hart_init(struct rv_hart *h, struct rv_machine *m, unsigned id);
void rv_hart_fini(struct rv_hart *h);
void rv_hart_reset(struct rv_hart *h, uint64_t pc);
/* Recomputes cpu.itlb/dtlb, cpu.fp_disabled and h->mode from priv and mstatus. */
void rv_hart_update_mode(struct rv_hart *h);
/* Makes the hart leave translated code soon and look at its state (interrupts, requests); wakes it if
 * parked. Any thread. */
void rv_hart_kick(struct rv_hart *h);
/* Posts requests (RV_REQ_*) and kicks. Any thread. */
void rv_hart_request(struct rv_hart *h, uint32_t req);
/* Sets or clears hardware-driven mip bits (device lines, timers). Any thread. */
void rv_hart_set_mip_hw(struct rv_hart *h, uint64_t bits, bool level);
/* Sets the pending bit of local interrupt irq (IRQ_LOCAL_FIRST..IRQ_LOCAL_LAST): an edge that stays
 * pending until software clears it. Any thread. */
void rv_hart_raise_local(struct rv_hart *h, unsigned irq);
/* mip as software reads it. */
uint64_t rv_hart_mip(const struct rv_hart *h);

/* ---- trap.c ---- */
/* Enters the trap handler for cause (interrupt bit 63) with tval, from the instruction at epc. */
void rv_trap_enter(struct rv_hart *h, uint64_t cause, uint64_t tval, uint64_t epc);
/* The highest-priority interrupt that is pending, enabled and allowed at the current privilege, as an
 * mcause value, or 0 if none. */
uint64_t rv_trap_pending_interrupt(const struct rv_hart *h);
/* True when an interrupt is pending and enabled in mie (what ends WFI, globally enabled or not). */
bool rv_trap_wfi_wakeup(const struct rv_hart *h);
/* SRET/MRET/WFI/SFENCE.VMA (struct rv_priv_ops.system). */
enum rv_exit rv_trap_system_insn(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc);

/* ---- csr.c ---- */
enum rv_exit rv_csr_insn(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc);
/* mstatus with FS and SD folded in. */
uint64_t rv_hart_mstatus(const struct rv_hart *h);
/* The time CSR / mtime (ticks at RV_VIRT_TIMEBASE_HZ). */
uint64_t rv_hart_time(const struct rv_hart *h);
/* Re-evaluates STIP from stimecmp (Sstc) and tells the machine's timer about the new deadline. */
void rv_hart_stimecmp_changed(struct rv_hart *h);

/* ---- mmu.c ---- */
extern const struct rv_mem_ops rv_mmu_ops;
/* Drops TLB entries: every regime, or S and U (a satp change / sfence.vma x0), or one page of S and U. */
void rv_mmu_flush_all(struct rv_hart *h);
void rv_mmu_flush_guest(struct rv_hart *h);
void rv_mmu_flush_page(struct rv_hart *h, uint64_t va);
/* Translates a fetch address for the dispatcher: the physical address and host pointer of pc, filling
 * the TLB. False: the fetch faults (cpu.trap_cause, fault_addr set). */
bool rv_mmu_translate_fetch(struct rv_hart *h, uint64_t pc, uint64_t *pa, const uint8_t **host);
/* Reads/writes guest memory by virtual address as the hart's current data regime would (the debugger,
 * SBI DBCN): no side effects on devices, no faults raised (false). */
bool rv_mmu_debug_read(struct rv_hart *h, uint64_t va, void *buf, uint64_t len);
bool rv_mmu_debug_write(struct rv_hart *h, uint64_t va, const void *buf, uint64_t len);

/* ---- pmp.c ---- */
/* The permissions (PMP_R/W/X) PMP grants for an access of size bytes at physical address pa from
 * privilege priv; for a whole page when *uniform is set on return (TLB fills). */
unsigned rv_pmp_check(const struct rv_hart *h, uint64_t pa, uint64_t size, unsigned priv);
bool rv_pmp_page_uniform(const struct rv_hart *h, uint64_t page_pa, unsigned priv, unsigned *perm);
/* pmpcfg/pmpaddr CSR writes with the spec's WARL and lock rules; true when something changed. */
bool rv_pmp_write_cfg(struct rv_hart *h, unsigned index, uint64_t value);
bool rv_pmp_write_addr(struct rv_hart *h, unsigned index, uint64_t value);
uint64_t rv_pmp_read_cfg(const struct rv_hart *h, unsigned index);

#endif
