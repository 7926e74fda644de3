/* --perf-map: naming translated blocks for Linux perf.
 *
 * perf cannot see where JIT code came from; for samples in anonymous executable memory it reads
 * /tmp/perf-PID.map, one line per code range: `START SIZE NAME` (START and SIZE in hex, no 0x). Each
 * translated block gets a line naming its guest address and, when the guest ELF has a symbol table,
 * the guest function containing it: `rv:memcpy+0x1c@0x10a3c` (or `rv:0x10a3c` without a symbol), so
 * that `perf report` attributes host time to guest functions. Code-cache space is reused after a flush,
 * so a later line can cover the same host range as an earlier one (perf takes the latest). */
#ifndef KARASU_RV_JIT_PERFMAP_H
#define KARASU_RV_JIT_PERFMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The function symbols of a guest ELF file, by address. */
struct jit_perf_symbols;

/* Reads the symbol table (.symtab, else .dynsym) of the riscv64 ELF file at path; an ET_DYN file's
 * addresses are moved by dyn_bias (where the loader put it). NULL with a one-line reason in err when
 * the file cannot be read, is not a riscv64 ELF or has no function symbols (stripped). */
struct jit_perf_symbols *jit_perf_symbols_load(const char *path, uint64_t dyn_bias, char *err, size_t errlen);
void jit_perf_symbols_free(struct jit_perf_symbols *s);
/* The function containing guest address pc (NULL if none) and pc's offset in it. */
const char *jit_perf_symbols_find(const struct jit_perf_symbols *s, uint64_t pc, uint64_t *offset);

/* Opens /tmp/perf-PID.map for writing (truncated; line-buffered, so the map is complete whenever the
 * process stops). NULL with the reason in err. */
FILE *jit_perf_map_open(long pid, char *err, size_t errlen);
/* The line of one block: host code [host, host + size) translated from the guest code at pc. symbols may
 * be NULL. */
void jit_perf_map_write_block(FILE *f, const struct jit_perf_symbols *symbols, uintptr_t host, uint32_t size,
                              uint64_t pc);

#endif
