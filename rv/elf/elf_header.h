/* Validation of a riscv64 ELF file's identification and header, shared by user mode's program loader
 * (rv/user/elf.c) and system mode's kernel/firmware loader (rv/system/boot.c). */
#ifndef KARASU_RV_ELF_ELF_HEADER_H
#define KARASU_RV_ELF_ELF_HEADER_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Program headers a loader accepts at most. */
#define RV_ELF_MAX_PHNUM 128

/* True when data starts with the ELF magic (whatever else is wrong with it). */
bool rv_elf_is_elf(const uint8_t *data, size_t size);

/* Checks that data (size bytes) is a 64-bit little-endian RISC-V ELF of one of the given e_types (a
 * bit mask: 1 << ET_EXEC | 1 << ET_DYN ...) whose program headers lie inside the file, and copies its
 * header to *eh. Returns 0, or -1 with a one-line reason in err. */
int rv_elf_check_header(const uint8_t *data, size_t size, unsigned type_mask, Elf64_Ehdr *eh, char *err,
                        size_t errlen);

/* printf-style one-line reason into err; returns -1 (for `return rv_elf_fail(...)`). */
int rv_elf_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
