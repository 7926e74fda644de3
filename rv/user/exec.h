/* karasu-rv: what a guest execve runs. Linux decides by the file's first bytes: a riscv64 ELF runs
 * under karasu-rv (a new karasu-rv process with the same prefix and options), a "#!" script runs its
 * interpreter (looked up under the prefix, then on the host) with the script as an argument, and
 * anything else is the host kernel's business (a host program runs natively, as under qemu-user). */
#ifndef KARASU_RV_USER_EXEC_H
#define KARASU_RV_USER_EXEC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Bytes of a file Linux looks at to recognise its format, and the #! line limit (BINPRM_BUF_SIZE). */
#define RV_EXEC_HEAD_SIZE 256
/* Interpreters within interpreters Linux follows before ELOOP. */
#define RV_EXEC_MAX_DEPTH 5

/* The #! line of a script (head: the first len bytes of the file, len <= RV_EXEC_HEAD_SIZE), parsed
 * as Linux's binfmt_script does: the interpreter is the first word after "#!" (spaces and tabs
 * skipped), the rest of the line with surrounding blanks trimmed is one optional argument. Returns 0
 * with interp and arg (arg "" when there is none: *has_arg false), or -ENOEXEC: no "#!", no
 * interpreter, or a line longer than the buffer whose interpreter name may be cut. */
int rv_exec_parse_shebang(const char *head, size_t len, char *interp, size_t interp_len, char *arg,
                          size_t arg_len, bool *has_arg);

/* True if head (len bytes) starts a 64-bit little-endian RISC-V ELF: karasu-rv's to run. */
bool rv_exec_is_riscv64(const unsigned char *head, size_t len);

enum rv_exec_kind {
	RV_EXEC_GUEST, /* a riscv64 program: run under karasu-rv */
	RV_EXEC_HOST   /* anything else: the host's execve decides */
};

/* What to run for execve(path, argv): the file after following #! interpreters. */
struct rv_exec_plan {
	enum rv_exec_kind kind;
	char path[PATH_MAX];   /* host path of the file to run */
	char execfn[PATH_MAX]; /* the name execve was given (AT_EXECFN) */
	char **argv;           /* the argument vector it gets (interpreters prepended), NULL-terminated */
	int argc;
};

/* Plans execve(path, argv) for a guest whose prefix is `prefix` ("" = none); self_exe is the host path
 * of the running program (for "/proc/self/exe"). argv may be empty: Linux then passes one "" argument.
 * A riscv64 program is checked as the kernel checks it before the old program is gone: a malformed ELF
 * is -ENOEXEC, a missing ELF interpreter -ENOENT, a foreign one -ELIBBAD. Returns 0 (free the plan with
 * rv_exec_plan_free) or -errno. */
int rv_exec_plan(const char *prefix, const char *self_exe, const char *path, char *const argv[],
                 struct rv_exec_plan *plan);
void rv_exec_plan_free(struct rv_exec_plan *plan);

#endif
