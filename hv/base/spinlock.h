/* The one spinlock of karasu-hv: a ticket lock (FIFO, so no PE starves behind the others) built on C11
 * atomics. On the hypervisor the atomics are LL/SC sequences (-mno-outline-atomics) and the wait loop
 * hints the core with YIELD; the host build (unit tests) is the same code, waiting with sched_yield.
 *
 * Two rules every user relies on:
 *  - Exclusives need cacheable memory, i.e. the EL2 MMU on. Until the boot PE calls spin_locking_enable()
 *    (right after it turns its MMU on, before any other PE runs) spin_lock and spin_unlock do nothing. The
 *    host build starts enabled.
 *  - Every lock has a class from lock_order.h. Taking a lock whose class is not later than every class this
 *    PE (host: this thread) already holds is a lock-order violation: hv_panic names both. LOCK_CLASS_NONE
 *    opts out (unit tests of one model).
 */
#ifndef KARASU_HV_BASE_SPINLOCK_H
#define KARASU_HV_BASE_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>
#if !defined(KARASU_FREESTANDING)
#include <sched.h>
#endif

#include "hv/base/lock_order.h"

struct spinlock {
	uint32_t next;  /* next ticket to hand out */
	uint32_t owner; /* ticket being served */
	uint32_t lock_class;
};

#define SPINLOCK_INIT(cls)  \
	{                   \
		0, 0, (cls) \
	}

/* Whether locks are taken at all (see above); set once, never cleared. */
extern bool spin_locking_enabled;
void spin_locking_enable(void);

/* Lock-order bookkeeping (spinlock.c): the held-class mask of the calling PE or thread. */
uint32_t *lock_order_held_mask(void);
_Noreturn void lock_order_violation(uint32_t held, unsigned cls);

/* A busy-wait hint for loops that wait for another PE (lock holders, a block being scrubbed). */
static inline void spin_pause(void)
{
#if defined(KARASU_FREESTANDING)
	__asm__ volatile("yield" ::: "memory");
#else
	/* Host threads outnumber cores in the tests: a waiter gives its time slice to the holder. */
	sched_yield();
#endif
}

static inline void spinlock_init(struct spinlock *l, unsigned cls)
{
	l->next = 0;
	l->owner = 0;
	l->lock_class = cls;
}

static inline void lock_order_acquire(unsigned cls)
{
	if (cls == LOCK_CLASS_NONE)
		return;
	uint32_t *held = lock_order_held_mask();
	/* Every held class must come strictly before cls: no bit at cls or above. */
	if (*held & ~((1u << cls) - 1u))
		lock_order_violation(*held, cls);
	*held |= 1u << cls;
}

static inline void lock_order_release(unsigned cls)
{
	if (cls != LOCK_CLASS_NONE)
		*lock_order_held_mask() &= ~(1u << cls);
}

static inline void spin_lock(struct spinlock *l)
{
	if (!__atomic_load_n(&spin_locking_enabled, __ATOMIC_RELAXED))
		return;
	lock_order_acquire(l->lock_class);
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		spin_pause();
}

/* Takes the lock only if it is free now (no ticket waits): true if taken. For work that another PE, the holder,
 * will do anyway (draining a queue), so that nobody waits for it. */
static inline bool spin_trylock(struct spinlock *l)
{
	if (!__atomic_load_n(&spin_locking_enabled, __ATOMIC_RELAXED))
		return true;
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t free_ticket = owner;
	/* Free means no ticket handed out beyond the one being served: take that ticket. */
	if (!__atomic_compare_exchange_n(&l->next, &free_ticket, owner + 1, false, __ATOMIC_SEQ_CST,
	                                 __ATOMIC_RELAXED))
		return false;
	lock_order_acquire(l->lock_class);
	return true;
}

static inline void spin_unlock(struct spinlock *l)
{
	if (!__atomic_load_n(&spin_locking_enabled, __ATOMIC_RELAXED))
		return;
	/* Only the holder writes owner: a plain read of it is exact. */
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
	lock_order_release(l->lock_class);
}

#endif
