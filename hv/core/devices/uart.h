/* Each guest's vPL011 (hv/vdev/vpl011.h) on its partition's bus: transmitted bytes go to the console
 * multiplexer, console input waits in a backlog that feeds the 16-byte receive FIFO as the guest reads, the
 * interrupt output is SPI 1 of the partition's vGIC. The model and the backlog are under the UART lock
 * (LOCK_CLASS_UART; the console lock nests inside it). */
#ifndef KARASU_HV_CORE_DEVICES_UART_H
#define KARASU_HV_CORE_DEVICES_UART_H

#include <stdbool.h>
#include <stdint.h>

struct partition;

#define GUEST_UART_IPA       0x09000000ull
#define GUEST_UART_SPI       1u
#define PARTITION_RX_BACKLOG 1024u /* console bytes waiting for the guest's UART FIFO */

bool uart_attach(struct partition *p);
/* Console input for the guest's vPL011 (any PE). */
void guest_uart_input(struct partition *p, uint8_t c);

#endif
