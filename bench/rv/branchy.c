/* Branch-heavy code (written for karasu): a bytecode interpreter with a switch dispatch running a small
 * program (Collatz lengths and a sieve), and an insertion/merge sort of pseudo-random keys. Both are
 * dominated by data-dependent branches and indirect jumps. One unit = one program run + one sort. */
#include <string.h>

#include "bench/rv/bench.h"

enum op {
	OP_PUSH,
	OP_LOAD,
	OP_STORE,
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_AND,
	OP_SHR,
	OP_JZ,
	OP_JMP,
	OP_LT,
	OP_DUP,
	OP_POP,
	OP_HALT
};
struct insn {
	uint8_t op;
	int32_t arg;
};

/* Sum of Collatz sequence lengths for n = 1..limit-1 (vars: 0 = n, 1 = x, 2 = total, 3 = limit). */
enum { V_N, V_X, V_TOTAL, V_LIMIT };
enum { L_OUTER = 2, L_INNER = 8, L_EVEN = 27, L_NEXT = 32, L_END = 37 };
static const struct insn collatz[] = {
    {OP_PUSH, 1},
    {OP_STORE, V_N},
    /* L_OUTER: if !(n < limit) goto end; x = n */
    {OP_LOAD, V_N},
    {OP_LOAD, V_LIMIT},
    {OP_LT, 0},
    {OP_JZ, L_END},
    {OP_LOAD, V_N},
    {OP_STORE, V_X},
    /* L_INNER: if x == 1 goto next; total++ */
    {OP_LOAD, V_X},
    {OP_PUSH, 1},
    {OP_SUB, 0},
    {OP_JZ, L_NEXT},
    {OP_LOAD, V_TOTAL},
    {OP_PUSH, 1},
    {OP_ADD, 0},
    {OP_STORE, V_TOTAL},
    /* odd: x = 3x + 1 */
    {OP_LOAD, V_X},
    {OP_PUSH, 1},
    {OP_AND, 0},
    {OP_JZ, L_EVEN},
    {OP_LOAD, V_X},
    {OP_PUSH, 3},
    {OP_MUL, 0},
    {OP_PUSH, 1},
    {OP_ADD, 0},
    {OP_STORE, V_X},
    {OP_JMP, L_INNER},
    /* L_EVEN: x >>= 1 */
    {OP_LOAD, V_X},
    {OP_PUSH, 1},
    {OP_SHR, 0},
    {OP_STORE, V_X},
    {OP_JMP, L_INNER},
    /* L_NEXT: n++ */
    {OP_LOAD, V_N},
    {OP_PUSH, 1},
    {OP_ADD, 0},
    {OP_STORE, V_N},
    {OP_JMP, L_OUTER},
    /* L_END */
    {OP_HALT, 0},
};

static int64_t run(const struct insn *code, int64_t *vars)
{
	int64_t stack[64];
	int sp = 0;
	long steps = 0;
	for (int pc = 0;; pc++, steps++) {
		const struct insn *in = &code[pc];
		switch (in->op) {
		case OP_PUSH: stack[sp++] = in->arg; break;
		case OP_LOAD: stack[sp++] = vars[in->arg]; break;
		case OP_STORE: vars[in->arg] = stack[--sp]; break;
		case OP_ADD: sp--, stack[sp - 1] += stack[sp]; break;
		case OP_SUB: sp--, stack[sp - 1] -= stack[sp]; break;
		case OP_MUL: sp--, stack[sp - 1] *= stack[sp]; break;
		case OP_AND: sp--, stack[sp - 1] &= stack[sp]; break;
		case OP_SHR: sp--, stack[sp - 1] >>= stack[sp]; break;
		case OP_LT: sp--, stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
		case OP_DUP: stack[sp] = stack[sp - 1], sp++; break;
		case OP_POP: sp--; break;
		case OP_JZ:
			if (stack[--sp] == 0)
				pc = in->arg - 1;
			break;
		case OP_JMP: pc = in->arg - 1; break;
		case OP_HALT: return steps;
		}
	}
}

static void merge_sort(uint32_t *v, uint32_t *tmp, size_t n)
{
	if (n <= 16) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;
			while (j > 0 && v[j - 1] > x) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	size_t h = n / 2;
	merge_sort(v, tmp, h);
	merge_sort(v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

#define SORT_N 20000

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 35);
	static uint32_t keys[SORT_N], tmp[SORT_N];
	uint64_t seed = 42, check = 0;
	for (long u = 0; u < units; u++) {
		int64_t vars[4] = {0, 0, 0, 3000 + u % 7};
		int64_t steps = run(collatz, vars);
		check = check * 1000003 + (uint64_t)vars[2] + (uint64_t)steps;
		for (int i = 0; i < SORT_N; i++)
			keys[i] = (uint32_t)bench_rand(&seed);
		merge_sort(keys, tmp, SORT_N);
		for (int i = 0; i < SORT_N; i += 512)
			check = check * 31 + keys[i];
	}
	bench_result("branchy", check);
	return 0;
}
