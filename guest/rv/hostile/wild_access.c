/* Wild memory accesses and jumps, one case per run (argv[1]). A SIGSEGV/SIGBUS handler prints
 *   "signal SIG code CODE addr ok|ADDR"   ("ok": si_addr is the address the case aimed at)
 * then restores the default action and returns, so the access faults again and the program dies of the
 * signal as it would without a handler (exit status 128 + SIG, the shell's message). The expected
 * signal, code and address check for each case are in the table (Linux riscv64, Sv39: user addresses
 * end at 2^38). `list` prints "NAME SIG CODE ADDRCHECK" for the test script. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE     4096ul
#define USER_END (1ul << 38)

static volatile uintptr_t target; /* the address the case aims at (0: do not compare) */

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char line[128];
	if (target && (uintptr_t)si->si_addr == target)
		snprintf(line, sizeof(line), "signal %d code %d addr ok\n", sig, si->si_code);
	else
		snprintf(line, sizeof(line), "signal %d code %d addr %p\n", sig, si->si_code, si->si_addr);
	if (write(1, line, strlen(line)) < 0)
		_exit(99);
	signal(sig, SIG_DFL);
}

static uint8_t *map_at(uintptr_t addr, size_t len, int prot)
{
	void *p = mmap((void *)addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | (addr ? MAP_FIXED : 0), -1, 0);
	if (p == MAP_FAILED) {
		printf("cannot map 0x%lx\n", (unsigned long)addr);
		exit(100);
	}
	return p;
}

/* a mapped page followed by a hole */
static uint8_t *page_then_hole(void)
{
	uint8_t *p = map_at(0, 2 * PAGE, PROT_READ | PROT_WRITE);
	munmap(p + PAGE, PAGE);
	return p;
}

static uint64_t load64(uintptr_t a)
{
	uint64_t v;
	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static void store64(uintptr_t a)
{
	__asm__ volatile("sd zero, 0(%0)" : : "r"(a) : "memory");
}

static void jump(uintptr_t a)
{
	((void (*)(void))a)();
}

/* every load and store form against an unmapped page inside the address space (the translator's
 * host-fault path, not its bound check): each must fault precisely (si_addr) and be recoverable.
 * (An SC without a reservation may also fail without a fault; karasu-rv faults, which the ISA allows.) */
static sigjmp_buf back;
static volatile int precise;

static void jump_back(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	(void)sig;
	precise += (uintptr_t)si->si_addr == target;
	siglongjmp(back, 1);
}

enum { FORMS = 22 };

/* one access of the given form at hole (page: the mapped page just below it) */
static __attribute__((noinline)) void access_form(int form, uintptr_t hole, uintptr_t page)
{
	uint64_t v = 0;
	double d = 0;
	float f = 0;
	switch (form) {
	case 0: __asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 1: __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 2: __asm__ volatile("lh %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 3: __asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 4: __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 5: __asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 6: __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(hole)); break;
	case 7: __asm__ volatile("flw %0, 0(%1)" : "=f"(f) : "r"(hole)); break;
	case 8: __asm__ volatile("fld %0, 0(%1)" : "=f"(d) : "r"(hole)); break;
	case 9: __asm__ volatile("sb zero, 0(%0)" : : "r"(hole) : "memory"); break;
	case 10: __asm__ volatile("sh zero, 0(%0)" : : "r"(hole) : "memory"); break;
	case 11: __asm__ volatile("sw zero, 0(%0)" : : "r"(hole) : "memory"); break;
	case 12: __asm__ volatile("sd zero, 0(%0)" : : "r"(hole) : "memory"); break;
	case 13: __asm__ volatile("fsw %0, 0(%1)" : : "f"(1.0f), "r"(hole) : "memory"); break;
	case 14: __asm__ volatile("fsd %0, 0(%1)" : : "f"(1.0), "r"(hole) : "memory"); break;
	case 15: __asm__ volatile("ld %0, -64(%1)" : "=r"(v) : "r"(hole + 64)); break;
	case 16: __asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(v) : "r"(1L), "r"(hole) : "memory"); break;
	case 17: __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(hole) : "memory"); break;
	case 18: __asm__ volatile("sc.w %0, zero, (%1)" : "=r"(v) : "r"(hole) : "memory"); break;
	case 19: { /* compressed forms need x8..x15 */
		register uintptr_t s0 __asm__("s0") = hole;
		register uint64_t s1 __asm__("s1");
		__asm__ volatile(".option push\n.option rvc\nc.ld s1, 0(s0)\n.option pop"
		                 : "=r"(s1)
		                 : "r"(s0));
		v = s1;
		break;
	}
	case 20: {
		register uintptr_t s0 __asm__("s0") = hole;
		__asm__ volatile(".option push\n.option rvc\nc.sd s0, 0(s0)\n.option pop"
		                 :
		                 : "r"(s0)
		                 : "memory");
		break;
	}
	default: { /* a loop whose 100th load is the first past the mapped page */
		volatile uint64_t *q = (volatile uint64_t *)(page + PAGE - 99 * 8);
		for (int i = 0; i < 200; i++)
			v += q[i];
		break;
	}
	}
	printf("form %d did not fault (%lx %f %f)\n", form, (unsigned long)v, d, (double)f);
}

static int every_width(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = jump_back;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	uintptr_t page = (uintptr_t)page_then_hole();
	static volatile int form, faults;
	for (form = 0; form < FORMS; form++) {
		uintptr_t hole = page + PAGE + 64;
		target = form == FORMS - 1 ? page + PAGE : hole;
		if (sigsetjmp(back, 1)) {
			faults++;
			continue;
		}
		access_form(form, hole, page);
	}
	printf("%d of %d forms faulted, %d with the exact address\n", faults, FORMS, precise);
	return faults == FORMS && precise == FORMS ? 0 : 1;
}

static int run(const char *name)
{
	uint64_t v = 0;
	if (!strcmp(name, "load-limit")) {
		target = USER_END;
		v = load64(target);
	} else if (!strcmp(name, "store-limit")) {
		target = USER_END;
		store64(target);
	} else if (!strcmp(name, "load-straddle-limit")) {
		/* the last user page is mapped; an 8-byte load at its last 4 bytes runs past the end */
		map_at(USER_END - PAGE, PAGE, PROT_READ | PROT_WRITE);
		target = 0;
		v = load64(USER_END - 4);
	} else if (!strcmp(name, "store-straddle-limit")) {
		map_at(USER_END - PAGE, PAGE, PROT_READ | PROT_WRITE);
		target = 0;
		store64(USER_END - 4);
	} else if (!strcmp(name, "load-guard")) {
		target = USER_END + 64 * 1024;
		v = load64(target);
	} else if (!strcmp(name, "store-past-guard")) {
		target = USER_END + (1ul << 20) + PAGE;
		store64(target);
	} else if (!strcmp(name, "load-2^47")) {
		target = 1ul << 47;
		v = load64(target);
	} else if (!strcmp(name, "store-2^63")) {
		target = 1ul << 63;
		store64(target);
	} else if (!strcmp(name, "load-minus-8")) {
		target = (uintptr_t)-8;
		v = load64(target);
	} else if (!strcmp(name, "load-wraps-to-8")) {
		/* ld a0, 16(a1) with a1 = -8: the address wraps around to 8 */
		target = 8;
		uintptr_t base = (uintptr_t)-8;
		__asm__ volatile("ld %0, 16(%1)" : "=r"(v) : "r"(base) : "memory");
	} else if (!strcmp(name, "store-readonly")) {
		uint8_t *p = map_at(0, PAGE, PROT_READ);
		target = (uintptr_t)p + 8;
		store64(target);
	} else if (!strcmp(name, "load-straddle-hole")) {
		uint8_t *p = page_then_hole();
		target = 0;
		v = load64((uintptr_t)p + PAGE - 4);
	} else if (!strcmp(name, "store-straddle-hole")) {
		uint8_t *p = page_then_hole();
		target = 0;
		store64((uintptr_t)p + PAGE - 4);
	} else if (!strcmp(name, "lr-unmapped")) {
		uint8_t *p = page_then_hole();
		target = (uintptr_t)p + PAGE;
		__asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(target) : "memory");
	} else if (!strcmp(name, "sc-unmapped")) {
		uint8_t *p = page_then_hole();
		target = (uintptr_t)p + PAGE;
		__asm__ volatile("sc.d %0, zero, (%1)" : "=r"(v) : "r"(target) : "memory");
	} else if (!strcmp(name, "amo-readonly")) {
		uint8_t *p = map_at(0, PAGE, PROT_READ);
		target = (uintptr_t)p;
		__asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(v) : "r"(1L), "r"(target) : "memory");
	} else if (!strcmp(name, "amo-limit")) {
		target = USER_END;
		__asm__ volatile("amoswap.d %0, %1, (%2)" : "=r"(v) : "r"(1L), "r"(target) : "memory");
	} else if (!strcmp(name, "lr-misaligned")) {
		uint8_t *p = map_at(0, PAGE, PROT_READ | PROT_WRITE);
		target = (uintptr_t)p + 4;
		__asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(target) : "memory");
	} else if (!strcmp(name, "sc-misaligned")) {
		uint8_t *p = map_at(0, PAGE, PROT_READ | PROT_WRITE);
		target = (uintptr_t)p + 2;
		__asm__ volatile("sc.w %0, zero, (%1)" : "=r"(v) : "r"(target) : "memory");
	} else if (!strcmp(name, "amo-misaligned-d")) {
		uint8_t *p = map_at(0, PAGE, PROT_READ | PROT_WRITE);
		target = (uintptr_t)p + PAGE - 4; /* also crosses into the next page */
		__asm__ volatile("amoor.d %0, %1, (%2)" : "=r"(v) : "r"(1L), "r"(target) : "memory");
	} else if (!strcmp(name, "jump-0")) {
		target = 0x10;
		jump(0x10);
	} else if (!strcmp(name, "jump-top")) {
		target = (uintptr_t)-2;
		jump(target);
	} else if (!strcmp(name, "jump-limit")) {
		target = USER_END;
		jump(target);
	} else if (!strcmp(name, "jump-guard")) {
		target = USER_END + PAGE;
		jump(target);
	} else if (!strcmp(name, "jump-readonly-page")) {
		uint8_t *p = map_at(0, PAGE, PROT_READ | PROT_WRITE);
		static const uint32_t ret = 0x00008067;
		memcpy(p, &ret, 4);
		mprotect(p, PAGE, PROT_READ);
		target = (uintptr_t)p;
		jump(target);
	} else if (!strcmp(name, "fetch-straddle-limit")) {
		/* the first half of a 4-byte instruction in the last 2 bytes of the address space */
		uint8_t *p = map_at(USER_END - PAGE, PAGE, PROT_READ | PROT_WRITE);
		static const uint16_t half = 0x0013;
		memcpy(p + PAGE - 2, &half, 2);
		mprotect(p, PAGE, PROT_READ | PROT_EXEC);
		__builtin___clear_cache((char *)p, (char *)p + PAGE);
		target = 0;
		jump(USER_END - 2);
	} else if (!strcmp(name, "fall-off-limit") || !strcmp(name, "branch-past-limit")) {
		/* the last instruction of the address space is a nop (falls through to 2^38) or a jal that
		 * jumps 8 bytes ahead (to 2^38 + 4) */
		int fall = !strcmp(name, "fall-off-limit");
		uint8_t *p = map_at(USER_END - PAGE, PAGE, PROT_READ | PROT_WRITE);
		const uint32_t insn = fall ? 0x00000013u : 0x0080006fu; /* nop / jal x0, 8 */
		memcpy(p + PAGE - 4, &insn, 4);
		mprotect(p, PAGE, PROT_READ | PROT_EXEC);
		__builtin___clear_cache((char *)p, (char *)p + PAGE);
		target = fall ? USER_END : USER_END + 4;
		jump(USER_END - 4);
	} else if (!strcmp(name, "jump-into-insn")) {
		/* nop (addi x0, x0, 0 = 0x00000013) then ret; entering at +2 reads 0x0000: illegal */
		uint8_t *p = map_at(0, PAGE, PROT_READ | PROT_WRITE);
		static const uint32_t code[] = {0x00000013, 0x00008067};
		memcpy(p, code, sizeof(code));
		mprotect(p, PAGE, PROT_READ | PROT_EXEC);
		__builtin___clear_cache((char *)p, (char *)p + 8);
		target = 0;
		jump((uintptr_t)p + 2);
	} else if (!strcmp(name, "every-width")) {
		return every_width();
	} else if (!strcmp(name, "misaligned-ok")) {
		/* ordinary misaligned loads and stores work on Linux (emulated if need be) */
		static uint8_t buf[64];
		for (unsigned i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)(i * 7 + 1);
		uintptr_t b = (uintptr_t)buf;
		uint64_t d;
		uint32_t w;
		uint16_t h;
		double f;
		__asm__ volatile("ld %0, 1(%1)" : "=r"(d) : "r"(b) : "memory");
		__asm__ volatile("lwu %0, 3(%1)" : "=r"(w) : "r"(b) : "memory");
		__asm__ volatile("lhu %0, 5(%1)" : "=r"(h) : "r"(b) : "memory");
		__asm__ volatile("sd %0, 9(%1)" : : "r"(0x1122334455667788ul), "r"(b) : "memory");
		__asm__ volatile("sw %0, 19(%1)" : : "r"(0xaabbccddu), "r"(b) : "memory");
		__asm__ volatile("fld %0, 9(%1)" : "=f"(f) : "r"(b) : "memory");
		__asm__ volatile("fsd %0, 25(%1)" : : "f"(f), "r"(b) : "memory");
		printf("ld %016lx lwu %08x lhu %04x\n", (unsigned long)d, w, h);
		for (unsigned i = 0; i < 40; i++)
			printf("%02x", buf[i]);
		printf("\n");
		return 0;
	} else {
		fprintf(stderr, "usage: wild_access CASE\n");
		return 2;
	}
	printf("no fault (%lx)\n", (unsigned long)v);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: wild_access CASE\n");
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	return run(argv[1]);
}
