/* The devices every partition gets. Each is a binding in this folder that attaches itself to a partition
 * being built: its register window on the partition's MMIO bus (mmio_bus.h), its reset and devicetree part
 * (partition_add_device). Adding a device is a new binding file and a line in devices.c; the partition code
 * does not change. */
#ifndef KARASU_HV_CORE_DEVICES_DEVICES_H
#define KARASU_HV_CORE_DEVICES_DEVICES_H

#include <stdbool.h>

struct partition;

/* Boot PE, once, before any partition: what the devices register globally (interrupt and trapped-register
 * handlers). */
void devices_init(void);
/* Attaches every device to p, in order (the interrupt controller first). False, with a log line from the
 * failing device, if one could not be attached. */
bool devices_attach(struct partition *p);

#endif
