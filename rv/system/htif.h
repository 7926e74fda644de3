/* HTIF, the host-target interface of Spike and QEMU's spike machine, as far as bare-metal test programs
 * use it: a program that defines a `tohost` symbol writes 1 there to pass and (n << 1) | 1 to report
 * that test n failed (device 0, command 0); device 1 command 1 writes a character to the console; an
 * even value is the address of a "magic memory" system call block (write and exit). karasu-rv watches
 * stores to tohost when the -bios none kernel ELF has the symbol (mmu.c sends them here). */
#ifndef KARASU_RV_SYSTEM_HTIF_H
#define KARASU_RV_SYSTEM_HTIF_H

#include <stdbool.h>
#include <stdint.h>

struct rv_machine;

/* True when [pa, pa + len) contains the tohost word: the store must be seen by rv_htif_tohost_written. */
bool rv_htif_watched(const struct rv_machine *m, uint64_t pa, uint64_t len);
/* The guest stored into tohost (already in RAM): act on the value. */
void rv_htif_tohost_written(struct rv_machine *m);

#endif
