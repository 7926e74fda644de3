/* karasu-rv ELF loader: validates a riscv64 ELF executable and maps its segments into guest memory. */
#ifndef KARASU_RV_USER_ELF_H
#define KARASU_RV_USER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/user/mem.h"

/* Load address of ET_DYN (static-pie) programs: 2/3 of the Sv39 user space, as riscv64 Linux. */
#define RV_ELF_DYN_BASE 0x2aaaaaa000ull

struct rv_elf_image {
	uint64_t entry;     /* guest entry point */
	uint64_t phdr_addr; /* guest address of the program headers (AT_PHDR), 0 if not loaded */
	uint64_t phnum, phent;
	uint64_t load_bias;       /* 0 for ET_EXEC */
	uint64_t lowest, highest; /* extent of the loaded segments (highest: end of the last byte) */
	bool exec_stack;          /* PT_GNU_STACK asks for an executable stack (PF_X) */
};

/* Validates `data` (the whole file, size bytes) and loads it into m. Returns 0, or -1 with a one-line
 * reason in err (e.g. "not a RISC-V ELF (e_machine 62)"). */
int rv_elf_load(struct rv_mem *m, const uint8_t *data, size_t size, struct rv_elf_image *img, char *err,
                size_t errlen);

/* Only validates (no memory needed); same messages. Used by tests. */
int rv_elf_check(const uint8_t *data, size_t size, char *err, size_t errlen);

#endif
