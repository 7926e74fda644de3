/* Per-PE state. On the hypervisor TPIDR_EL2 points at the running PE's struct percpu (set first thing on
 * every PE, before any lock is taken); the host build (unit tests) keeps one pointer per thread. */
#ifndef KARASU_HV_BASE_PERCPU_H
#define KARASU_HV_BASE_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/base/limits.h"

struct vcpu;

/* Requests another PE (or an interrupt handler) leaves for a PE, checked in its idle loop and on every
 * exit. */
#define PERCPU_REQ_START_VCPU (1u << 0) /* start `pending_vcpu` (PSCI CPU_ON or console `boot`) */
#define PERCPU_REQ_STOP_VCPU  (1u << 1) /* the vCPU's partition is being stopped */
#define PERCPU_REQ_KICK       (1u << 2) /* just re-evaluate pending interrupts */

struct percpu {
	unsigned index;       /* position in the platform DTB's /cpus */
	uint64_t mpidr;       /* affinity of this PE */
	volatile bool online; /* reached its idle loop (or is the boot PE) */
	struct vcpu *vcpu;    /* the vCPU running (or parked) on this PE, or NULL */
	struct vcpu *pending_vcpu;
	uint32_t requests;   /* PERCPU_REQ_* (atomic) */
	uint64_t irqs;       /* physical interrupts taken here */
	uint32_t locks_held; /* lock classes this PE holds (bit per enum lock_class) */
};

extern struct percpu percpu_table[HV_MAX_CPUS];

#if defined(__aarch64__) && defined(KARASU_FREESTANDING)
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

static inline void percpu_set_this(struct percpu *p)
{
	__asm__ volatile("msr tpidr_el2, %0" ::"r"(p) : "memory");
}
#else
extern _Thread_local struct percpu *percpu_host_this;
static inline struct percpu *this_cpu(void)
{
	return percpu_host_this;
}

static inline void percpu_set_this(struct percpu *p)
{
	percpu_host_this = p;
}
#endif

static inline unsigned percpu_index(void)
{
	struct percpu *p = this_cpu();
	if (p < &percpu_table[0] || p >= &percpu_table[HV_MAX_CPUS])
		return 0;
	return p->index;
}

static inline void percpu_set_request(struct percpu *p, uint32_t req)
{
	__atomic_fetch_or(&p->requests, req, __ATOMIC_SEQ_CST);
}

static inline uint32_t percpu_take_requests(struct percpu *p)
{
	return __atomic_exchange_n(&p->requests, 0, __ATOMIC_SEQ_CST);
}

#endif
