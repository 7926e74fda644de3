/* Bytecode interpreter (written for karasu), the core of Lua/Python-like VMs: a register-and-stack
 * machine whose main loop fetches a 32-bit instruction and dispatches with a switch (an indirect jump
 * per instruction), with calls and returns through a frame stack, a global table and string hashing.
 * The program (assembled below) runs recursive fib, a sieve of Eratosthenes, Collatz step counts and an
 * FNV-style hash over a byte array. One unit = one run of the program. */
#include <string.h>

#include "bench/rv/bench.h"

/* Instruction: op (8 bits) | a (8) | b (8) | c (8), or op | a | imm16 (signed, bits 16..31). */
enum op {
	OP_LOADK, /* r[a] = imm */
	OP_MOV,   /* r[a] = r[b] */
	OP_ADD,   /* r[a] = r[b] + r[c] */
	OP_SUB,   /* r[a] = r[b] - r[c] */
	OP_MUL,   /* r[a] = r[b] * r[c] */
	OP_ADDI,  /* r[a] += imm */
	OP_SHRI,  /* r[a] = r[b] >> c */
	OP_AND,   /* r[a] = r[b] & r[c] */
	OP_XOR,   /* r[a] = r[b] ^ r[c] */
	OP_LT,    /* r[a] = r[b] < r[c] */
	OP_EQ,    /* r[a] = r[b] == r[c] */
	OP_JMP,   /* pc += imm */
	OP_JZ,    /* if r[a] == 0: pc += imm */
	OP_JNZ,   /* if r[a] != 0: pc += imm */
	OP_JLT,   /* if r[a] < r[b]: pc += (int8_t)c */
	OP_GETG,  /* r[a] = global[r[b] + c] */
	OP_SETG,  /* global[r[b] + c] = r[a] */
	OP_GETB,  /* r[a] = bytes[r[b]] */
	OP_CALL,  /* call function imm with args r[a]..; result in r[a] */
	OP_RET,   /* return r[a] */
	OP_ODD,   /* r[a] = r[b] & 1 */
	OP_HALT,  /* stop, result r[a] */
	OP_COUNT
};

#define INS(op, a, b, c) ((uint32_t)(op) | (uint32_t)(a) << 8 | (uint32_t)(b) << 16 | (uint32_t)(c) << 24)
#define INSI(op, a, imm) ((uint32_t)(op) | (uint32_t)(a) << 8 | (uint32_t)(uint16_t)(int16_t)(imm) << 16)
#define OPC(i)           ((i)&0xff)
#define RA(i)            (((i) >> 8) & 0xff)
#define RB(i)            (((i) >> 16) & 0xff)
#define RC(i)            ((i) >> 24)
#define IMM(i)           ((int32_t)(int16_t)((i) >> 16))
#define FRAME_REGS       16
#define MAX_FRAMES       256
#define GLOBALS          8192
#define BYTES            4096

struct function {
	const uint32_t *code;
	unsigned nargs;
};

struct frame {
	const uint32_t *ret_pc;
	int64_t *regs;
	unsigned ret_reg;
	const uint32_t *code;
};

static int64_t globals[GLOBALS];
static uint8_t bytes[BYTES];

/* fib(n): r0 = n */
static const uint32_t fib_code[] = {
    INSI(OP_LOADK, 1, 2), /* 0: r1 = 2 */
    INS(OP_JLT, 0, 1, 7), /* 1: if n < 2 goto 9 */
    INS(OP_MOV, 2, 0, 0), /* 2: r2 = n */
    INSI(OP_ADDI, 2, -1), /* 3: r2 = n - 1 */
    INSI(OP_CALL, 2, 0),  /* 4: r2 = fib(n - 1) */
    INS(OP_MOV, 3, 0, 0), /* 5: r3 = n */
    INSI(OP_ADDI, 3, -2), /* 6: r3 = n - 2 */
    INSI(OP_CALL, 3, 0),  /* 7: r3 = fib(n - 2) */
    INS(OP_ADD, 0, 2, 3), /* 8: r0 = r2 + r3 */
    INSI(OP_RET, 0, 0),   /* 9: return r0 */
};

/* sieve(n): r0 = n; counts primes below n using globals[0..n) */
static const uint32_t sieve_code[] = {
    INSI(OP_LOADK, 1, 0),   /* 0: i = 0 */
    INSI(OP_LOADK, 2, 1),   /* 1: one = 1 */
    INS(OP_SETG, 2, 1, 0),  /* 2: g[i] = 1 */
    INSI(OP_ADDI, 1, 1),    /* 3: i++ */
    INS(OP_JLT, 1, 0, -3),  /* 4: if i < n goto 2 */
    INSI(OP_LOADK, 1, 2),   /* 5: i = 2 */
    INSI(OP_LOADK, 5, 0),   /* 6: count = 0 */
    INS(OP_GETG, 3, 1, 0),  /* 7: r3 = g[i] */
    INSI(OP_JZ, 3, 7),      /* 8: if !prime goto 16 */
    INSI(OP_ADDI, 5, 1),    /* 9: count++ */
    INS(OP_MUL, 4, 1, 1),   /* 10: j = i * i */
    INS(OP_JLT, 4, 0, 2),   /* 11: if j < n goto 14 */
    INSI(OP_JMP, 0, 3),     /* 12: goto 16 */
    INSI(OP_JMP, 0, 0),     /* 13: (padding) */
    INSI(OP_LOADK, 6, 0),   /* 14: zero */
    INSI(OP_JMP, 0, 4),     /* 15: goto 20 */
    INSI(OP_ADDI, 1, 1),    /* 16: i++ */
    INS(OP_JLT, 1, 0, -11), /* 17: if i < n goto 7 */
    INSI(OP_RET, 5, 0),     /* 18: return count */
    INSI(OP_HALT, 0, 0),    /* 19: (unreached) */
    INS(OP_SETG, 6, 4, 0),  /* 20: g[j] = 0 */
    INS(OP_ADD, 4, 4, 1),   /* 21: j += i */
    INS(OP_JLT, 4, 0, -3),  /* 22: if j < n goto 20 */
    INSI(OP_JMP, 0, -8),    /* 23: goto 16 */
};

/* collatz(n): r0 = n; sum of the step counts of 1..n */
static const uint32_t collatz_code[] = {
    INSI(OP_LOADK, 1, 1),   /* 0: k = 1 */
    INSI(OP_LOADK, 2, 0),   /* 1: total = 0 */
    INSI(OP_LOADK, 7, 1),   /* 2: one = 1 */
    INS(OP_MOV, 3, 1, 0),   /* 3: x = k */
    INS(OP_EQ, 4, 3, 7),    /* 4: x == 1? */
    INSI(OP_JNZ, 4, 9),     /* 5: then goto 15 */
    INSI(OP_ADDI, 2, 1),    /* 6: total++ */
    INS(OP_ODD, 5, 3, 0),   /* 7: odd? */
    INSI(OP_JZ, 5, 4),      /* 8: no: goto 13 */
    INS(OP_ADD, 6, 3, 3),   /* 9: r6 = 2x */
    INS(OP_ADD, 3, 6, 3),   /* 10: x = 3x */
    INSI(OP_ADDI, 3, 1),    /* 11: x = 3x + 1 */
    INSI(OP_JMP, 0, -9),    /* 12: goto 4 */
    INS(OP_SHRI, 3, 3, 1),  /* 13: x >>= 1 */
    INSI(OP_JMP, 0, -11),   /* 14: goto 4 */
    INSI(OP_ADDI, 1, 1),    /* 15: k++ */
    INS(OP_JLT, 1, 0, -14), /* 16: if k < n goto 3 */
    INSI(OP_RET, 2, 0),     /* 17: return total */
};

/* hash(n): r0 = n; FNV-like hash over bytes[0..n) */
static const uint32_t hash_code[] = {
    INSI(OP_LOADK, 1, 0),     /* 0: i = 0 */
    INSI(OP_LOADK, 2, 0x1c5), /* 1: h */
    INSI(OP_LOADK, 4, 0x193), /* 2: prime */
    INS(OP_GETB, 3, 1, 0),    /* 3: b = bytes[i] */
    INS(OP_XOR, 2, 2, 3),     /* 4: h ^= b */
    INS(OP_MUL, 2, 2, 4),     /* 5: h *= prime */
    INSI(OP_ADDI, 1, 1),      /* 6: i++ */
    INS(OP_JLT, 1, 0, -5),    /* 7: if i < n goto 3 */
    INSI(OP_RET, 2, 0),       /* 8: return h */
};

static const struct function functions[] = {
    {fib_code, 1}, {sieve_code, 1}, {collatz_code, 1}, {hash_code, 1}};

/* Runs function f with argument arg; the whole VM state lives in this loop, as in a real interpreter. */
static int64_t run(unsigned f, int64_t arg, uint64_t *steps)
{
	static int64_t stack[MAX_FRAMES * FRAME_REGS];
	static struct frame frames[MAX_FRAMES];
	unsigned depth = 0;
	int64_t *r = stack;
	const uint32_t *code = functions[f].code, *pc = code;
	uint64_t n = 0;
	r[0] = arg;
	for (;;) {
		uint32_t i = *pc++;
		n++;
		switch (OPC(i)) {
		case OP_LOADK: r[RA(i)] = IMM(i); break;
		case OP_MOV: r[RA(i)] = r[RB(i)]; break;
		case OP_ADD: r[RA(i)] = r[RB(i)] + r[RC(i)]; break;
		case OP_SUB: r[RA(i)] = r[RB(i)] - r[RC(i)]; break;
		case OP_MUL: r[RA(i)] = (int64_t)((uint64_t)r[RB(i)] * (uint64_t)r[RC(i)]); break;
		case OP_ADDI: r[RA(i)] += IMM(i); break;
		case OP_SHRI: r[RA(i)] = r[RB(i)] >> RC(i); break;
		case OP_AND: r[RA(i)] = r[RB(i)] & r[RC(i)]; break;
		case OP_XOR: r[RA(i)] = r[RB(i)] ^ r[RC(i)]; break;
		case OP_LT: r[RA(i)] = r[RB(i)] < r[RC(i)]; break;
		case OP_EQ: r[RA(i)] = r[RB(i)] == r[RC(i)]; break;
		case OP_JMP: pc += IMM(i); break;
		case OP_JZ:
			if (r[RA(i)] == 0)
				pc += IMM(i);
			break;
		case OP_JNZ:
			if (r[RA(i)] != 0)
				pc += IMM(i);
			break;
		case OP_JLT:
			if (r[RA(i)] < r[RB(i)])
				pc += (int8_t)RC(i);
			break;
		case OP_GETG: r[RA(i)] = globals[(r[RB(i)] + RC(i)) & (GLOBALS - 1)]; break;
		case OP_SETG: globals[(r[RB(i)] + RC(i)) & (GLOBALS - 1)] = r[RA(i)]; break;
		case OP_GETB: r[RA(i)] = bytes[r[RB(i)] & (BYTES - 1)]; break;
		case OP_CALL:
			if (depth + 1 >= MAX_FRAMES)
				return -1;
			frames[depth++] = (struct frame){pc, r, RA(i), code};
			r += FRAME_REGS;
			r[0] = r[(int)RA(i) - FRAME_REGS];
			code = pc = functions[IMM(i)].code;
			break;
		case OP_RET: {
			int64_t v = r[RA(i)];
			if (depth == 0) {
				*steps += n;
				return v;
			}
			struct frame *fr = &frames[--depth];
			r = fr->regs;
			pc = fr->ret_pc;
			code = fr->code;
			r[fr->ret_reg] = v;
			break;
		}
		case OP_ODD: r[RA(i)] = r[RB(i)] & 1; break;
		case OP_HALT: *steps += n; return r[RA(i)];
		default: return -2;
		}
	}
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 70);
	uint64_t seed = 7, check = 0, steps = 0;
	for (unsigned k = 0; k < BYTES; k++)
		bytes[k] = (uint8_t)bench_rand(&seed);
	for (long u = 0; u < units; u++) {
		int64_t fib = run(0, 22 + u % 2, &steps);
		int64_t primes = run(1, GLOBALS, &steps);
		int64_t coll = run(2, 3000 + u, &steps);
		int64_t h = run(3, BYTES, &steps);
		check = check * 31 + (uint64_t)fib;
		check = check * 31 + (uint64_t)primes;
		check = check * 31 + (uint64_t)coll;
		check = check * 31 + (uint64_t)h;
	}
	printf("vm: %" PRIu64 " bytecode instructions\n", steps);
	bench_result("vm", check);
	return 0;
}
