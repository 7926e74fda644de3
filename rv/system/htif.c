/* HTIF tohost/fromhost (htif.h). */
#include <string.h>

#include "rv/system/console.h"
#include "rv/system/htif.h"
#include "rv/system/machine.h"

#define HTIF_DEV_SHIFT    56
#define HTIF_CMD_SHIFT    48
#define HTIF_PAYLOAD_MASK ((1ull << 48) - 1)
#define HTIF_DEV_SYSCALL  0u
#define HTIF_DEV_CONSOLE  1u
#define HTIF_CMD_PUTCHAR  1u
/* Magic-memory system calls (the numbers of riscv-pk / Linux riscv). */
#define HTIF_SYS_WRITE    64u
#define HTIF_SYS_EXIT     93u
#define HTIF_MAGIC_WORDS  8u

bool rv_htif_watched(const struct rv_machine *m, uint64_t pa, uint64_t len)
{
	return m->tohost && pa < m->tohost + 8 && m->tohost < pa + len;
}

static uint64_t *ram_word(struct rv_machine *m, uint64_t pa)
{
	uint8_t *host;
	if (!rv_bus_ram(&m->bus, pa, 8, &host))
		return NULL;
	return (uint64_t *)(void *)host;
}

static void acknowledge(struct rv_machine *m, uint64_t *tohost, uint64_t value)
{
	__atomic_store_n(tohost, 0, __ATOMIC_RELEASE);
	uint64_t *fromhost = m->fromhost ? ram_word(m, m->fromhost) : NULL;
	if (fromhost) {
		rv_machine_code_written(m, m->fromhost, 8);
		__atomic_store_n(fromhost, value, __ATOMIC_RELEASE);
	}
}

/* A magic-memory system call block: {number, arg0, arg1, arg2, ...}; the result replaces the number. */
static void magic_syscall(struct rv_machine *m, uint64_t pa)
{
	uint64_t words[HTIF_MAGIC_WORDS];
	if (!rv_machine_dma_read(m, pa, words, sizeof(words)))
		return;
	uint64_t result = (uint64_t)-1;
	if (words[0] == HTIF_SYS_EXIT) {
		rv_machine_stop(m, RV_MACHINE_POWEROFF,
		                words[1] ? (int)(words[1] > 255 ? 255 : words[1]) : 0);
		return;
	}
	if (words[0] == HTIF_SYS_WRITE && (words[1] == 1 || words[1] == 2)) {
		uint8_t *host;
		if (rv_bus_ram(&m->bus, words[2], words[3], &host)) {
			rv_console_write(m->console, host, words[3]);
			result = words[3];
		}
	}
	rv_machine_dma_write(m, pa, &result, sizeof(result));
}

void rv_htif_tohost_written(struct rv_machine *m)
{
	uint64_t *tohost = ram_word(m, m->tohost);
	if (!tohost)
		return;
	uint64_t v = __atomic_load_n(tohost, __ATOMIC_ACQUIRE);
	if (v == 0)
		return;
	unsigned dev = (unsigned)(v >> HTIF_DEV_SHIFT), cmd = (unsigned)((v >> HTIF_CMD_SHIFT) & 0xff);
	uint64_t payload = v & HTIF_PAYLOAD_MASK;
	if (dev == HTIF_DEV_SYSCALL && cmd == 0) {
		if (payload & 1) {
			/* the test's result: 0 passed, n failed */
			uint64_t code = payload >> 1;
			rv_machine_stop(m, RV_MACHINE_POWEROFF, code == 0 ? 0 : code > 255 ? 255 : (int)code);
			return;
		}
		magic_syscall(m, payload);
		acknowledge(m, tohost, 1);
		return;
	}
	if (dev == HTIF_DEV_CONSOLE && cmd == HTIF_CMD_PUTCHAR) {
		uint8_t c = (uint8_t)payload;
		rv_console_write(m->console, &c, 1);
		acknowledge(m, tohost,
		            (uint64_t)HTIF_DEV_CONSOLE << HTIF_DEV_SHIFT | (uint64_t)HTIF_CMD_PUTCHAR
		                                                               << HTIF_CMD_SHIFT);
		return;
	}
	acknowledge(m, tohost, 0); /* unknown device or command: consumed, nothing done */
}
