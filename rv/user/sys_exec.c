/* execve: a riscv64 program (directly or as the interpreter of a #! script) runs under a fresh
 * karasu-rv with the same prefix and options; anything else goes to the host's execve (rv/user/exec.h
 * says how the file is recognised). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/user/exec.h"
#include "rv/user/guest_copy.h"
#include "rv/user/prefix.h"
#include "rv/user/runtime.h"
#include "rv/user/syscall.h"

/* Longest argument or environment string copied (Linux's MAX_ARG_STRLEN is 32 pages). */
#define EXEC_STRING_MAX (32u * 4096u)

/* A guest vector of strings (argv or envp at guest address base, 0 = empty) as a NULL-terminated host
 * array; *out NULL on failure. Returns 0 or -errno. */
static long copy_string_vector(struct rv_thread *t, uint64_t base, char ***out)
{
	size_t count = 0, cap = 16;
	char **v = calloc(cap, sizeof(char *));
	*out = NULL;
	if (!v)
		return -ENOMEM;
	long r = 0;
	char *buf = malloc(EXEC_STRING_MAX);
	if (!buf)
		r = -ENOMEM;
	for (size_t i = 0; base && r == 0; i++) {
		uint64_t slot;
		if (rv_copy_from_guest(t, &slot, base + 8 * i, 8) < 0) {
			r = -EFAULT;
			break;
		}
		if (slot == 0)
			break;
		if (count + 2 > cap) {
			cap *= 2;
			char **n = realloc(v, cap * sizeof(char *));
			if (!n) {
				r = -ENOMEM;
				break;
			}
			v = n;
		}
		long len = rv_copy_string_from_guest(t, slot, buf, EXEC_STRING_MAX);
		if (len < 0) {
			r = len == -ENAMETOOLONG ? -E2BIG : len;
			break;
		}
		if (!(v[count] = strdup(buf))) {
			r = -ENOMEM;
			break;
		}
		v[++count] = NULL;
	}
	free(buf);
	if (r != 0) {
		for (size_t i = 0; i < count; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*out = v;
	return 0;
}

static void free_vector(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Runs the planned riscv64 program in a new karasu-rv: only returns on failure (-errno). */
static long exec_guest(const struct rv_exec_plan *plan, char **envp)
{
	size_t total = 8 + (size_t)rv_reexec_info.option_argc + (size_t)plan->argc;
	char **args = calloc(total, sizeof(char *));
	if (!args)
		return -ENOMEM;
	size_t k = 0;
	args[k++] = (char *)rv_reexec_info.self;
	args[k++] = "--real-signal-death";
	for (int i = 0; i < rv_reexec_info.option_argc; i++)
		args[k++] = rv_reexec_info.option_argv[i];
	args[k++] = "--argv0";
	args[k++] = plan->argv[0];
	args[k++] = "--execfn";
	args[k++] = (char *)plan->execfn;
	args[k++] = "--";
	args[k++] = (char *)plan->path;
	for (int i = 1; i < plan->argc; i++)
		args[k++] = plan->argv[i];
	args[k] = NULL;
	execve(rv_reexec_info.self, args, envp);
	long r = -errno;
	free(args);
	return r;
}

long rv_sys_execve(struct rv_thread *t, const uint64_t *a)
{
	char path[PATH_MAX];
	long r = rv_copy_string_from_guest(t, a[0], path, sizeof(path));
	if (r < 0)
		return r;
	char **argv = NULL, **envp = NULL;
	r = copy_string_vector(t, a[1], &argv);
	if (r == 0)
		r = copy_string_vector(t, a[2], &envp);
	struct rv_exec_plan plan = {0};
	if (r == 0)
		r = rv_exec_plan(rv_prefix_get(), t->proc->exe_path, path, argv, &plan);
	if (r == 0) {
		fflush(NULL);
		if (plan.kind == RV_EXEC_GUEST) {
			r = exec_guest(&plan, envp);
		} else {
			execve(plan.path, plan.argv, envp);
			r = -errno;
		}
		rv_exec_plan_free(&plan);
	}
	free_vector(argv);
	free_vector(envp);
	return r;
}
