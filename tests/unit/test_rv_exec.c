/* Unit tests of what a guest execve runs (rv/user/exec.c) and of the library prefix (rv/user/prefix.c):
 * the #! line parsed by Linux's binfmt_script rules, the riscv64 ELF test, the prefix chosen from -L,
 * QEMU_LD_PREFIX or the default, absolute paths looked up under it (qemu-user's rule: the prefix's file
 * when it exists, else the host's), and the plan for real files in a temporary tree. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rv/user/exec.h"
#include "rv/user/prefix.h"

/* ---- #! lines ---- */

struct shebang {
	int ret;
	char interp[PATH_MAX];
	char arg[RV_EXEC_HEAD_SIZE];
	bool has_arg;
};

static struct shebang parse(const char *text, size_t len)
{
	struct shebang s;
	memset(&s, 0, sizeof(s));
	s.ret =
	    rv_exec_parse_shebang(text, len, s.interp, sizeof(s.interp), s.arg, sizeof(s.arg), &s.has_arg);
	return s;
}

static struct shebang parse_str(const char *text)
{
	return parse(text, strlen(text));
}

static void test_shebang_lines(void **state)
{
	(void)state;
	struct shebang s = parse_str("#!/bin/sh\necho hi\n");
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/bin/sh");
	assert_false(s.has_arg);

	/* blanks before the name are skipped; the rest of the line, trimmed, is one argument */
	s = parse_str("#! \t/usr/bin/env   python3 -u  \t\nprint()\n");
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/usr/bin/env");
	assert_true(s.has_arg);
	assert_string_equal(s.arg, "python3 -u");

	/* trailing blanks alone are no argument */
	s = parse_str("#!/bin/bash   \n");
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/bin/bash");
	assert_false(s.has_arg);

	/* a file of just the line, without a newline */
	s = parse_str("#!/bin/sh -e");
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/bin/sh");
	assert_string_equal(s.arg, "-e");

	/* a carriage return is part of the name (the classic DOS-script failure) */
	s = parse_str("#!/bin/sh\r\n");
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/bin/sh\r");

	/* a NUL ends the name, and the line */
	s = parse("#!/bin/sh\0 -x\n", 14);
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/bin/sh");
	assert_false(s.has_arg);
}

static void test_shebang_refusals(void **state)
{
	(void)state;
	assert_int_equal(parse_str("echo hi\n").ret, -ENOEXEC);
	assert_int_equal(parse_str("#\n").ret, -ENOEXEC);
	assert_int_equal(parse_str("#!\n").ret, -ENOEXEC);
	assert_int_equal(parse_str("#!   \t \n").ret, -ENOEXEC);
	assert_int_equal(parse_str("").ret, -ENOEXEC);

	/* no newline in the first 256 bytes: fine if the name visibly ends there, else it may be cut */
	char line[RV_EXEC_HEAD_SIZE + 40];
	memset(line, 'a', sizeof(line));
	memcpy(line, "#!/bin/sh ", 10);
	struct shebang s = parse(line, sizeof(line));
	assert_int_equal(s.ret, 0);
	assert_string_equal(s.interp, "/bin/sh");
	assert_true(s.has_arg);
	assert_int_equal(strlen(s.arg), RV_EXEC_HEAD_SIZE - 1 - 10); /* the buffer's last byte ends it */
	memcpy(line, "#!/bin/sha", 10);
	assert_int_equal(parse(line, sizeof(line)).ret, -ENOEXEC);
}

static void test_riscv64_elf_recognised(void **state)
{
	(void)state;
	unsigned char head[64] = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
	head[16] = ET_DYN;
	head[18] = 243; /* EM_RISCV */
	assert_true(rv_exec_is_riscv64(head, sizeof(head)));
	assert_false(rv_exec_is_riscv64(head, 19)); /* e_machine cut off */
	head[18] = 62;                              /* x86-64 */
	assert_false(rv_exec_is_riscv64(head, sizeof(head)));
	head[18] = 243;
	head[EI_CLASS] = ELFCLASS32; /* riscv32 */
	assert_false(rv_exec_is_riscv64(head, sizeof(head)));
	head[EI_CLASS] = ELFCLASS64;
	head[0] = '#';
	assert_false(rv_exec_is_riscv64(head, sizeof(head)));
}

/* ---- a temporary tree: a prefix with files, and host files outside it ---- */

struct tree {
	char root[512];        /* the temporary directory */
	char prefix[PATH_MAX]; /* root/sysroot */
};

static void put_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* A minimal valid riscv64 executable (one R+X segment holding everything), with a PT_INTERP naming
 * interp if it is not NULL. */
static void put_elf(const char *path, uint16_t type, const char *interp)
{
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph[2];
		char interp[64];
		uint8_t text[16];
	} im;
	memset(&im, 0, sizeof(im));
	memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
	im.eh.e_ident[EI_CLASS] = ELFCLASS64;
	im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im.eh.e_ident[EI_VERSION] = EV_CURRENT;
	im.eh.e_type = type;
	im.eh.e_machine = 243;
	im.eh.e_version = EV_CURRENT;
	im.eh.e_phoff = offsetof(__typeof__(im), ph);
	im.eh.e_ehsize = sizeof(Elf64_Ehdr);
	im.eh.e_phentsize = sizeof(Elf64_Phdr);
	im.eh.e_phnum = interp ? 2 : 1;
	im.eh.e_entry = 0x10000 + offsetof(__typeof__(im), text);
	im.ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
	                        .p_flags = PF_R | PF_X,
	                        .p_vaddr = 0x10000,
	                        .p_filesz = sizeof(im),
	                        .p_memsz = sizeof(im),
	                        .p_align = 0x1000};
	if (interp) {
		snprintf(im.interp, sizeof(im.interp), "%s", interp);
		im.ph[1] = (Elf64_Phdr){.p_type = PT_INTERP,
		                        .p_flags = PF_R,
		                        .p_offset = offsetof(__typeof__(im), interp),
		                        .p_filesz = strlen(interp) + 1,
		                        .p_memsz = strlen(interp) + 1,
		                        .p_align = 1};
	}
	put_file(path, &im, sizeof(im), 0755);
}

static void path_in(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_MAX, "%s%s", dir, name);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(t->root, sizeof(t->root), "%s/test_rv_exec.XXXXXX", tmp);
	if (!mkdtemp(t->root))
		return -1;
	snprintf(t->prefix, sizeof(t->prefix), "%s/sysroot", t->root);
	char p[PATH_MAX];
	const char *dirs[] = {"", "/lib", "/bin"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		path_in(p, t->prefix, dirs[i]);
		if (mkdir(p, 0755) != 0)
			return -1;
	}
	path_in(p, t->prefix, "/lib/ld-test.so.1");
	put_elf(p, ET_DYN, NULL);
	path_in(p, t->prefix, "/bin/sh");
	put_elf(p, ET_DYN, "/lib/ld-test.so.1");
	path_in(p, t->prefix, "/bin/broken"); /* names an interpreter that is not there */
	put_elf(p, ET_DYN, "/lib/missing.so.1");
	path_in(p, t->prefix, "/bin/badinterp"); /* names a file that is no riscv64 ELF */
	put_elf(p, ET_DYN, "/bin/text");
	path_in(p, t->prefix, "/bin/text");
	put_file(p, "just text\n", 10, 0755);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	int r = system(cmd);
	free(t);
	return r == 0 ? 0 : -1;
}

/* ---- the prefix ---- */

static void test_prefix_choice(void **state)
{
	struct tree *t = *state;
	char out[PATH_MAX], err[PATH_MAX + 100];
	/* -L wins over QEMU_LD_PREFIX */
	assert_int_equal(rv_prefix_choose(t->prefix, "/nonexistent", "/", out, sizeof(out), err, sizeof(err)),
	                 0);
	assert_string_equal(out, t->prefix);
	/* the environment when there is no option; trailing slashes go */
	char slashed[PATH_MAX + 2];
	snprintf(slashed, sizeof(slashed), "%s//", t->prefix);
	assert_int_equal(rv_prefix_choose(NULL, slashed, "/", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, t->prefix);
	/* relative to the working directory */
	assert_int_equal(rv_prefix_choose("sysroot", NULL, t->root, out, sizeof(out), err, sizeof(err)), 0);
	char want[PATH_MAX];
	snprintf(want, sizeof(want), "%s/sysroot", t->root);
	assert_string_equal(out, want);
	/* "" and "/" mean no prefix */
	assert_int_equal(rv_prefix_choose("/", NULL, "/", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "");
	assert_int_equal(rv_prefix_choose(NULL, "", "/", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "");
	/* neither: the Debian cross sysroot if it is there */
	struct stat st;
	bool have_default = stat(RV_PREFIX_DEFAULT, &st) == 0 && S_ISDIR(st.st_mode);
	assert_int_equal(rv_prefix_choose(NULL, NULL, "/", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, have_default ? RV_PREFIX_DEFAULT : "");
	/* a directory that is not there, or a file, is an error naming the option */
	assert_int_equal(rv_prefix_choose("/nonexistent/x", NULL, "/", out, sizeof(out), err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "-L /nonexistent/x"));
	assert_non_null(strstr(err, strerror(ENOENT)));
	char file[PATH_MAX];
	path_in(file, t->prefix, "/bin/text");
	assert_int_equal(rv_prefix_choose(NULL, file, "/", out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, RV_PREFIX_ENV));
	assert_non_null(strstr(err, "not a directory"));
}

static void test_prefix_lookup(void **state)
{
	struct tree *t = *state;
	char buf[PATH_MAX], want[PATH_MAX];
	/* an absolute path that exists under the prefix is the prefix's file */
	path_in(want, t->prefix, "/bin/sh");
	assert_string_equal(rv_prefix_lookup(t->prefix, "/bin/sh", buf, sizeof(buf)), want);
	/* one that does not is the host's */
	assert_string_equal(rv_prefix_lookup(t->prefix, "/etc/passwd", buf, sizeof(buf)), "/etc/passwd");
	/* relative paths are never changed, even when the prefix has them */
	assert_string_equal(rv_prefix_lookup(t->prefix, "bin/sh", buf, sizeof(buf)), "bin/sh");
	/* no prefix */
	assert_string_equal(rv_prefix_lookup("", "/bin/sh", buf, sizeof(buf)), "/bin/sh");
	/* too long for the buffer: the host's path */
	char small[8];
	assert_string_equal(rv_prefix_lookup(t->prefix, "/bin/sh", small, sizeof(small)), "/bin/sh");

	/* the process-wide prefix, applied in place by the syscall layer */
	rv_prefix_set(t->prefix);
	assert_string_equal(rv_prefix_get(), t->prefix);
	char path[PATH_MAX] = "/lib/ld-test.so.1";
	assert_true(rv_prefix_apply(path, sizeof(path)));
	path_in(want, t->prefix, "/lib/ld-test.so.1");
	assert_string_equal(path, want);
	char host[PATH_MAX] = "/tmp";
	assert_false(rv_prefix_apply(host, sizeof(host)));
	assert_string_equal(host, "/tmp");
	char tiny[16] = "/bin/sh"; /* the prefixed name does not fit: left alone */
	assert_false(rv_prefix_apply(tiny, sizeof(tiny)));
	assert_string_equal(tiny, "/bin/sh");
	rv_prefix_set("/");
	assert_string_equal(rv_prefix_get(), "");
}

/* ---- execve plans ---- */

static void test_plan_guest_program(void **state)
{
	struct tree *t = *state;
	char *argv[] = {"sh", "-c", "true", NULL};
	struct rv_exec_plan plan;
	assert_int_equal(rv_exec_plan(t->prefix, "/self", "/bin/sh", argv, &plan), 0);
	assert_int_equal(plan.kind, RV_EXEC_GUEST);
	char want[PATH_MAX];
	path_in(want, t->prefix, "/bin/sh");
	assert_string_equal(plan.path, want);
	assert_string_equal(plan.execfn, "/bin/sh");
	assert_int_equal(plan.argc, 3);
	assert_string_equal(plan.argv[0], "sh");
	assert_string_equal(plan.argv[2], "true");
	assert_null(plan.argv[3]);
	rv_exec_plan_free(&plan);

	/* an empty argv becomes one empty argument, as Linux does */
	char *none[] = {NULL};
	assert_int_equal(rv_exec_plan(t->prefix, "/self", "/bin/sh", none, &plan), 0);
	assert_int_equal(plan.argc, 1);
	assert_string_equal(plan.argv[0], "");
	rv_exec_plan_free(&plan);
}

static void test_plan_script(void **state)
{
	struct tree *t = *state;
	char script[PATH_MAX], nested[PATH_MAX];
	path_in(script, t->root, "/script");
	put_file(script, "#!/bin/sh -e\nexit 0\n", 20, 0755);
	/* a script whose interpreter is a script: both interpreters end up in argv */
	path_in(nested, t->root, "/nested");
	char line[PATH_MAX + 16];
	int n = snprintf(line, sizeof(line), "#!%s  x\n", script);
	put_file(nested, line, (size_t)n, 0755);

	char *argv[] = {"name", "a1", NULL};
	struct rv_exec_plan plan;
	assert_int_equal(rv_exec_plan(t->prefix, "/self", script, argv, &plan), 0);
	assert_int_equal(plan.kind, RV_EXEC_GUEST);
	char want[PATH_MAX];
	path_in(want, t->prefix, "/bin/sh"); /* the interpreter, looked up under the prefix */
	assert_string_equal(plan.path, want);
	assert_string_equal(plan.execfn, script);
	/* interpreter (as written), its argument, the script as execve got it, argv[1..] */
	assert_int_equal(plan.argc, 4);
	assert_string_equal(plan.argv[0], "/bin/sh");
	assert_string_equal(plan.argv[1], "-e");
	assert_string_equal(plan.argv[2], script);
	assert_string_equal(plan.argv[3], "a1");
	rv_exec_plan_free(&plan);

	assert_int_equal(rv_exec_plan(t->prefix, "/self", nested, argv, &plan), 0);
	assert_int_equal(plan.argc, 6);
	const char *want_argv[] = {"/bin/sh", "-e", script, "x", nested, "a1"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(plan.argv[i], want_argv[i]);
	rv_exec_plan_free(&plan);
}

static void test_plan_errors(void **state)
{
	struct tree *t = *state;
	char *argv[] = {"x", NULL};
	struct rv_exec_plan plan;
	char p[PATH_MAX];
	/* not there */
	assert_int_equal(rv_exec_plan(t->prefix, "/self", "/bin/nothing-here", argv, &plan), -ENOENT);
	/* a directory, a file without execute permission */
	assert_int_equal(rv_exec_plan(t->prefix, "/self", t->root, argv, &plan), -EACCES);
	path_in(p, t->root, "/noexec");
	put_file(p, "#!/bin/sh\n", 10, 0644);
	assert_int_equal(rv_exec_plan(t->prefix, "/self", p, argv, &plan), -EACCES); /* root too: no x bit */
	/* a riscv64 program whose interpreter is missing: ENOENT, as Linux reports it */
	assert_int_equal(rv_exec_plan(t->prefix, "/self", "/bin/broken", argv, &plan), -ENOENT);
	/* ... or is no riscv64 ELF */
	assert_int_equal(rv_exec_plan(t->prefix, "/self", "/bin/badinterp", argv, &plan), -ELIBBAD);
	/* a truncated riscv64 ELF: ENOEXEC before anything is given up */
	path_in(p, t->root, "/truncated");
	unsigned char head[24] = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
	head[16] = ET_EXEC;
	head[18] = 243;
	put_file(p, head, sizeof(head), 0755);
	assert_int_equal(rv_exec_plan(t->prefix, "/self", p, argv, &plan), -ENOEXEC);
	/* a script that is its own interpreter: ELOOP after Linux's depth */
	path_in(p, t->root, "/loop");
	char line[PATH_MAX + 8];
	int n = snprintf(line, sizeof(line), "#!%s\n", p);
	put_file(p, line, (size_t)n, 0755);
	assert_int_equal(rv_exec_plan(t->prefix, "/self", p, argv, &plan), -ELOOP);
}

static void test_plan_host_file(void **state)
{
	struct tree *t = *state;
	/* anything that is neither riscv64 nor a script goes to the host's execve unchanged */
	char *argv[] = {"text", NULL};
	struct rv_exec_plan plan;
	assert_int_equal(rv_exec_plan(t->prefix, "/self", "/bin/text", argv, &plan), 0);
	assert_int_equal(plan.kind, RV_EXEC_HOST);
	char want[PATH_MAX];
	path_in(want, t->prefix, "/bin/text");
	assert_string_equal(plan.path, want);
	assert_int_equal(plan.argc, 1);
	rv_exec_plan_free(&plan);
	/* /proc/self/exe is the running guest program */
	path_in(want, t->prefix, "/bin/sh");
	assert_int_equal(rv_exec_plan(t->prefix, want, "/proc/self/exe", argv, &plan), 0);
	assert_int_equal(plan.kind, RV_EXEC_GUEST);
	assert_string_equal(plan.path, want);
	assert_string_equal(plan.execfn, "/proc/self/exe");
	rv_exec_plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shebang_lines),
	    cmocka_unit_test(test_shebang_refusals),
	    cmocka_unit_test(test_riscv64_elf_recognised),
	    cmocka_unit_test_setup_teardown(test_prefix_choice, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_prefix_lookup, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_guest_program, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_script, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_errors, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_host_file, tree_setup, tree_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
