/* karasu-rv ELF loader: validates a riscv64 ELF executable (or ELF interpreter) and maps its segments
 * into guest memory. */
#ifndef KARASU_RV_USER_ELF_H
#define KARASU_RV_USER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/user/mem.h"

/* Load address of ET_DYN programs (PIE, static-pie): 2/3 of the Sv39 user space, as riscv64 Linux
 * (ELF_ET_DYN_BASE, without its randomisation). Their interpreter goes into the mmap area. */
#define RV_ELF_DYN_BASE   0x2aaaaaa000ull
/* Longest PT_INTERP (with its NUL) Linux accepts: PATH_MAX. */
#define RV_ELF_INTERP_MAX 4096

struct rv_elf_image {
	uint64_t entry;     /* guest entry point */
	uint64_t phdr_addr; /* guest address of the program headers (AT_PHDR), 0 if not loaded */
	uint64_t phnum, phent;
	uint64_t load_bias;       /* 0 for ET_EXEC */
	uint64_t lowest, highest; /* extent of the loaded segments (highest: end of the last byte) */
	bool exec_stack;          /* PT_GNU_STACK asks for an executable stack (PF_X) */
};

/* Validates `data` (the whole file, size bytes) and loads it into m, an ET_DYN file at
 * RV_ELF_DYN_BASE, copying the segments. Returns 0, or -1 with a one-line reason in err (e.g. "not a
 * RISC-V ELF (e_machine 62)"). */
int rv_elf_load(struct rv_mem *m, const uint8_t *data, size_t size, struct rv_elf_image *img, char *err,
                size_t errlen);

/* Only validates (no memory needed); same messages. A PT_INTERP must hold a NUL-terminated path of 1 to
 * RV_ELF_INTERP_MAX - 1 characters inside the file, as Linux requires. */
int rv_elf_check(const uint8_t *data, size_t size, char *err, size_t errlen);

/* The interpreter a validated file asks for (its first PT_INTERP, as Linux takes): copied into buf
 * (RV_ELF_INTERP_MAX bytes are always enough). Returns true if there is one. */
bool rv_elf_interp(const uint8_t *data, size_t size, char *buf, size_t buflen);

/* The page range its PT_LOAD segments span before relocation, [*lo, *hi), and the largest segment
 * alignment (at least the page size): what a loader needs to choose an ET_DYN file's address. For a
 * validated file. */
void rv_elf_span(const uint8_t *data, size_t size, uint64_t *lo, uint64_t *hi, uint64_t *align);

/* Loads a validated file with every segment at p_vaddr + bias. fd >= 0 is the same file opened for
 * reading: its pages are mapped from it (private, copy-on-write), as Linux maps a program, so that
 * /proc/self/maps names the file; fd < 0 copies the bytes from data. 0, or -1 with a reason in err. */
int rv_elf_load_at(struct rv_mem *m, const uint8_t *data, size_t size, int fd, uint64_t bias,
                   struct rv_elf_image *img, char *err, size_t errlen);

#endif
