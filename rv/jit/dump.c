/* --dump-jit: every translated block as guest instructions (rv_disasm), each followed by the host code
 * made for it with addresses, bytes and AT&T disassembly (capstone). */
#include <capstone/capstone.h>
#include <stdlib.h>

#include "rv/jit/jit_internal.h"

bool jit_dump_open(struct rv_jit *j)
{
	csh *h = malloc(sizeof(*h));
	if (!h)
		return false;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, h) != CS_ERR_OK) {
		fprintf(stderr, "karasu-rv: capstone cannot open an x86-64 disassembler\n");
		free(h);
		return false;
	}
	cs_option(*h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	j->disasm = h;
	return true;
}

void jit_dump_close(struct rv_jit *j)
{
	csh *h = j->disasm;
	if (!h)
		return;
	cs_close(h);
	free(h);
	j->disasm = NULL;
}

static void dump_host(struct rv_jit *j, const struct jit_block *b, uint32_t from, uint32_t to)
{
	FILE *out = j->opt.dump;
	csh *h = j->disasm;
	if (to <= from)
		return;
	cs_insn *insn = NULL;
	size_t n = cs_disasm(*h, b->host_rw + from, to - from, b->host + from, 0, &insn);
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		char hex[3 * 16 + 1];
		size_t k = 0;
		for (unsigned c = 0; c < insn[i].size && c < 15; c++)
			k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%02x ", insn[i].bytes[c]);
		fprintf(out, "      0x%llx: %-30s %s%s%s\n", (unsigned long long)insn[i].address, hex,
		        insn[i].mnemonic, insn[i].op_str[0] ? " " : "", insn[i].op_str);
		done += insn[i].size;
	}
	if (n)
		cs_free(insn, n);
	if (done < to - from)
		fprintf(out, "      (%u bytes capstone could not decode)\n", (unsigned)(to - from - done));
}

void jit_dump_block(struct rv_jit *j, const struct jit_block *b)
{
	FILE *out = j->opt.dump;
	fprintf(out, "block 0x%llx..0x%llx: %u guest instructions -> %u bytes of x86-64 at 0x%llx\n",
	        (unsigned long long)b->pc, (unsigned long long)b->end_pc, b->n_insns, b->host_len,
	        (unsigned long long)b->host);
	if (!b->spans)
		return;
	fprintf(out, "  (block entry: interrupt check, register view)\n");
	dump_host(j, b, 0, b->n_insns ? b->spans[0].host_start : b->main_len);
	uint32_t last = 0;
	for (unsigned i = 0; i < b->n_insns; i++) {
		const struct jit_insn_span *s = &b->spans[i];
		char text[96];
		rv_disasm(&s->insn, s->pc, text, sizeof(text));
		fprintf(out, "  0x%llx: %s\n", (unsigned long long)s->pc, text);
		dump_host(j, b, s->host_start, s->host_end);
		last = s->host_end;
	}
	if (last < b->main_len) {
		fprintf(out, "  (block exit)\n");
		dump_host(j, b, last, b->main_len);
	}
	if (b->main_len < b->host_len) {
		fprintf(out, "  (out-of-line stubs: faults, unchained exits, slow paths)\n");
		dump_host(j, b, b->main_len, b->host_len);
	}
	fflush(out);
}
