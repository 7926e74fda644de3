/* Self-modifying code: writes RISC-V instructions into an RWX mapping, runs them, rewrites them in place
 * and runs them again after fence.i (a translator must drop its stale translation). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* addi a0, a0, imm ; ret */
static void emit_add_imm(uint32_t *code, int imm)
{
	code[0] = ((uint32_t)(imm & 0xfff) << 20) | (10u << 15) | (0u << 12) | (10u << 7) | 0x13u;
	code[1] = 0x00008067u; /* jalr x0, 0(ra) */
}

int main(void)
{
	uint32_t *code =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	long (*fn)(long) = (long (*)(long))(uintptr_t)code;
	long total = 0;
	for (int round = 1; round <= 50; round++) {
		emit_add_imm(code, round);
		__asm__ volatile("fence.i" ::: "memory");
		long r = fn(1000);
		total += r;
		if (r != 1000 + round) {
			printf("round %d: got %ld, expected %d (stale code)\n", round, r, 1000 + round);
			return 1;
		}
	}
	printf("50 rewrites ok, total %ld\n", total);
	/* Make the page read+exec only, then run it again. */
	if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) {
		perror("mprotect");
		return 1;
	}
	printf("after mprotect: %ld\n", fn(1));
	munmap(code, 4096);
	return 0;
}
