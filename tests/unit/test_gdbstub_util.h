/* Shared by the GDB stub's unit tests (test_gdbstub.c: the protocol and session layer;
 * test_gdbstub_run.c: the run loop): a guest with three pages, a session on it, and cmd() to hand the
 * session one packet. Static inline, since every tests/unit/test_*.c is its own program. */
#ifndef KARASU_TESTS_UNIT_TEST_GDBSTUB_UTIL_H
#define KARASU_TESTS_UNIT_TEST_GDBSTUB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rv/debug/gdb_packet.h"
#include "rv/debug/gdb_session.h"
#include "rv/user/mem.h"

#define GUEST_LIMIT (16ull << 20)
#define PAGE_RW     0x10000ull /* read-write */
#define PAGE_RO     0x11000ull /* read-only, right after PAGE_RW */
#define PAGE_RWX    0x20000ull /* executable: code for breakpoints and the run loop */

struct fixture {
	struct rv_mem mem;
	struct rv_cpu cpu;
	struct rv_gdb_session s;
	char reply[RV_GDB_PACKET_MAX + 1];
	char pkt[RV_GDB_PACKET_MAX + 1];
	struct rv_gdb_resume resume;
	bool sent;
};

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || rv_mem_init(&f->mem, GUEST_LIMIT) != 0)
		return -1;
	if (rv_mem_map(&f->mem, PAGE_RW, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0 ||
	    rv_mem_map(&f->mem, PAGE_RO, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE) != 0 ||
	    rv_mem_map(&f->mem, PAGE_RWX, RV_PAGE_SIZE, RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC) != 0)
		return -1;
	/* fill the read-only page while it is writable */
	for (unsigned i = 0; i < RV_PAGE_SIZE; i++)
		((uint8_t *)f->mem.base)[PAGE_RO + i] = (uint8_t)(i * 3);
	if (rv_mem_protect(&f->mem, PAGE_RO, RV_PAGE_SIZE, RV_PROT_READ) != 0)
		return -1;
	rv_mem_attach(&f->mem, &f->cpu);
	rv_gdb_session_init(&f->s, &f->cpu);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	rv_mem_fini(&f->mem);
	free(f);
	return 0;
}

/* Handles one packet (len: its length, for binary data; 0 = strlen); returns the reply as a string. */
static inline const char *cmd_len(struct fixture *f, const char *pkt, size_t len)
{
	if (!len)
		len = strlen(pkt);
	memcpy(f->pkt, pkt, len);
	size_t out_len;
	f->resume = rv_gdb_session_handle(&f->s, f->pkt, len, f->reply, &out_len, &f->sent);
	f->reply[out_len] = '\0';
	return f->reply;
}

static inline const char *cmd(struct fixture *f, const char *pkt)
{
	return cmd_len(f, pkt, 0);
}

/* How many times needle occurs in hay (overlapping ones included). */
static inline size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

#endif
