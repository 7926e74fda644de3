/* Illegal and privileged instructions in user mode, one per run (argv[1] = its name): the instruction
 * is copied into an executable page (after an optional setup instruction, followed by `ret`) and
 * called. Linux answers every one with SIGILL (exit status 132, "Illegal instruction"); `list` prints
 * the names. If the instruction returns, the program prints "no trap" and exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define RET   0x00008067u /* jalr x0, 0(ra) */
#define NOP16 0x0001u     /* c.nop */

struct insn_case {
	const char *name;
	uint32_t setup; /* 0: none */
	uint32_t insn;
	int compressed; /* insn is 16 bits (padded with c.nop) */
};

static const struct insn_case cases[] = {
    {"zero-word", 0, 0x00000000u, 0},
    {"ones-word", 0, 0xffffffffu, 0},
    {"c-unimp", 0, 0x0000u, 1},
    {"c-lwsp-rd0", 0, 0x4002u, 1},       /* c.lwsp with rd = x0: reserved */
    {"c-ldsp-rd0", 0, 0x6002u, 1},       /* c.ldsp with rd = x0: reserved */
    {"c-jr-rs0", 0, 0x8002u, 1},         /* c.jr with rs1 = x0: reserved */
    {"c-lui-imm0", 0, 0x6081u, 1},       /* c.lui x1, 0: reserved */
    {"c-addiw-rd0", 0, 0x2001u, 1},      /* c.addiw with rd = x0: reserved on RV64 */
    {"c-addi4spn-0", 0, 0x0004u, 1},     /* c.addi4spn with nzuimm = 0: reserved */
    {"csrw-cycle", 0, 0xc0029073u, 0},   /* csrrw x0, cycle, t0: read-only counter */
    {"csrw-instret", 0, 0xc0229073u, 0}, /* csrrw x0, instret, t0 */
    {"csrs-time", 0, 0xc012a073u, 0},    /* csrrs x0, time, t0: rs1 != x0 writes */
    {"csrr-mstatus", 0, 0x30002573u, 0}, /* csrrs a0, mstatus, x0 */
    {"csrr-sstatus", 0, 0x10002573u, 0}, /* csrrs a0, sstatus, x0 */
    {"csrr-satp", 0, 0x18002573u, 0},    /* csrrs a0, satp, x0 */
    {"csrr-custom-7c0", 0, 0x7c002573u, 0},
    {"csrr-unknown-fff", 0, 0xfff02573u, 0},
    {"mret", 0, 0x30200073u, 0},
    {"sret", 0, 0x10200073u, 0},
    {"sfence-vma", 0, 0x12000073u, 0},
    {"fadd-rm5", 0, 0x02b55553u, 0},                /* fadd.d fa0, fa0, fa1, rm = 5 (reserved) */
    {"fadd-rm6", 0, 0x02b56553u, 0},                /* rm = 6 (reserved) */
    {"fadd-dyn-frm5", 0x0022d073u, 0x02b57553u, 0}, /* csrwi frm, 5; fadd.d with rm = dyn */
    {"fadd-dyn-frm7", 0x0023d073u, 0x02b57553u, 0}, /* csrwi frm, 7; the same */
    {"amo-funct5-reserved", 0, 0xf8b5252fu, 0},     /* AMO opcode with funct5 = 11111 */
    {"opcode-0x7f", 0, 0x0000007fu, 0},             /* a 48/64-bit instruction prefix */
    {"load-funct3-7", 0, 0x00057503u, 0},           /* LOAD with funct3 = 7: reserved */
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: illegal NAME|list\n");
		return 2;
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct insn_case *c = &cases[i];
		if (strcmp(argv[1], "list") == 0) {
			printf("%s\n", c->name);
			continue;
		}
		if (strcmp(argv[1], c->name) != 0)
			continue;
		uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			return 100;
		uint8_t *p = page;
		if (c->setup) {
			memcpy(p, &c->setup, 4);
			p += 4;
		}
		if (c->compressed) {
			uint16_t h[2] = {(uint16_t)c->insn, NOP16};
			memcpy(p, h, 4);
		} else {
			memcpy(p, &c->insn, 4);
		}
		p += 4;
		uint32_t ret = RET;
		memcpy(p, &ret, 4);
		mprotect(page, 4096, PROT_READ | PROT_EXEC);
		__builtin___clear_cache((char *)page, (char *)page + 64);
		printf("executing %s\n", c->name);
		fflush(stdout);
		((void (*)(void))page)();
		printf("no trap\n");
		return 0;
	}
	return strcmp(argv[1], "list") == 0 ? 0 : 2;
}
