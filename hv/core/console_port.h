/* Connects the console multiplexer shared by both engines (lib/console_mux.h, pure logic) to the machine: the
 * physical PL011, the guests' vPL011s and the partitions. Every console_* call is made under one console lock; actions that
 * would take other locks (feeding a vPL011, booting or stopping a guest) are queued while it is held and
 * carried out after it is released, so the lock order is always vPL011 lock -> console lock. */
#ifndef KARASU_HV_CORE_CONSOLE_PORT_H
#define KARASU_HV_CORE_CONSOLE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct partition;

/* Boot PE, after the partitions exist: escape byte from the config (0 = default), initial focus; enables the
 * UART receive interrupt and becomes the log's sink (hv/base/log.h). Until then hypervisor messages go straight
 * to the UART. */
void console_port_init(uint8_t escape_key, unsigned focus);
/* One byte written by guest `guest` to its vPL011. */
void console_port_guest_putc(unsigned guest, char c);
/* Hypervisor tick: writes partial guest lines that waited longer than the flush delay. Returns whether
 * some are still waiting (then tick again). */
bool console_port_poll(void);
/* Writes out everything the console has queued for the UART, waiting for a PE that is writing it (before the
 * machine is switched off). */
void console_port_flush(void);
/* One "karasu: stats GUEST/N key=value ..." line per vCPU of p (through the console). */
void console_port_print_stats(const struct partition *p);

#endif
