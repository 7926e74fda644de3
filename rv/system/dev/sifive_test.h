/* The SiFive test finisher ("sifive,test1") as on QEMU's `virt` board: one register at offset 0 whose
 * writes end the machine. The low 16 bits of the value choose what happens (power off, reset, failure);
 * a failure carries its exit code in the bits above. Other values and reads do nothing (reads are 0).
 *
 * Pure model: not thread-safe (the bus serializes, see rv/system/mmio.h). */
#ifndef KARASU_RV_SYSTEM_DEV_SIFIVE_TEST_H
#define KARASU_RV_SYSTEM_DEV_SIFIVE_TEST_H

#include <stdint.h>

#include "rv/system/mmio.h"

enum rv_sifive_test_kind {
	RV_SIFIVE_TEST_POWER_OFF, /* 0x5555: the guest passed / powers off (code 0) */
	RV_SIFIVE_TEST_RESET,     /* 0x7777: reboot (code 0) */
	RV_SIFIVE_TEST_FAILURE,   /* 0x3333: failure, code = value >> 16 */
};

struct rv_sifive_test_hooks {
	void *ctx;
	/* Called from inside the guest's write; the machine stops or resets its harts. May be NULL. */
	void (*finish)(void *ctx, enum rv_sifive_test_kind kind, uint32_t code);
};

struct rv_sifive_test {
	struct rv_sifive_test_hooks hooks;
};

void rv_sifive_test_init(struct rv_sifive_test *t, const struct rv_sifive_test_hooks *hooks);

/* MMIO: 2- and 4-byte naturally aligned accesses (as QEMU's model accepts); 1- and 8-byte accesses and
 * accesses past the region are errors. ctx is the struct rv_sifive_test. */
extern const struct rv_mmio_ops rv_sifive_test_mmio_ops;

#endif
