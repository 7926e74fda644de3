/* karasu-rv: the guest's library prefix (-L DIR, QEMU_LD_PREFIX), as qemu-user has it.
 *
 * A riscv64 program's absolute paths name files of a riscv64 system: its ELF interpreter
 * (/lib/ld-linux-riscv64-lp64d.so.1), the libraries the interpreter opens, /bin/sh of a #! line. The
 * prefix is a directory holding such a tree (Debian's cross sysroot /usr/riscv64-linux-gnu, or an
 * unpacked riscv64 Debian): an absolute guest path that exists under it means that file; any other
 * path means the host's own file. Relative paths are never changed. */
#ifndef KARASU_RV_USER_PREFIX_H
#define KARASU_RV_USER_PREFIX_H

#include <stdbool.h>
#include <stddef.h>

/* Debian's riscv64 cross sysroot (package libc6-riscv64-cross): the prefix when none is given. */
#define RV_PREFIX_DEFAULT "/usr/riscv64-linux-gnu"
/* The environment variable qemu-user reads for the same setting. */
#define RV_PREFIX_ENV     "QEMU_LD_PREFIX"

/* Chooses the prefix: option (-L, NULL if not given), else env (QEMU_LD_PREFIX, NULL if unset), else
 * RV_PREFIX_DEFAULT if that directory exists. "" and "/" mean no prefix. A relative directory is
 * taken relative to cwd. Writes the absolute prefix without a trailing slash into out ("" = none).
 * Returns 0, or -1 with a reason in err: the directory given does not exist, is not a directory, or
 * its name is too long. */
int rv_prefix_choose(const char *option, const char *env, const char *cwd, char *out, size_t outlen,
                     char *err, size_t errlen);

/* The host path for guest path `path` under `prefix` ("" = none): prefix + path when path is absolute
 * and prefix + path exists (following symlinks, as access(F_OK)); otherwise path itself. Returns buf
 * (filled) or path. */
const char *rv_prefix_lookup(const char *prefix, const char *path, char *buf, size_t buflen);

/* The process-wide prefix, set once by main before any guest code runs (then only read). */
void rv_prefix_set(const char *prefix);
const char *rv_prefix_get(void); /* "" when there is none */

/* rv_prefix_lookup with the process-wide prefix, rewriting path (a buffer of len bytes) in place: for
 * the syscall layer, after it has copied a guest path. True if path now names a file under the
 * prefix. */
bool rv_prefix_apply(char *path, size_t len);

#endif
