/* The spinlock's out-of-line parts: the enable switch and the lock-order check (spinlock.h, lock_order.h). */
#include "hv/base/spinlock.h"

#include "hv/base/log.h"
#include "hv/base/percpu.h"

#if defined(KARASU_FREESTANDING)
bool spin_locking_enabled; /* the boot PE turns it on once its MMU is on */
#else
bool spin_locking_enabled = true;
static _Thread_local uint32_t thread_locks_held;
#endif

void spin_locking_enable(void)
{
	__atomic_store_n(&spin_locking_enabled, true, __ATOMIC_RELEASE);
}

uint32_t *lock_order_held_mask(void)
{
#if defined(KARASU_FREESTANDING)
	struct percpu *p = this_cpu();
	if (p >= &percpu_table[0] && p < &percpu_table[HV_MAX_CPUS])
		return &p->locks_held;
	/* TPIDR_EL2 is set before a PE takes its first lock; this is a last resort that keeps the check from
	 * writing through a wild pointer. */
	static uint32_t unknown_pe_mask;
	return &unknown_pe_mask;
#else
	return &thread_locks_held;
#endif
}

static const char *const class_names[LOCK_CLASS_COUNT] = {
    [LOCK_CLASS_NONE] = "unchecked",
    [LOCK_CLASS_PARTITION] = "partition",
    [LOCK_CLASS_SYNIC_SETUP] = "SynIC set-up",
    [LOCK_CLASS_SYNIC] = "SynIC",
    [LOCK_CLASS_VIRTIO_BLK] = "virtio-blk",
    [LOCK_CLASS_UART] = "vPL011",
    [LOCK_CLASS_DISK] = "boot disk",
    [LOCK_CLASS_STAGE2] = "stage 2",
    [LOCK_CLASS_MEMORY] = "memory",
    [LOCK_CLASS_VGIC] = "vGIC",
    [LOCK_CLASS_LR_QUEUE] = "list-register queue",
    [LOCK_CLASS_CONSOLE] = "console",
    [LOCK_CLASS_LOG_OUTPUT] = "log output",
};

const char *lock_class_name(unsigned cls)
{
	return cls < LOCK_CLASS_COUNT ? class_names[cls] : "unknown";
}

_Noreturn void lock_order_violation(uint32_t held, unsigned cls)
{
	unsigned last = 0; /* the innermost lock held, the one the new lock must come after */
	for (unsigned c = 0; c < LOCK_CLASS_COUNT; c++)
		if (held & (1u << c))
			last = c;
	hv_panic("lock order violated: taking the %s lock while holding the %s lock (hv/base/lock_order.h)",
	         lock_class_name(cls), lock_class_name(last));
}
