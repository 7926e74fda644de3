/* Self-modifying code WITHOUT fence.i: instructions in an RWX page are rewritten by plain stores (from C,
 * from the generated code itself, and by a read() system call) and run again at once. The ISA only
 * promises this after fence.i, but Linux programs rely on it working on one hart, and qemu-riscv64
 * (the reference) detects such stores: a translator must drop its stale translation by itself. The same
 * page also holds data that is written in a loop while its code runs (a page that is code and hot data
 * at once). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { T0 = 5, T1 = 6, A0 = 10, DATA_OFF = 1024 };

static uint32_t enc_addi(unsigned rd, unsigned rs1, int imm)
{
	return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13u;
}
static uint32_t enc_auipc(unsigned rd)
{
	return (rd << 7) | 0x17u;
}
static uint32_t enc_ld(unsigned rd, unsigned rs1, int off)
{
	return ((uint32_t)(off & 0xfff) << 20) | (rs1 << 15) | (3u << 12) | (rd << 7) | 0x03u;
}
static uint32_t enc_sd(unsigned rs2, unsigned rs1, int off)
{
	return ((uint32_t)((off >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (3u << 12) |
	       ((uint32_t)(off & 31) << 7) | 0x23u;
}
static uint32_t enc_add(unsigned rd, unsigned rs1, unsigned rs2)
{
	return (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33u;
}
#define RET 0x00008067u /* jalr x0, 0(ra) */

typedef long (*fn_t)(long);

static volatile uint32_t *shared_code;

static void *rewrite_from_thread(void *arg)
{
	shared_code[0] = enc_addi(A0, A0, (int)(intptr_t)arg);
	return NULL;
}

int main(void)
{
	volatile uint32_t *code =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fn_t fn = (fn_t)(uintptr_t)code;
	volatile int64_t *data = (volatile int64_t *)((volatile uint8_t *)code + DATA_OFF);

	/* 1. one instruction rewritten by C stores, no fence.i, called again at once */
	code[0] = enc_addi(A0, A0, 1);
	code[1] = RET;
	__asm__ volatile("fence.i" ::: "memory"); /* the first version is published properly */
	printf("first version: fn(100) = %ld\n", fn(100));
	long total = 0;
	int stale = 0;
	for (int round = 2; round <= 40; round++) {
		code[0] = enc_addi(A0, A0, round);
		long r = fn(100);
		total += r;
		stale += r != 100 + round;
	}
	printf("39 rewrites without fence.i: total %ld, stale results %d\n", total, stale);

	/* 2. code that increments a counter in its own page (a store into the running block), 1000 calls;
	 * half-way the increment is rewritten from 1 to 2 by C */
	data[0] = 0;
	code[0] = enc_auipc(T1);
	code[1] = enc_ld(T0, T1, DATA_OFF);
	code[2] = enc_addi(T0, T0, 1);
	code[3] = enc_sd(T0, T1, DATA_OFF);
	code[4] = enc_add(A0, A0, T0);
	code[5] = RET;
	long sum = 0;
	for (int i = 0; i < 1000; i++) {
		if (i == 500)
			code[2] = enc_addi(T0, T0, 2);
		sum += fn(i);
	}
	printf("self-counting code: counter %ld, sum %ld\n", (long)data[0], sum);

	/* 3. data next to code written by C in a loop, read by the code */
	code[0] = enc_auipc(T1);
	code[1] = enc_ld(T0, T1, DATA_OFF + 8);
	code[2] = enc_add(A0, A0, T0);
	code[3] = RET;
	sum = 0;
	for (int i = 0; i < 2000; i++) {
		data[1] = i * 3;
		sum += fn(1);
		if (i == 1000)
			code[2] = enc_addi(A0, T0, 7); /* a0 = data + 7 from now on */
	}
	printf("code reading data written next to it: sum %ld\n", sum);

	/* parts 2 and 3 may have made that page "code and hot data" for a translator: a fresh page */
	munmap((void *)code, 4096);
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fn = (fn_t)(uintptr_t)code;

	/* 4. a system call (read from a pipe) overwrites an instruction */
	code[0] = enc_addi(A0, A0, 5);
	code[1] = RET;
	long before = fn(10);
	int p[2];
	if (pipe(p) != 0) {
		perror("pipe");
		return 1;
	}
	uint32_t insn = enc_addi(A0, A0, 50);
	if (write(p[1], &insn, sizeof(insn)) != (ssize_t)sizeof(insn) ||
	    read(p[0], (void *)code, sizeof(insn)) != (ssize_t)sizeof(insn)) {
		perror("pipe transfer");
		return 1;
	}
	printf("read() into code: before %ld, after %ld\n", before, fn(10));

	/* 5. another thread rewrites the instruction (pthread_join orders it before the next call) */
	shared_code = code;
	for (int round = 1; round <= 3; round++) {
		before = fn(1000);
		pthread_t th;
		if (pthread_create(&th, NULL, rewrite_from_thread, (void *)(intptr_t)(round * 10)) != 0 ||
		    pthread_join(th, NULL) != 0) {
			printf("pthread failed\n");
			return 1;
		}
		printf("rewritten by a thread: before %ld, after %ld\n", before, fn(1000));
	}
	munmap((void *)code, 4096);
	return 0;
}
