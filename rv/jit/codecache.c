/* Code cache mappings (see codecache.h). */
#include "rv/jit/codecache.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static bool map_dual(struct jit_code_cache *c, size_t size)
{
	int fd = memfd_create("karasu-rv-jit", MFD_CLOEXEC);
	if (fd < 0)
		return false;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return false;
	}
	void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	void *rx = rw == MAP_FAILED ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	close(fd);
	if (rw == MAP_FAILED || rx == MAP_FAILED) {
		if (rw != MAP_FAILED)
			munmap(rw, size);
		return false;
	}
	c->rw = rw;
	c->rx = rx;
	c->dual_mapped = true;
	return true;
}

bool jit_code_cache_init(struct jit_code_cache *c, size_t size, bool anonymous)
{
	memset(c, 0, sizeof(*c));
	c->size = size;
	if (!anonymous && map_dual(c, size))
		return true;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "karasu-rv: cannot map a %zu-byte code cache: %s\n", size, strerror(errno));
		return false;
	}
	c->rw = p;
	c->rx = p;
	return true;
}

void jit_code_cache_fini(struct jit_code_cache *c)
{
	if (c->rw)
		munmap(c->rw, c->size);
	if (c->rx && c->rx != c->rw)
		munmap(c->rx, c->size);
	memset(c, 0, sizeof(*c));
}

/* madvise advice values (Linux 5.14) that older headers may not define. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define POPULATE_STEP (2u << 20)

void jit_code_cache_prepare(struct jit_code_cache *c, size_t need)
{
	if (c->used + need <= c->populated || c->populated >= c->size)
		return;
	size_t from = c->populated;
	size_t len = POPULATE_STEP;
	if (from + len > c->size)
		len = c->size - from;
	madvise(c->rw + from, len, MADV_POPULATE_WRITE);
	if (c->rx != c->rw)
		madvise(c->rx + from, len, MADV_POPULATE_READ);
	c->populated = from + len;
}
