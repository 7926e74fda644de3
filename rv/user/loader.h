/* karasu-rv: building a process image (ELF, its interpreter, initial stack) the way Linux execve does. */
#ifndef KARASU_RV_USER_LOADER_H
#define KARASU_RV_USER_LOADER_H

#include <stddef.h>

#include "rv/user/process.h"

/* Guest layout (Sv39-like): the stack ends one page below the top of the address space and is as large
 * as the host's RLIMIT_STACK (clamped), mmap areas are found top-down below it, the heap (brk) follows
 * the program. */
#define RV_STACK_SIZE       (8ull << 20) /* when the stack limit cannot be read */
#define RV_STACK_MIN        (128ull << 10)
#define RV_STACK_MAX        (1ull << 30)   /* for an unlimited (or larger) RLIMIT_STACK */
#define RV_STACK_GAP        (256ull << 20) /* between the stack top and the first mmap area */
/* Kept free above the program break when the ELF interpreter is placed (mmap leaves as much). */
#define RV_INTERP_HEAP_ROOM (64ull << 20)

/* Sets up proc (memory, brk, trampoline) and thread (registers) to run the program at path (a host
 * path) with argv (argv[0] is the guest's argv[0]) and envp. A program that names an ELF interpreter
 * (PT_INTERP) gets it loaded too (looked up under the prefix, rv/user/prefix.h) and starts in it.
 * execfn: the name for AT_EXECFN (NULL: path). Returns 0, or -1 with a message in err. In bare mode
 * the stack holds no argc/argv and ra = cpu->exit_pc. */
int rv_load_program(struct rv_process *proc, struct rv_thread *thread, const char *path, const char *execfn,
                    int argc, char *const argv[], char *const envp[], char *err, size_t errlen);

#endif
