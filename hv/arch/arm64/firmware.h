/* Calls into the platform firmware's PSCI (through smc or hvc as the DTB's psci node says). */
#ifndef KARASU_HV_ARCH_ARM64_FIRMWARE_H
#define KARASU_HV_ARCH_ARM64_FIRMWARE_H

#include <stdbool.h>
#include <stdint.h>

/* PSCI (ARM DEN 0022) function IDs and the result karasu calls the firmware with. */
#define FIRMWARE_PSCI_SYSTEM_OFF   0x84000008u
#define FIRMWARE_PSCI_SYSTEM_RESET 0x84000009u
#define FIRMWARE_PSCI_SUCCESS      0

void firmware_set_conduit(bool use_smc);
int64_t firmware_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
/* PSCI SYSTEM_OFF: on QEMU this ends the emulator with exit status 0. */
_Noreturn void firmware_system_off(void);
_Noreturn void firmware_system_reset(void);

#endif
