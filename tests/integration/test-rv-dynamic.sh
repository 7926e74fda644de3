#!/usr/bin/env bash
# karasu-rv runs dynamically linked riscv64 programs as qemu-riscv64 runs them.
#
# (a) Programs built here with riscv64-linux-gnu-gcc against Debian's cross sysroot: a dynamically linked
#     hello (PIE and not), with the default prefix, with -L and with QEMU_LD_PREFIX; a program that checks
#     its auxiliary vector against its own /proc/self/maps (AT_BASE is where the interpreter is mapped,
#     AT_PHDR and AT_ENTRY lie in the program, /proc/self/exe is the program); dlopen/dlsym/dlclose of a
#     library built here; execve of a dynamic program, of #! scripts (interpreter looked up under the
#     prefix) and of a host program. Each output is compared with qemu-riscv64 -L (the same prefix),
#     except where qemu-riscv64 cannot run it without binfmt_misc (a riscv64 program started by execve):
#     there the expected output is written here from the C and POSIX semantics.
# (b) Ordinary work with the Debian 13 riscv64 binaries of $BUILD/sysroot-rv (scripts/fetch-sysroot-rv):
#     ls, sha256sum, md5sum, sort, uniq, grep, sed, gawk, gzip, xz, find, and bash loops and pipelines,
#     each command run under karasu-rv -L and qemu-riscv64 -L with identical output and exit status, and
#     where the output does not depend on the tools' versions, also identical to the host's own tools;
#     finally the whole work as one bash script (every command a riscv64 process started by execve)
#     against the same script run by the host's bash.
set -u
. "$(dirname "$0")/lib.sh"
SRC_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
SYSROOT=${RV_SYSROOT:-$BUILD/sysroot-rv}
CROSS=/usr/riscv64-linux-gnu
CC=riscv64-linux-gnu-gcc
LOG_DIR=$BUILD/test-logs/rv-dynamic
WORK=$LOG_DIR/work
T=60 # seconds per command
mkdir -p "$LOG_DIR"
LOG_DIR=$(cd "$LOG_DIR" && pwd) # commands below run in other directories
WORK=$LOG_DIR/work
exec 9>"$LOG_DIR/.lock"
flock 9
rm -rf "$WORK"
mkdir -p "$WORK"

# ---- what the test needs: a failure, not a skip, when something is missing ----
need_fail=0
[ -x "$KARASU_RV" ] || { tap_fail "$KARASU_RV is not built"; need_fail=1; }
command -v qemu-riscv64 >/dev/null || { tap_fail "qemu-riscv64 (the reference) is missing: apt-get install qemu-user"; need_fail=1; }
command -v $CC >/dev/null || { tap_fail "$CC is missing: apt-get install gcc-riscv64-linux-gnu"; need_fail=1; }
[ -e $CROSS/lib/ld-linux-riscv64-lp64d.so.1 ] ||
	{ tap_fail "$CROSS has no ld-linux-riscv64-lp64d.so.1: apt-get install libc6-riscv64-cross"; need_fail=1; }
[ -x "$SYSROOT/usr/bin/bash" ] && [ -e "$SYSROOT/lib/ld-linux-riscv64-lp64d.so.1" ] ||
	{ tap_fail "no riscv64 Debian tree in $SYSROOT: make rv-sysroot (scripts/fetch-sysroot-rv)"; need_fail=1; }
[ $need_fail = 0 ] || tap_done
SYSROOT=$(cd "$SYSROOT" && pwd)
# a private copy: others may relink build/rv/karasu-rv while this runs (a guest execve runs this copy too)
cp "$KARASU_RV" "$WORK/karasu-rv"
K=$WORK/karasu-rv

# run NAME CMD...: CMD under a time limit, stdin /dev/null; NAME.out, NAME.err, NAME.rc in $LOG_DIR
run() {
	local name=$1
	shift
	timeout --kill-after=5 $T "$@" >"$LOG_DIR/$name.out" 2>"$LOG_DIR/$name.err" </dev/null
	echo $? >"$LOG_DIR/$name.rc"
}
# karasu-rv's notices of system calls it does not implement yet are its own diagnostics, not output
# of the program (qemu-riscv64 prints its own kind to the same place), and so is the line a shell prints
# for a signal death (karasu-rv prints it itself, qemu-riscv64 leaves it to the shell); everything else
# must match.
guest_stderr() {
	grep -vE '^karasu-rv: unsupported syscall |^(qemu: uncaught target signal .*|(karasu-rv: )?(Aborted|Segmentation fault|Bus error|Illegal instruction|Trace/breakpoint trap|Floating point exception|Killed)( \(core dumped\))?)$' \
		"$1" || true
}
# same WHAT A B: A's and B's stdout, stderr and exit status are identical
same() {
	local what=$1 a=$LOG_DIR/$2 b=$LOG_DIR/$3 bad=""
	cmp -s "$a.rc" "$b.rc" || bad="$bad exit status $(cat "$a.rc") vs $(cat "$b.rc");"
	cmp -s "$a.out" "$b.out" || bad="$bad stdout differs;"
	guest_stderr "$a.err" >"$a.err.cmp"
	guest_stderr "$b.err" >"$b.err.cmp"
	cmp -s "$a.err.cmp" "$b.err.cmp" || bad="$bad stderr differs;"
	if [ -z "$bad" ]; then
		tap_ok "$what (exit status $(cat "$a.rc"))"
	else
		tap_fail "$what:$bad"
		diff "$a.out" "$b.out" | head -n 12 | sed 's/^/    stdout| /'
		diff "$a.err.cmp" "$b.err.cmp" | head -n 8 | sed 's/^/    stderr| /'
	fi
}
# expect WHAT NAME STATUS TEXT: NAME's exit status and stdout are the given ones
expect() {
	local what=$1 name=$LOG_DIR/$2 status=$3 text=$4
	if [ "$(cat "$name.rc")" = "$status" ] && [ "$(cat "$name.out")" = "$text" ]; then
		tap_ok "$what"
	else
		tap_fail "$what: exit status $(cat "$name.rc") (want $status)" "$name.err"
		diff <(printf '%s\n' "$text") "$name.out" | head -n 12 | sed 's/^/    want vs got| /'
	fi
}

# ==== (a) programs built here ====
cat >"$WORK/hello.c" <<'EOF'
#include <stdio.h>
int main(void) { printf("hello, world\n"); return 0; }
EOF
# Its auxiliary vector against its /proc/self/maps: the kernel's promises, checked by the program.
cat >"$WORK/inspect.c" <<'EOF'
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char exe[PATH_MAX] = "", interp[PATH_MAX] = "?", libc[PATH_MAX] = "?", line[PATH_MAX + 128];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	unsigned long base = getauxval(AT_BASE), phdr = getauxval(AT_PHDR), entry = getauxval(AT_ENTRY);
	unsigned long prog_lo = ~0ul, interp_lo = 0, stack_lo = 0;
	int phdr_in = 0, entry_in = 0, heap = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, off;
		char perms[8], path[PATH_MAX] = "";
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %s", &lo, &hi, perms, &off, path) < 4)
			continue;
		if (strcmp(path, exe) == 0) {
			if (lo < prog_lo)
				prog_lo = lo;
			phdr_in |= phdr >= lo && phdr < hi;
			entry_in |= entry >= lo && entry < hi && perms[2] == 'x';
		}
		if (strstr(path, "/ld-linux-riscv64-lp64d.so.1") && off == 0 && !interp_lo) {
			interp_lo = lo;
			snprintf(interp, sizeof(interp), "%s", path);
		}
		if (strstr(path, "/libc.so.6"))
			snprintf(libc, sizeof(libc), "%s", path);
		if (strcmp(path, "[stack]") == 0)
			stack_lo = lo;
		heap |= strcmp(path, "[heap]") == 0;
	}
	printf("argv[0] = %s\n", argv[0]);
	printf("/proc/self/exe = %s\n", exe);
	printf("AT_EXECFN = %s\n", (const char *)getauxval(AT_EXECFN));
	printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
	printf("AT_HWCAP has i, m, a, f, d, c: %s\n", (getauxval(AT_HWCAP) & 0x112d) == 0x112d ? "yes" : "no");
	printf("AT_BASE is where the interpreter is mapped: %s\n", base && base == interp_lo ? "yes" : "no");
	printf("AT_PHDR lies in the program's mappings: %s\n", phdr_in ? "yes" : "no");
	printf("AT_ENTRY lies in the program's executable mapping: %s\n", entry_in ? "yes" : "no");
	printf("AT_RANDOM given: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
	printf("a [stack] line: %s\n", stack_lo ? "yes" : "no");
	printf("interpreter = %s\n", interp);
	printf("libc = %s\n", libc);
	/* (qemu-riscv64 7.2 does not name the brk area [heap]; Linux does once it is used, as malloc has) */
	if (argc > 1 && strcmp(argv[1], "--layout") == 0)
		printf("program 0x%lx interpreter 0x%lx stack 0x%lx heap %s\n", prog_lo, interp_lo, stack_lo,
		       heap ? "named" : "unnamed");
	return 0;
}
EOF
cat >"$WORK/add.c" <<'EOF'
int counter = 40;
int add(int a, int b) { return a + b + counter++; }
EOF
# the same function name, other code: loaded where add.c's library was, it must run its own code
cat >"$WORK/mul.c" <<'EOF'
int counter = 1;
int add(int a, int b) { return a * b * counter; }
EOF
cat >"$WORK/dltest.c" <<'EOF'
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	int (*add)(int, int) = (int (*)(int, int))dlsym(h, "add");
	int *counter = (int *)dlsym(h, "counter");
	if (!add || !counter) {
		printf("dlsym: %s\n", dlerror());
		return 1;
	}
	int first = add(1, 1);
	int second = add(1, 1);
	printf("add: %d %d, counter %d\n", first, second, *counter);
	printf("missing symbol: %s\n", dlsym(h, "nothing_here") ? "found" : "not found");
	if (dlclose(h) != 0) {
		printf("dlclose: %s\n", dlerror());
		return 1;
	}
	/* after dlclose the library is gone: opening it again starts from its initial data */
	h = dlopen(argv[1], RTLD_NOW);
	counter = h ? (int *)dlsym(h, "counter") : NULL;
	printf("reopened, counter %d\n", counter ? *counter : -1);
	void *first_code = h ? dlsym(h, "add") : NULL;
	dlclose(h);
	/* another library with a function of the same name, likely mapped at the same place */
	h = dlopen(argv[2], RTLD_NOW);
	add = h ? (int (*)(int, int))dlsym(h, "add") : NULL;
	printf("the other library's add(6, 7) = %d\n", add ? add(6, 7) : -1);
	if (getenv("DLTEST_SHOW_REUSE"))
		fprintf(stderr, "code address reused: %s\n", (void *)add == first_code ? "yes" : "no");
	void *m = dlopen("libm.so.6", RTLD_NOW);
	double (*sqrt_fn)(double) = m ? (double (*)(double))dlsym(m, "sqrt") : NULL;
	printf("libm sqrt(2) = %.6f\n", sqrt_fn ? sqrt_fn(2.0) : -1.0);
	printf("%s\n", dlopen("libkarasu-none.so", RTLD_NOW) ? "opened a missing library" : dlerror());
	return 0;
}
EOF
cat >"$WORK/exectest.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	fflush(stdout);
	execv(argv[1], argv + 2);
	printf("execv %s: %s\n", argv[1], strerror(errno));
	return 1;
}
EOF
cat >"$WORK/showargs.c" <<'EOF'
#include <stdio.h>
#include <sys/auxv.h>
int main(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = <%s>\n", i, argv[i]);
	printf("AT_EXECFN = %s\n", (const char *)getauxval(AT_EXECFN));
	return 0;
}
EOF
build_ok=1
cc_run() { # output, then gcc arguments
	local out=$1
	shift
	$CC -O2 -Wall -o "$WORK/$out" "$@" >>"$LOG_DIR/build.log" 2>&1 || build_ok=0
}
: >"$LOG_DIR/build.log"
cc_run hello "$WORK/hello.c"
cc_run hello-nopie -no-pie "$WORK/hello.c"
cc_run inspect "$WORK/inspect.c"
cc_run inspect-nopie -no-pie "$WORK/inspect.c"
cc_run libadd.so -shared -fPIC "$WORK/add.c"
cc_run libmul.so -shared -fPIC "$WORK/mul.c"
cc_run dltest "$WORK/dltest.c" -ldl
cc_run exectest "$WORK/exectest.c"
cc_run showargs "$WORK/showargs.c"
if [ $build_ok = 1 ] && riscv64-linux-gnu-readelf -l "$WORK/hello" | grep -q 'interpreter: /lib/ld-linux-riscv64-lp64d.so.1' &&
	riscv64-linux-gnu-readelf -h "$WORK/hello" | grep -q 'DYN' && riscv64-linux-gnu-readelf -h "$WORK/hello-nopie" | grep -q 'EXEC'; then
	tap_ok "test programs built: dynamically linked (PT_INTERP /lib/ld-linux-riscv64-lp64d.so.1), PIE and not"
else
	tap_fail "building the riscv64 test programs" "$LOG_DIR/build.log"
	tap_done
fi
cd "$WORK" || exit 1

# -- the prefix: default, -L, QEMU_LD_PREFIX --
run hello.qemu qemu-riscv64 -L $CROSS ./hello
run hello.default "$K" ./hello
same "dynamic PIE hello with the default prefix ($CROSS) = qemu-riscv64 -L $CROSS" hello.default hello.qemu
run hello.L "$K" -L $CROSS ./hello
same "dynamic PIE hello with -L $CROSS = qemu-riscv64" hello.L hello.qemu
run hello.interp "$K" --interp ./hello
same "dynamic PIE hello, interpreter only (--interp) = qemu-riscv64" hello.interp hello.qemu
run hello-nopie.qemu qemu-riscv64 -L $CROSS ./hello-nopie
run hello-nopie "$K" ./hello-nopie
same "dynamic non-PIE hello = qemu-riscv64" hello-nopie hello-nopie.qemu
expect "qemu-riscv64 runs hello (the reference works)" hello.qemu 0 "hello, world"

run inspect.qemu qemu-riscv64 -L $CROSS ./inspect
run inspect "$K" ./inspect
same "auxv and /proc/self/maps of a PIE (AT_BASE, AT_PHDR, AT_ENTRY, /proc/self/exe, interpreter and libc from the prefix) = qemu-riscv64" inspect inspect.qemu
check_log "qemu-riscv64 agrees with the inspect program's checks (all yes)" "$LOG_DIR/inspect.qemu.out" \
	'AT_ENTRY lies in the program.s executable mapping: yes'
if grep -q ': no$' "$LOG_DIR/inspect.out"; then
	tap_fail "inspect under karasu-rv: a check said no" "$LOG_DIR/inspect.out"
else
	tap_ok "inspect under karasu-rv: every check says yes"
fi
run inspect-nopie.qemu qemu-riscv64 -L $CROSS ./inspect-nopie
run inspect-nopie "$K" ./inspect-nopie
same "auxv and /proc/self/maps of a non-PIE program = qemu-riscv64" inspect-nopie inspect-nopie.qemu

# where things are: riscv64 Linux puts a PIE at ELF_ET_DYN_BASE (2/3 of the Sv39 user space, here without
# randomisation), a non-PIE at its link address, the interpreter top-down in the mmap area below the stack
run inspect.layout "$K" ./inspect --layout
run inspect-nopie.layout "$K" ./inspect-nopie --layout
read -r _ pie_at _ pie_interp _ pie_stack _ pie_heap < <(grep '^program ' "$LOG_DIR/inspect.layout.out")
read -r _ nopie_at _ _ _ _ _ _ < <(grep '^program ' "$LOG_DIR/inspect-nopie.layout.out")
if [ "${pie_at:-}" = 0x2aaaaaa000 ] && [ "${nopie_at:-}" = 0x10000 ] && [ "${pie_heap:-}" = named ] &&
	[ $((pie_interp)) -gt $((pie_at)) ] && [ $((pie_interp)) -lt $((pie_stack)) ]; then
	tap_ok "PIE at 0x2aaaaaa000, non-PIE at its link address 0x10000, interpreter between them and the stack ($pie_interp), [heap] named"
else
	tap_fail "layout: PIE at ${pie_at:-?}, non-PIE at ${nopie_at:-?}, interpreter ${pie_interp:-?}, stack ${pie_stack:-?}, heap ${pie_heap:-?}" \
		"$LOG_DIR/inspect.layout.out"
fi

run inspect.env.qemu env QEMU_LD_PREFIX="$SYSROOT" qemu-riscv64 ./inspect
run inspect.env env QEMU_LD_PREFIX="$SYSROOT" "$K" ./inspect
same "QEMU_LD_PREFIX=sysroot-rv: interpreter and libc from Debian's tree, as qemu-riscv64" inspect.env inspect.env.qemu
check_log "... and the libc is the tree's" "$LOG_DIR/inspect.env.out" "^libc = $SYSROOT/"
run inspect.both env QEMU_LD_PREFIX="$SYSROOT" "$K" -L $CROSS ./inspect
same "-L wins over QEMU_LD_PREFIX, as in qemu-riscv64" inspect.both inspect.qemu
run hello.none "$K" -L / ./hello
if [ "$(cat "$LOG_DIR/hello.none.rc")" = 125 ] && grep -q '/lib/ld-linux-riscv64-lp64d.so.1' "$LOG_DIR/hello.none.err"; then
	tap_ok "-L / (no prefix): the interpreter is not found; exit status 125 and its name on stderr"
else
	tap_fail "-L /: exit status $(cat "$LOG_DIR/hello.none.rc"), want 125 naming the interpreter" "$LOG_DIR/hello.none.err"
fi
run hello.badprefix "$K" -L /nonexistent-prefix ./hello
check_log "-L of a missing directory is a usage error" "$LOG_DIR/hello.badprefix.err" '^karasu-rv: -L /nonexistent-prefix: No such file'
[ "$(cat "$LOG_DIR/hello.badprefix.rc")" = 2 ] && tap_ok "... with exit status 2" ||
	tap_fail "-L /nonexistent-prefix: exit status $(cat "$LOG_DIR/hello.badprefix.rc"), want 2"

# -- dlopen --
run dltest.qemu qemu-riscv64 -L $CROSS ./dltest ./libadd.so ./libmul.so
run dltest "$K" ./dltest ./libadd.so ./libmul.so
same "dlopen/dlsym/dlclose of libraries built here, libm by name, a missing library = qemu-riscv64" dltest dltest.qemu
expect "dlopen results are those of the C source" dltest.qemu 0 "add: 42 43, counter 42
missing symbol: not found
reopened, counter 40
the other library's add(6, 7) = 42
libm sqrt(2) = 1.414214
libkarasu-none.so: cannot open shared object file: No such file or directory"
run dltest.interp "$K" --interp ./dltest ./libadd.so ./libmul.so
same "dlopen test, interpreter only = qemu-riscv64" dltest.interp dltest.qemu
# translated code of an unmapped library must go: here the other library's code sits where the first
# one's was (karasu-rv reuses the hole; qemu-riscv64 happens not to), and its add must run
run dltest.reuse env DLTEST_SHOW_REUSE=1 "$K" ./dltest ./libadd.so ./libmul.so
if grep -q '^code address reused: yes$' "$LOG_DIR/dltest.reuse.err" && grep -q "add(6, 7) = 42$" "$LOG_DIR/dltest.reuse.out"; then
	tap_ok "dlclose, then another library at the same address: its own code runs (translations of the old one dropped)"
else
	tap_fail "library code at a reused address: $(tail -n 1 "$LOG_DIR/dltest.reuse.err"), $(grep 'other library' "$LOG_DIR/dltest.reuse.out")"
fi

# -- execve --
run exec.dynamic "$K" ./exectest ./hello hello
expect "execve of a dynamic program runs it under karasu-rv" exec.dynamic 0 "hello, world"
printf '#!%s  -x  y \necho not reached\n' "$WORK/showargs" >"$WORK/script1"
chmod +x "$WORK/script1"
run exec.script "$K" ./exectest ./script1 ignored a1 "a 2"
expect "execve of a #! script: the interpreter with its one argument, the script, the arguments (binfmt_script)" \
	exec.script 0 "argv[0] = <$WORK/showargs>
argv[1] = <-x  y>
argv[2] = <./script1>
argv[3] = <a1>
argv[4] = <a 2>
AT_EXECFN = ./script1"
cat >"$WORK/script2" <<'EOF'
#!/bin/sh
echo "sh: $((6 * 7)) $1"
uname -m
cut -d. -f1 /etc/debian_version
EOF
chmod +x "$WORK/script2"
run exec.sh env PATH=/usr/bin:/bin "$K" -L "$SYSROOT" ./exectest ./script2 script2 arg
expect "#!/bin/sh under -L sysroot-rv: Debian's riscv64 dash, uname and cut (Debian 13's /etc/debian_version)" \
	exec.sh 0 "sh: 42 arg
riscv64
13"
cp /bin/echo "$WORK/host-echo"
run exec.host.qemu qemu-riscv64 -L $CROSS ./exectest ./host-echo echo from the host
run exec.host "$K" ./exectest ./host-echo echo from the host
same "execve of a host (x86-64) program runs it natively, as under qemu-riscv64" exec.host exec.host.qemu
printf 'no magic here\n' >"$WORK/garbage"
chmod +x "$WORK/garbage"
run exec.garbage.qemu qemu-riscv64 -L $CROSS ./exectest ./garbage garbage
run exec.garbage "$K" ./exectest ./garbage garbage
same "execve of a file of no known format: ENOEXEC, as under qemu-riscv64" exec.garbage exec.garbage.qemu
run exec.missing "$K" ./exectest ./not-there x
expect "execve of a missing file: ENOENT" exec.missing 1 "execv ./not-there: No such file or directory"

# -- the C programs of guest/rv/programs (threads, signals, fork, mmap, self-modifying code...), which
# test-rv-programs.sh runs statically linked, here dynamically linked --
PROG_SRC=$SRC_ROOT/guest/rv/programs
mkdir -p "$WORK/programs"
progs_built=0
for src in "$PROG_SRC"/*.c; do
	p=$(basename "$src" .c)
	$CC -std=gnu11 -O2 -Wall -Wextra -Werror -I"$SRC_ROOT" -o "$WORK/programs/$p" "$src" -lm \
		>>"$LOG_DIR/build.log" 2>&1 && progs_built=$((progs_built + 1))
done
if [ "$progs_built" -ge 10 ] && [ "$progs_built" = "$(ls "$PROG_SRC"/*.c | wc -l)" ]; then
	tap_ok "guest/rv/programs built dynamically linked ($progs_built programs)"
else
	tap_fail "building guest/rv/programs dynamically linked: $progs_built built" "$LOG_DIR/build.log"
fi
for src in "$PROG_SRC"/*.c; do
	p=$(basename "$src" .c)
	[ -x "$WORK/programs/$p" ] || continue
	args=()
	[ "$p" = args ] && args=(one "two words" "" "--dash")
	for engine in q k; do
		mkdir -p "$WORK/tmp.$engine"
		case $engine in
		q) cmd=(qemu-riscv64 -L $CROSS) ;;
		k) cmd=("$K") ;;
		esac
		{ run "prog.$p.$engine" env KARASU_TEST_VAR="value with spaces=and equals" TMPDIR="$WORK/tmp.$engine" \
			"${cmd[@]}" "$WORK/programs/$p" "${args[@]}"; } 2>/dev/null
		rm -rf "$WORK/tmp.$engine"
	done
	same "guest/rv/programs/$p.c, dynamically linked = qemu-riscv64" "prog.$p.k" "prog.$p.q"
done

# ==== (b) Debian's riscv64 binaries ====
D=$WORK/data
mkdir -p "$D/sub/deeper" "$D/empty"
seq 1 2000 | sed 's/$/ lorem ipsum dolor sit amet/' >"$D/lines.txt"
printf '%s\n' pear apple fig apple banana pear apple cherry >"$D/fruit.txt"
head -c 300000 /dev/zero | tr '\0' 'k' >"$D/sub/k.bin"
seq 5000 -7 1 >"$D/sub/deeper/numbers.txt"
printf 'name,qty,price\nbolt,12,0.25\nnut,40,0.05\nwasher,7,0.02\n' >"$D/sub/parts.csv"
ln -s lines.txt "$D/link.txt"
chmod 640 "$D/fruit.txt"
chmod 750 "$D/sub/deeper"
find "$D" -exec touch -h -d '2024-05-06 07:08:09 UTC' {} +
export LC_ALL=C TZ=UTC

# step NAME PROGRAM ARGS...: the sysroot's PROGRAM under karasu-rv and under qemu-riscv64, same output
step() {
	local name=$1 prog=$2
	shift 2
	run "$name.k" "$K" -L "$SYSROOT" "$SYSROOT$prog" "$@"
	run "$name.q" qemu-riscv64 -L "$SYSROOT" "$SYSROOT$prog" "$@"
	same "$name: $(basename "$prog") $* = qemu-riscv64" "$name.k" "$name.q"
}
# host NAME CMD...: the host's own tool, for output that does not depend on the version
host() {
	local name=$1
	shift
	run "$name.h" "$@"
	if cmp -s "$LOG_DIR/$name.k.out" "$LOG_DIR/$name.h.out" && cmp -s "$LOG_DIR/$name.k.rc" "$LOG_DIR/$name.h.rc"; then
		tap_ok "$name: the same as the host's $1"
	else
		tap_fail "$name: differs from the host's $*"
		diff "$LOG_DIR/$name.h.out" "$LOG_DIR/$name.k.out" | head -n 10 | sed 's/^/    host vs karasu-rv| /'
	fi
}

step ls /usr/bin/ls -ln --time-style=long-iso "$D" "$D/sub"
host ls ls -ln --time-style=long-iso "$D" "$D/sub"
step sha256 /usr/bin/sha256sum "$D/lines.txt" "$D/sub/k.bin" "$D/sub/deeper/numbers.txt"
host sha256 sha256sum "$D/lines.txt" "$D/sub/k.bin" "$D/sub/deeper/numbers.txt"
step md5 /usr/bin/md5sum "$D/lines.txt" "$D/fruit.txt"
host md5 md5sum "$D/lines.txt" "$D/fruit.txt"
step sort /usr/bin/sort -t, -k3,3n -k1,1r "$D/sub/parts.csv" "$D/fruit.txt"
host sort sort -t, -k3,3n -k1,1r "$D/sub/parts.csv" "$D/fruit.txt"
step sortn /usr/bin/sort -n -r "$D/sub/deeper/numbers.txt"
host sortn sort -n -r "$D/sub/deeper/numbers.txt"
step grep /usr/bin/grep -n -E '^(1[0-9]|7)77? ' "$D/lines.txt"
host grep grep -n -E '^(1[0-9]|7)77? ' "$D/lines.txt"
step sed /usr/bin/sed -n -e 's/^\([0-9]*\)9 lorem \(.*\)$/\2 #\1/p' "$D/lines.txt"
host sed sed -n -e 's/^\([0-9]*\)9 lorem \(.*\)$/\2 #\1/p' "$D/lines.txt"
step gawk /usr/bin/gawk -F, 'NR > 1 { total += $2 * $3; n++ } END { printf "%d parts, %.2f\n", n, total }' "$D/sub/parts.csv"
host gawk awk -F, 'NR > 1 { total += $2 * $3; n++ } END { printf "%d parts, %.2f\n", n, total }' "$D/sub/parts.csv"
step find /usr/bin/find "$D" -name '*.txt' -newermt '2024-01-01' -size +1k -type f
host find find "$D" -name '*.txt' -newermt '2024-01-01' -size +1k -type f
step gzip /usr/bin/gzip -9 -n -c "$D/lines.txt"
cp "$LOG_DIR/gzip.k.out" "$WORK/lines.gz"
if gzip -dc "$WORK/lines.gz" | cmp -s - "$D/lines.txt"; then
	tap_ok "gzip round trip: riscv64 gzip's output decompresses with the host's gzip to the original"
else
	tap_fail "gzip round trip: the host's gzip -d does not give back the original"
fi
gzip -9 -n -c "$D/sub/deeper/numbers.txt" >"$WORK/numbers.gz"
step gunzip /usr/bin/gzip -d -c "$WORK/numbers.gz"
cmp -s "$LOG_DIR/gunzip.k.out" "$D/sub/deeper/numbers.txt" && tap_ok "gzip -d of the host's gzip output gives back the original" ||
	tap_fail "riscv64 gzip -d of the host's gzip output differs from the original"
step xz /usr/bin/xz -6 -c "$D/lines.txt"
cp "$LOG_DIR/xz.k.out" "$WORK/lines.xz"
if xz -dc "$WORK/lines.xz" | cmp -s - "$D/lines.txt"; then
	tap_ok "xz round trip: riscv64 xz's output decompresses with the host's xz to the original"
else
	tap_fail "xz round trip: the host's xz -d does not give back the original"
fi
xz -c "$D/sub/k.bin" >"$WORK/k.xz"
step unxz /usr/bin/xz -d -c "$WORK/k.xz"
cmp -s "$LOG_DIR/unxz.k.out" "$D/sub/k.bin" && tap_ok "xz -d of the host's xz output gives back the original" ||
	tap_fail "riscv64 xz -d of the host's xz output differs from the original"
step uniq /usr/bin/bash -c "sort '$D/fruit.txt' | uniq -c | sort -k1,1nr -k2"
host uniq bash -c "sort '$D/fruit.txt' | uniq -c | sort -k1,1nr -k2"

# the work as one bash script: every command is a riscv64 process that bash starts by execve under
# karasu-rv; the same script under the host's bash (with the host's tools) must print the same
cat >"$WORK/work.sh" <<'EOF'
set -euo pipefail
D=$1
cd "$D"
echo "== listing"
ls -1p | while read -r f; do
	case "$f" in
	*/) printf '%-12s dir\n' "$f" ;;
	*) printf '%-12s %s bytes\n' "$f" "$(wc -c <"$f")" ;;
	esac
done
echo "== hashes"
sha256sum lines.txt sub/k.bin | cut -c1-16
md5sum <fruit.txt
echo "== counting"
sort fruit.txt | uniq -c | sort -k1,1nr -k2 | head -n 3
total=0
for n in $(seq 1 250); do
	if (( n % 7 == 0 )); then total=$((total + n)); fi
done
echo "sum of multiples of 7 up to 250: $total"
echo "== text"
grep -c lorem lines.txt
sed -n '500,502p' lines.txt | tr 'a-z' 'A-Z'
awk -F, 'NR > 1 { printf "%s=%d\n", $1, $2 * 100 }' sub/parts.csv | paste -sd ' ' -
echo "== compression"
gzip -c lines.txt | gzip -dc | sha256sum | cut -c1-16
xz -c sub/deeper/numbers.txt | xz -dc | tail -n 2
tmp=$(mktemp -d)
cp -r sub "$tmp/copy"
find "$tmp" -type f | sed "s|$tmp/||" | sort
rm -rf "$tmp"
echo "== subshells and here-documents"
x=$(cat <<END | wc -l
one
two
END
)
echo "lines: $x; exit of false in a subshell: $( (false) && echo 0 || echo 1)"
echo done
EOF
run work.k env PATH=/usr/bin:/bin "$K" -L "$SYSROOT" "$SYSROOT/usr/bin/bash" "$WORK/work.sh" "$D"
run work.h env PATH=/usr/bin:/bin bash "$WORK/work.sh" "$D"
if cmp -s "$LOG_DIR/work.k.out" "$LOG_DIR/work.h.out" && [ "$(cat "$LOG_DIR/work.k.rc")" = 0 ] &&
	grep -q '^done$' "$LOG_DIR/work.k.out"; then
	tap_ok "a bash script of ordinary work (pipelines, loops, subshells; ~30 riscv64 processes) prints what the host's bash and tools print"
else
	tap_fail "the work script: exit status $(cat "$LOG_DIR/work.k.rc") (host: $(cat "$LOG_DIR/work.h.rc"))" "$LOG_DIR/work.k.err"
	diff "$LOG_DIR/work.h.out" "$LOG_DIR/work.k.out" | head -n 20 | sed 's/^/    host vs karasu-rv| /'
fi
tap_done
