/* A partition's guest RAM: allocated in 2 MiB blocks (one contiguous range when the allocator has it),
 * scrubbed and mapped at stage 2 on first use (ram_scrub.h), and read or written by karasu on the guest's
 * behalf (hypercall parameters, virtio buffers, the loaded kernel). */
#ifndef KARASU_HV_CORE_GUEST_MEM_H
#define KARASU_HV_CORE_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct partition;

/* Creates the stage-2 table and checks p->ram_size / p->ram_ipa. False with a log line naming the guest. */
bool guest_mem_create(struct partition *p);
/* Allocates the RAM; none of it is mapped yet (each block is, on its first use). False with a log line. */
bool guest_mem_alloc(struct partition *p);
/* Maps [pa, pa+size) of a physical device straight into the guest at ipa (stage 2, Device-nGnRE, no
 * execution): the guest then reaches it without exits (the GICv2 virtual CPU interface). False with a log
 * line. */
bool guest_mem_map_device(struct partition *p, uint64_t ipa, uint64_t pa, uint64_t size);
/* Maps one host page read-only at ipa (Device-nGnRE, no execution): the guest reads it without exits, its writes
 * fault to karasu (an emulated device's register values, core/devices/uart.c). Unmapping (any range mapped by
 * these functions) invalidates the guest's TLB entries for it on every PE. False with a log line. */
bool guest_mem_map_readonly_page(struct partition *p, uint64_t ipa, void *page);
bool guest_mem_unmap(struct partition *p, uint64_t ipa, uint64_t size);
/* Whether ipa is guest RAM that is mapped at stage 2 now. A vCPU whose access faulted while another PE was still
 * mapping that block finds the block clean afterwards: its access is to be run again, not refused. */
bool guest_mem_ram_mapped(struct partition *p, uint64_t ipa);
/* Copies to/from guest-physical memory (RAM only). False if any byte is outside the guest's RAM. */
bool partition_read_gpa(struct partition *p, uint64_t ipa, void *buf, size_t len);
bool partition_write_gpa(struct partition *p, uint64_t ipa, const void *buf, size_t len);
/* The host address of guest RAM at ipa (made clean first), valid up to the end of its 2 MiB block, or NULL
 * outside RAM. */
void *guest_mem_host(struct partition *p, uint64_t ipa, uint64_t *span);

#endif
