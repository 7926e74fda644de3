/* The lock order of karasu-hv, outermost first. A PE may take a lock only while every lock it already holds
 * comes earlier in this list; spin_lock checks it on every acquisition (one mask per PE, see spinlock.h) and
 * panics naming both locks when the order is broken, so a deadlock shows up as a message the first time the
 * wrong nesting happens, not as a hang when two PEs happen to meet.
 *
 * Why this order (each line: a path that nests the lock below it inside this one):
 *   PARTITION     partition_start loads the kernel (disk, guest RAM, stage 2, memory) and logs under it
 *   SYNIC_SETUP   a SynIC slot is (re)initialised under it; nothing else is taken inside
 *   SYNIC         a message post reads and writes guest RAM (stage 2 on first use of a block)
 *   VIRTIO_BLK    a request runs to completion: guest RAM, the boot disk, the vGIC (completion interrupt)
 *   UART          a guest byte goes to the console; console input raises the vPL011's interrupt (vGIC)
 *   DISK          the boot disk; nothing but the device driver runs inside
 *   STAGE2        stage-2 table pages come from the page allocator
 *   MEMORY        the page allocator logs a bad free (console)
 *   VGIC          delivery pushes into a vCPU's list-register queue
 *   LR_QUEUE      leaf of the interrupt path
 *   CONSOLE       the multiplexer queues its output (core/console_port.c)
 *   LOG_OUTPUT    raw UART output: before the console exists, and the console's queue being written out
 *                 (taken with spin_trylock there, also from under the vPL011 lock): always the innermost
 *
 * Kicking another PE (an SGI) and anything else that touches GIC registers happens with no lock held (see
 * docs/hv-internals.md): on QEMU each such access takes the emulator's global lock. */
#ifndef KARASU_HV_BASE_LOCK_ORDER_H
#define KARASU_HV_BASE_LOCK_ORDER_H

enum lock_class {
	LOCK_CLASS_NONE = 0, /* not checked (host tests of a single model) */
	LOCK_CLASS_PARTITION,
	LOCK_CLASS_SYNIC_SETUP,
	LOCK_CLASS_SYNIC,
	LOCK_CLASS_VIRTIO_BLK,
	LOCK_CLASS_UART,
	LOCK_CLASS_DISK,
	LOCK_CLASS_STAGE2,
	LOCK_CLASS_MEMORY,
	LOCK_CLASS_VGIC,
	LOCK_CLASS_LR_QUEUE,
	LOCK_CLASS_CONSOLE,
	LOCK_CLASS_LOG_OUTPUT,
	LOCK_CLASS_COUNT,
};

/* The name of a class, for the violation message. */
const char *lock_class_name(unsigned cls);

#endif
