/* Ticket spinlock for EL2 (exclusives need the MMU on: cacheable memory). */
#ifndef KARASU_HV_CORE_SPINLOCK_H
#define KARASU_HV_CORE_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t next;
	uint32_t owner;
};

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

static inline void spin_lock(struct spinlock *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		__asm__ volatile("yield");
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif
