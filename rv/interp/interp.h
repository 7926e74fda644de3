/* karasu-rv reference interpreter: the oracle for differential tests and the slow path of the JIT.
 *
 * Memory accesses go through rv/mem/mem.h (flat memory in user mode, the software TLB in system mode): a
 * bad access returns RV_EXIT_FAULT with cpu->pc at the faulting instruction and nothing written. The rare
 * host fault that a check cannot foresee ends the same way (rv_interp_host_fault). In system mode, CSRs
 * and privileged instructions are performed by the hart's environment (struct rv_priv_ops). */
#ifndef KARASU_RV_INTERP_INTERP_H
#define KARASU_RV_INTERP_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "rv/cpu.h"
#include "rv/isa/insn.h"

/* System mode: what the interpreter asks the hart's environment (rv/system) to do. cpu->priv_ops is NULL
 * in user mode, where CSRs are the user-level ones (rv_csr_read) and privileged instructions are
 * illegal. */
struct rv_priv_ops {
	/* A Zicsr instruction at pc. RV_EXIT_NONE: done (rd written), go on; RV_EXIT_STATE: done, and the
	 * write changed state the runtime must re-evaluate (cpu->pc = pc + len); RV_EXIT_ILLEGAL: no such
	 * CSR or not accessible from the current privilege (nothing changed). */
	enum rv_exit (*csr)(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc);
	/* SRET, MRET, WFI, SFENCE.VMA at pc: RV_EXIT_STATE with cpu->pc = where to go on, or
	 * RV_EXIT_ILLEGAL (not allowed at the current privilege; nothing changed). */
	enum rv_exit (*system)(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc);
	/* PAUSE (Zihintpause, a FENCE encoding): the hart is spinning, waiting for another one; the host
	 * thread may give way to it. May be NULL. */
	void (*pause)(struct rv_cpu *cpu);
};

/* The FENCE immediate of PAUSE: pred = W, succ = 0, fm = 0 (Zihintpause). */
#define RV_FENCE_PAUSE_IMM 0x10

/* Fetches, decodes and executes exactly one instruction at cpu->pc. Returns RV_EXIT_NONE (pc advanced)
 * or the exit (pc per enum rv_exit). Reaching cpu->exit_pc (nonzero) returns RV_EXIT_HALT before
 * fetching. */
enum rv_exit rv_interp_step(struct rv_cpu *cpu);

/* Runs until an exit, at most max_insns instructions (then RV_EXIT_LIMIT; 0 = no limit). Also stops with
 * RV_EXIT_INTERRUPT when cpu->interrupt_request is set (checked on entry and after every branch or
 * jump). cpu->insn_count counts the instructions retired (exact whenever a CSR instruction reads it).
 * Uses a per-thread decode cache keyed by pc and checked against the raw bits, so self-modifying code
 * is always seen. */
enum rv_exit rv_interp_run(struct rv_cpu *cpu, uint64_t max_insns);

/* Performs ONE decoded instruction `in` located at guest address `pc` (the JIT's helper for anything it
 * does not translate: FP with fflags, AMOs, CSRs, division edge cases...).
 * - RV_EXIT_NONE: done. Non-control-flow instructions do not touch cpu->pc; branches and jumps set
 *   cpu->pc to the next pc (target or pc + len).
 * - any other exit: cpu->pc = pc (RV_EXIT_FENCE_I: pc + len), nothing architectural changed except that
 *   RV_EXIT_FAULT sets fault_addr/fault_kind. ECALL/EBREAK/ILLEGAL are returned, not handled.
 * cpu->insn_count is not changed. */
enum rv_exit rv_exec_insn(struct rv_cpu *cpu, const struct rv_insn *in, uint64_t pc);

/* Host-fault recovery for the interpreter's own guest memory accesses. Guest accesses are checked
 * against the page table first, but a host fault can still happen (SIGBUS past the end of a mapped
 * file, another thread unmapping a page between check and access). The runtime's SIGSEGV/SIGBUS
 * handler calls this with the guest address; if rv_interp_run or rv_exec_insn is executing on this
 * thread it does not return: that instruction ends with RV_EXIT_FAULT (fault_kind as given) at its pc.
 * Otherwise it returns. Needs the handler installed with SA_NODEFER (the jump leaves the handler). */
void rv_interp_host_fault(uint64_t guest_addr, uint32_t fault_kind);

/* rv_mem_fetch, for callers outside the interpreter's fault recovery (the translator): a host fault
 * while reading the instruction (SIGBUS past the end of a mapped file) returns false too, with
 * fault_kind RV_FAULT_BUS (or RV_FAULT_FETCH) and fault_addr set. */
bool rv_fetch_guarded(struct rv_cpu *cpu, uint64_t addr, uint32_t *raw);

/* The rate of the time CSR in user mode: the timebase of QEMU's virt board (10 MHz), which riscv64 Linux
 * reports to programs (the device tree's timebase-frequency, hwprobe's TIME_CSR_FREQ). */
#define RV_TIME_CSR_HZ 10000000ull

/* Reads a user-level CSR as csrr would (fflags, frm, fcsr, cycle, time, instret). Returns false for a
 * CSR that user mode may not access (-> SIGILL). */
bool rv_csr_read(struct rv_cpu *cpu, unsigned csr, uint64_t *value);

#endif
