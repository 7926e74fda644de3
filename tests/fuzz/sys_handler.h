/* The trap handlers of the system-mode fuzzer's programs (conventions in sys_layout.h). */
#ifndef KARASU_TESTS_FUZZ_SYS_HANDLER_H
#define KARASU_TESTS_FUZZ_SYS_HANDLER_H

#include <stdbool.h>
#include <stdint.h>

/* Offsets of the entry points: a vector table (for xtvec MODE Direct or Vectored: every slot jumps to
 * the common entry; one slot per interrupt cause an mcause can hold, local interrupts included) and the
 * common entry itself (a Direct-mode base). */
#define SYS_VECTOR_SLOTS 64
#define SYS_M_VECTOR     (SYS_M_HANDLER_OFF)
#define SYS_M_COMMON     (SYS_M_HANDLER_OFF + 4 * SYS_VECTOR_SLOTS)
#define SYS_S_VECTOR     (SYS_S_HANDLER_OFF)
#define SYS_S_COMMON     (SYS_S_HANDLER_OFF + 4 * SYS_VECTOR_SLOTS)

/* Writes both handlers into the RAM image; false if they do not fit (a fuzzer bug). */
bool sys_handlers_emit(uint8_t *image);

/* A random valid mtvec / stvec value: one of the entries above, in Direct or Vectored mode, or a value
 * with the reserved MODE 2/3 (WARL: the write is ignored). */
uint64_t sys_random_mtvec(uint64_t *seed);
uint64_t sys_random_stvec(uint64_t *seed);

#endif
