/* Small-object heap on top of the page allocator (see lib/alloc.h).
 *
 * A slab is one page: a header (with a bitmap of used objects) in the first HEADER_BYTES, then objects of
 * one size class. A large allocation is whole pages with a header in the first HEADER_BYTES. Free finds
 * the header by rounding the pointer down to its page, so no per-object header is needed.
 */
#include "lib/alloc.h"

#include "lib/mem.h"

#define SLAB_MAGIC   0x4b534c42u /* "KSLB" */
#define LARGE_MAGIC  0x4b4c5247u /* "KLRG" */
#define HEADER_BYTES 128u
#define MAX_OBJECTS  ((K_PAGE_SIZE - HEADER_BYTES) / K_HEAP_MIN_SIZE)
#define USED_WORDS   ((MAX_OBJECTS + 63u) / 64u)

struct k_slab {
	uint32_t magic;
	uint32_t class_index;
	uint32_t capacity;
	uint32_t nfree;
	struct k_slab *prev;
	struct k_slab *next;
	uint64_t used[USED_WORDS];
};

struct k_large {
	uint32_t magic;
	size_t npages;
};

_Static_assert(sizeof(struct k_slab) <= HEADER_BYTES, "slab header must fit before the first object");
_Static_assert(sizeof(struct k_large) <= HEADER_BYTES, "large header must fit before the object");

static size_t class_size(unsigned index)
{
	return (size_t)K_HEAP_MIN_SIZE << index;
}

static unsigned class_of(size_t size)
{
	unsigned index = 0;

	while (class_size(index) < size) {
		index++;
	}
	return index;
}

void k_heap_init(struct k_heap *h, struct k_page_alloc *pages)
{
	k_memset(h, 0, sizeof(*h));
	h->pages = pages;
}

static void list_remove(struct k_heap *h, struct k_slab *s)
{
	if (s->prev != NULL) {
		s->prev->next = s->next;
	} else {
		h->partial[s->class_index] = s->next;
	}
	if (s->next != NULL) {
		s->next->prev = s->prev;
	}
	s->prev = s->next = NULL;
}

static void list_push(struct k_heap *h, struct k_slab *s)
{
	s->prev = NULL;
	s->next = h->partial[s->class_index];
	if (s->next != NULL) {
		s->next->prev = s;
	}
	h->partial[s->class_index] = s;
}

static struct k_slab *new_slab(struct k_heap *h, unsigned index)
{
	struct k_slab *s = k_page_alloc(h->pages, 1, 1);

	if (s == NULL) {
		return NULL;
	}
	k_memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->class_index = index;
	s->capacity = (uint32_t)((K_PAGE_SIZE - HEADER_BYTES) / class_size(index));
	s->nfree = s->capacity;
	h->slab_pages++;
	list_push(h, s);
	return s;
}

static void *alloc_large(struct k_heap *h, size_t size)
{
	size_t npages;
	struct k_large *l;

	if (size > SIZE_MAX - HEADER_BYTES - K_PAGE_SIZE) {
		return NULL;
	}
	npages = (size + HEADER_BYTES + K_PAGE_SIZE - 1) / K_PAGE_SIZE;
	l = k_page_alloc(h->pages, npages, 1);
	if (l == NULL) {
		return NULL;
	}
	l->magic = LARGE_MAGIC;
	l->npages = npages;
	h->large_pages += npages;
	h->bytes_in_use += npages * K_PAGE_SIZE;
	return (uint8_t *)l + HEADER_BYTES;
}

void *k_heap_alloc(struct k_heap *h, size_t size)
{
	unsigned index;
	struct k_slab *s;

	if (size == 0) {
		return NULL;
	}
	if (size > K_HEAP_MAX_SMALL) {
		return alloc_large(h, size);
	}
	index = class_of(size);
	s = h->partial[index];
	if (s == NULL && (s = new_slab(h, index)) == NULL) {
		return NULL;
	}
	for (uint32_t i = 0; i < s->capacity; i++) {
		if ((s->used[i / 64] & (1ull << (i % 64))) == 0) {
			s->used[i / 64] |= 1ull << (i % 64);
			if (--s->nfree == 0) {
				list_remove(h, s);
			}
			h->bytes_in_use += class_size(index);
			return (uint8_t *)s + HEADER_BYTES + i * class_size(index);
		}
	}
	/* A partial slab always has a free object; reaching here means the header was corrupted. */
	return NULL;
}

void *k_heap_zalloc(struct k_heap *h, size_t size)
{
	void *p = k_heap_alloc(h, size);

	if (p != NULL) {
		k_memset(p, 0, size);
	}
	return p;
}

static int free_large(struct k_heap *h, struct k_large *l, const void *ptr)
{
	size_t npages = l->npages;

	if (ptr != (uint8_t *)l + HEADER_BYTES) {
		return -1;
	}
	l->magic = 0; /* a second free of the same pointer fails the magic check */
	if (k_page_free(h->pages, l, npages) != 0) {
		l->magic = LARGE_MAGIC;
		return -1;
	}
	h->large_pages -= npages;
	h->bytes_in_use -= npages * K_PAGE_SIZE;
	return 0;
}

int k_heap_free(struct k_heap *h, void *ptr)
{
	uintptr_t addr = (uintptr_t)ptr;
	struct k_slab *s;
	size_t offset, size, i;

	if (ptr == NULL) {
		return 0;
	}
	s = (struct k_slab *)(addr & ~(uintptr_t)(K_PAGE_SIZE - 1));
	offset = addr - (uintptr_t)s;
	if (offset < HEADER_BYTES) {
		return -1;
	}
	if (s->magic == LARGE_MAGIC) {
		return free_large(h, (struct k_large *)s, ptr);
	}
	if (s->magic != SLAB_MAGIC || s->class_index >= K_HEAP_CLASSES) {
		return -1;
	}
	size = class_size(s->class_index);
	if ((offset - HEADER_BYTES) % size != 0) {
		return -1;
	}
	i = (offset - HEADER_BYTES) / size;
	if (i >= s->capacity || (s->used[i / 64] & (1ull << (i % 64))) == 0) {
		return -1;
	}
	s->used[i / 64] &= ~(1ull << (i % 64));
	h->bytes_in_use -= size;
	if (s->nfree++ == 0) {
		list_push(h, s);
	}
	if (s->nfree == s->capacity) {
		list_remove(h, s);
		s->magic = 0;
		h->slab_pages--;
		k_page_free(h->pages, s, 1);
	}
	return 0;
}
