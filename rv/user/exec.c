/* What a guest execve runs (exec.h): format recognition, #! interpreters, the checks Linux makes
 * before it lets go of the calling program. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rv/elf/elf_header.h"
#include "rv/user/elf.h"
#include "rv/user/exec.h"
#include "rv/user/prefix.h"

#define EM_RISCV_NUMBER    243
#define ELF_MACHINE_OFFSET 18 /* e_machine in the ELF header */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Ends the interpreter's name: a blank or the end of the string. */
static bool name_end(char c)
{
	return blank(c) || c == '\0';
}

int rv_exec_parse_shebang(const char *head, size_t len, char *interp, size_t interp_len, char *arg,
                          size_t arg_len, bool *has_arg)
{
	/* the kernel's buffer: the file's first bytes, zero-filled after a short file */
	char line[RV_EXEC_HEAD_SIZE + 1];
	if (len > RV_EXEC_HEAD_SIZE)
		len = RV_EXEC_HEAD_SIZE;
	memset(line, 0, sizeof(line));
	memcpy(line, head, len);
	if (len < 2 || line[0] != '#' || line[1] != '!')
		return -ENOEXEC;
	size_t end; /* the line: [2, end) */
	const char *nl = memchr(line, '\n', RV_EXEC_HEAD_SIZE);
	if (nl) {
		end = (size_t)(nl - line);
	} else {
		/* no newline in the buffer: usable only if the interpreter's name visibly ends in it */
		size_t i = 2;
		while (i < RV_EXEC_HEAD_SIZE - 1 && blank(line[i]))
			i++;
		if (i >= RV_EXEC_HEAD_SIZE - 1)
			return -ENOEXEC;
		while (i < RV_EXEC_HEAD_SIZE - 1 && !name_end(line[i]))
			i++;
		if (i >= RV_EXEC_HEAD_SIZE - 1)
			return -ENOEXEC; /* the name may go on past the buffer */
		end = RV_EXEC_HEAD_SIZE - 1;
	}
	while (end > 2 && blank(line[end - 1]))
		end--;
	line[end] = '\0';
	size_t name = 2;
	while (name < end && blank(line[name]))
		name++;
	if (name >= end || line[name] == '\0')
		return -ENOEXEC;
	size_t sep = name;
	while (sep < end && !name_end(line[sep]))
		sep++;
	*has_arg = false;
	arg[0] = '\0';
	if (sep < end && line[sep] != '\0') {
		size_t a = sep;
		while (a < end && blank(line[a]))
			a++;
		if (a < end) {
			*has_arg = true;
			snprintf(arg, arg_len, "%s", line + a);
		}
	}
	line[sep] = '\0';
	if ((size_t)snprintf(interp, interp_len, "%s", line + name) >= interp_len)
		return -ENAMETOOLONG;
	return 0;
}

bool rv_exec_is_riscv64(const unsigned char *head, size_t len)
{
	return len >= ELF_MACHINE_OFFSET + 2 && memcmp(head, ELFMAG, SELFMAG) == 0 &&
	       head[EI_CLASS] == ELFCLASS64 && head[EI_DATA] == ELFDATA2LSB &&
	       head[ELF_MACHINE_OFFSET] == EM_RISCV_NUMBER && head[ELF_MACHINE_OFFSET + 1] == 0;
}

void rv_exec_plan_free(struct rv_exec_plan *plan)
{
	for (int i = 0; plan->argv && i < plan->argc; i++)
		free(plan->argv[i]);
	free(plan->argv);
	plan->argv = NULL;
	plan->argc = 0;
}

/* Puts front[0..nfront) in place of the plan's first `drop` arguments. 0 or -ENOMEM. */
static int argv_replace_front(struct rv_exec_plan *plan, int drop, const char *const *front, int nfront)
{
	int argc = plan->argc - drop + nfront;
	char **v = calloc((size_t)argc + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < nfront; i++) {
		v[i] = strdup(front[i]);
		if (!v[i]) {
			for (int k = 0; k < i; k++)
				free(v[k]);
			free(v);
			return -ENOMEM;
		}
	}
	for (int i = 0; i < drop; i++)
		free(plan->argv[i]);
	for (int i = drop; i < plan->argc; i++)
		v[nfront + i - drop] = plan->argv[i];
	free(plan->argv);
	plan->argv = v;
	plan->argc = argc;
	return 0;
}

/* Opens a file execve may run: a regular file with execute permission, as Linux demands of the
 * program and of every interpreter. Returns the descriptor or -errno. */
static int open_executable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/* Reads a whole (regular) file. Returns the buffer (size in *size) or NULL with *err = -errno. */
static uint8_t *read_all(int fd, size_t *size, int *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		*err = -errno;
		return NULL;
	}
	uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (n <= 0) {
			free(buf);
			*err = n < 0 ? -errno : -ENOEXEC;
			return NULL;
		}
		got += (size_t)n;
	}
	*size = got;
	return buf;
}

/* A riscv64 program must load: its headers valid, its ELF interpreter (if any) present and riscv64. */
static int check_guest_program(const char *prefix, int fd)
{
	size_t size = 0;
	int err = 0;
	uint8_t *data = read_all(fd, &size, &err);
	if (!data)
		return err;
	char why[200], interp[RV_ELF_INTERP_MAX];
	int r = 0;
	if (rv_elf_check(data, size, why, sizeof(why)) != 0) {
		r = -ENOEXEC;
	} else if (rv_elf_interp(data, size, interp, sizeof(interp))) {
		char host[PATH_MAX];
		int ifd = open(rv_prefix_lookup(prefix, interp, host, sizeof(host)), O_RDONLY | O_CLOEXEC);
		if (ifd < 0) {
			r = -errno;
		} else {
			size_t isize = 0;
			uint8_t *idata = read_all(ifd, &isize, &err);
			if (!idata)
				r = err;
			else if (rv_elf_check(idata, isize, why, sizeof(why)) != 0)
				r = -ELIBBAD;
			free(idata);
			close(ifd);
		}
	}
	free(data);
	return r;
}

int rv_exec_plan(const char *prefix, const char *self_exe, const char *path, char *const argv[],
                 struct rv_exec_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	if (snprintf(plan->execfn, sizeof(plan->execfn), "%s", path) >= (int)sizeof(plan->execfn))
		return -ENAMETOOLONG;
	/* Linux gives a program started with an empty argv one empty argument */
	static const char *const empty_arg[] = {""};
	int argc = 0;
	while (argv[argc])
		argc++;
	plan->argv = calloc(1, sizeof(char *));
	if (!plan->argv)
		return -ENOMEM;
	int r = argv_replace_front(plan, 0, argc ? (const char *const *)argv : empty_arg, argc ? argc : 1);
	if (r != 0) {
		rv_exec_plan_free(plan);
		return r;
	}

	char cur[PATH_MAX];
	snprintf(cur, sizeof(cur), "%s", strcmp(path, "/proc/self/exe") == 0 ? self_exe : path);
	for (int depth = 0;; depth++) {
		if (depth >= RV_EXEC_MAX_DEPTH) {
			r = -ELOOP;
			break;
		}
		char host[PATH_MAX];
		const char *file = rv_prefix_lookup(prefix, cur, host, sizeof(host));
		snprintf(plan->path, sizeof(plan->path), "%s", file);
		int fd = open_executable(plan->path);
		if (fd < 0) {
			r = fd;
			break;
		}
		unsigned char head[RV_EXEC_HEAD_SIZE];
		ssize_t n = pread(fd, head, sizeof(head), 0);
		if (n < 0) {
			r = -errno;
			close(fd);
			break;
		}
		if (rv_exec_is_riscv64(head, (size_t)n)) {
			plan->kind = RV_EXEC_GUEST;
			r = check_guest_program(prefix, fd);
			close(fd);
			break;
		}
		close(fd);
		char interp[PATH_MAX], arg[RV_EXEC_HEAD_SIZE];
		bool has_arg;
		if (rv_exec_parse_shebang((const char *)head, (size_t)n, interp, sizeof(interp), arg,
		                          sizeof(arg), &has_arg) != 0) {
			plan->kind = RV_EXEC_HOST; /* a host program, or the host's ENOEXEC */
			r = 0;
			break;
		}
		/* argv becomes: interpreter, its argument, the script's name as execve got it, argv[1..] */
		const char *front[3];
		int nfront = 0;
		front[nfront++] = interp;
		if (has_arg)
			front[nfront++] = arg;
		front[nfront++] = cur;
		r = argv_replace_front(plan, 1, front, nfront);
		if (r != 0)
			break;
		snprintf(cur, sizeof(cur), "%s", interp);
	}
	if (r != 0)
		rv_exec_plan_free(plan);
	return r;
}
