/* --perf-map: guest symbols and /tmp/perf-PID.map lines (see perfmap.h). */
#include "rv/jit/perfmap.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest symbol name kept (longer ones, e.g. C++ mangled names, are cut). */
#define SYMBOL_NAME_MAX 256

struct perf_symbol {
	uint64_t addr, size; /* size 0: unknown, the symbol reaches up to the next one */
	uint32_t name;       /* offset into names */
};

struct jit_perf_symbols {
	struct perf_symbol *sym; /* sorted by addr */
	size_t n;
	char *names;
};

static int by_address(const void *a, const void *b)
{
	const struct perf_symbol *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The section header at index i, if the table lies inside the file. */
static const Elf64_Shdr *section(const uint8_t *data, size_t size, const Elf64_Ehdr *eh, unsigned i)
{
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || i >= eh->e_shnum || eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
		return NULL;
	return (const Elf64_Shdr *)(const void *)(data + eh->e_shoff) + i;
}

static bool inside(const Elf64_Shdr *sh, size_t size)
{
	return sh->sh_type != SHT_NOBITS && sh->sh_offset <= size && sh->sh_size <= size - sh->sh_offset;
}

/* The length of the name of a function symbol (cut to SYMBOL_NAME_MAX), or 0 for any other symbol. */
static size_t function_name_length(const Elf64_Sym *y, const char *str, size_t str_size)
{
	unsigned type = ELF64_ST_TYPE(y->st_info);
	if ((type != STT_FUNC && type != STT_GNU_IFUNC) || y->st_shndx == SHN_UNDEF || y->st_value == 0 ||
	    y->st_name >= str_size)
		return 0;
	size_t len = strnlen(str + y->st_name, str_size - y->st_name);
	return len > SYMBOL_NAME_MAX ? SYMBOL_NAME_MAX : len;
}

/* The function symbols of one symbol table section; false if it is malformed or out of memory. */
static bool read_table(struct jit_perf_symbols *s, const uint8_t *data, size_t size, const Elf64_Ehdr *eh,
                       const Elf64_Shdr *tab, uint64_t bias)
{
	const Elf64_Shdr *strtab = section(data, size, eh, tab->sh_link);
	if (!strtab || !inside(tab, size) || !inside(strtab, size) || tab->sh_entsize != sizeof(Elf64_Sym) ||
	    tab->sh_offset % _Alignof(Elf64_Sym) != 0)
		return false;
	size_t count = tab->sh_size / sizeof(Elf64_Sym);
	const Elf64_Sym *syms = (const Elf64_Sym *)(const void *)(data + tab->sh_offset);
	const char *str = (const char *)data + strtab->sh_offset;
	/* two passes: the room the names need (names may share bytes in the string table), then copies */
	size_t room = 1;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			s->sym = calloc(count ? count : 1, sizeof(*s->sym));
			s->names = malloc(room);
			if (!s->sym || !s->names)
				return false;
		}
		size_t used = 0;
		for (size_t k = 0; k < count; k++) {
			size_t len = function_name_length(&syms[k], str, strtab->sh_size);
			if (len == 0)
				continue;
			if (pass == 0) {
				room += len + 1;
				continue;
			}
			const Elf64_Sym *y = &syms[k];
			s->sym[s->n++] = (struct perf_symbol){y->st_value + bias, y->st_size, (uint32_t)used};
			memcpy(s->names + used, str + y->st_name, len);
			s->names[used + len] = '\0';
			used += len + 1;
		}
	}
	qsort(s->sym, s->n, sizeof(*s->sym), by_address);
	return true;
}

/* The reason into err; NULL (for `return fail(...)`). (rv/elf's checks are not linked with the
 * translator's unit tests, which take rv/jit alone: the few needed here are made here.) */
static struct jit_perf_symbols *fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return NULL;
}

static struct jit_perf_symbols *parse(const uint8_t *data, size_t size, uint64_t dyn_bias, char *err,
                                      size_t errlen)
{
	Elf64_Ehdr eh;
	if (size < sizeof(eh) || memcmp(data, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, "not an ELF file");
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_RISCV || (eh.e_type != ET_EXEC && eh.e_type != ET_DYN))
		return fail(err, errlen, "not a 64-bit little-endian RISC-V executable");
	uint64_t bias = eh.e_type == ET_DYN ? dyn_bias : 0;
	const Elf64_Shdr *table = NULL;
	static const unsigned preferred[] = {SHT_SYMTAB, SHT_DYNSYM}; /* full table, else the dynamic one */
	for (unsigned p = 0; p < 2 && !table; p++)
		for (unsigned i = 0; i < eh.e_shnum && !table; i++) {
			const Elf64_Shdr *sh = section(data, size, &eh, i);
			if (sh && sh->sh_type == preferred[p])
				table = sh;
		}
	if (!table)
		return fail(err, errlen, "no symbol table (stripped)");
	struct jit_perf_symbols *s = calloc(1, sizeof(*s));
	if (!s || !read_table(s, data, size, &eh, table, bias) || s->n == 0) {
		fail(err, errlen, s && s->sym ? "no function symbols" : "malformed symbol table");
		jit_perf_symbols_free(s);
		return NULL;
	}
	return s;
}

struct jit_perf_symbols *jit_perf_symbols_load(const char *path, uint64_t dyn_bias, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
		fail(err, errlen, fd < 0 ? strerror(errno) : "empty or unreadable file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED) {
		return fail(err, errlen, strerror(errno));
	}
	struct jit_perf_symbols *s = parse(data, (size_t)st.st_size, dyn_bias, err, errlen);
	munmap(data, (size_t)st.st_size);
	return s;
}

void jit_perf_symbols_free(struct jit_perf_symbols *s)
{
	if (!s)
		return;
	free(s->sym);
	free(s->names);
	free(s);
}

static bool covers(const struct perf_symbol *y, uint64_t pc)
{
	return y->size == 0 || pc - y->addr < y->size;
}

const char *jit_perf_symbols_find(const struct jit_perf_symbols *s, uint64_t pc, uint64_t *offset)
{
	if (!s || s->n == 0 || pc < s->sym[0].addr)
		return NULL;
	size_t lo = 0, hi = s->n; /* the last symbol at or below pc: in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->sym[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	/* among aliases at the same address, one whose size covers pc */
	size_t k = lo;
	while (!covers(&s->sym[k], pc) && k > 0 && s->sym[k - 1].addr == s->sym[lo].addr)
		k--;
	const struct perf_symbol *y = &s->sym[k];
	if (!covers(y, pc))
		return NULL; /* in a gap between functions */
	*offset = pc - y->addr;
	return s->names + y->name;
}

FILE *jit_perf_map_open(long pid, char *err, size_t errlen)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/perf-%ld.map", pid);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

void jit_perf_map_write_block(FILE *f, const struct jit_perf_symbols *symbols, uintptr_t host, uint32_t size,
                              uint64_t pc)
{
	uint64_t off = 0;
	const char *name = jit_perf_symbols_find(symbols, pc, &off);
	if (!name)
		fprintf(f, "%llx %x rv:0x%llx\n", (unsigned long long)host, size, (unsigned long long)pc);
	else if (off == 0)
		fprintf(f, "%llx %x rv:%s@0x%llx\n", (unsigned long long)host, size, name,
		        (unsigned long long)pc);
	else
		fprintf(f, "%llx %x rv:%s+0x%llx@0x%llx\n", (unsigned long long)host, size, name,
		        (unsigned long long)off, (unsigned long long)pc);
}
