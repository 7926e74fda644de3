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
/* Copies to/from guest-physical memory (RAM only). False if any byte is outside the guest's RAM. */
bool partition_read_gpa(struct partition *p, uint64_t ipa, void *buf, size_t len);
bool partition_write_gpa(struct partition *p, uint64_t ipa, const void *buf, size_t len);
/* The host address of guest RAM at ipa (made clean first), valid up to the end of its 2 MiB block, or NULL
 * outside RAM. */
void *guest_mem_host(struct partition *p, uint64_t ipa, uint64_t *span);

#endif
