/* Disassembler: prints a decoded instruction from its op's operand letters (see RV_OPS in insn.h).
 * Registers use their architectural names (x0..x31, f0..f31) so the text maps 1:1 to the encoding. */
#include <stdarg.h>
#include <stdio.h>

#include "rv/cpu.h"
#include "rv/isa/insn.h"

struct out {
	char *buf;
	size_t len;
	size_t pos; /* length of the full text, even past len */
};

static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	int n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static const char *const round_names[8] = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};

static const char *csr_name(unsigned csr)
{
	switch (csr) {
	case RV_CSR_FFLAGS: return "fflags";
	case RV_CSR_FRM: return "frm";
	case RV_CSR_FCSR: return "fcsr";
	case RV_CSR_CYCLE: return "cycle";
	case RV_CSR_TIME: return "time";
	case RV_CSR_INSTRET: return "instret";
	default: return NULL;
	}
}

/* fence pred/succ sets: "iorw" letters, "0" when empty. */
static void emit_fence_set(struct out *o, unsigned set)
{
	static const char letters[4] = {'i', 'o', 'r', 'w'};
	if (set == 0) {
		emit(o, "0");
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		if (set & (8u >> i))
			emit(o, "%c", letters[i]);
}

int rv_disasm(const struct rv_insn *in, uint64_t pc, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	if (len > 0)
		buf[0] = '\0';

	if (in->op == RV_OP_ILLEGAL || in->op >= RV_OP_COUNT) {
		emit(&o, in->len == 2 ? "illegal 0x%04x" : "illegal 0x%08x", in->raw);
		return (int)o.pos;
	}
	emit(&o, "%s", rv_op_name(in->op));
	if (rv_op_flags(in->op) & (RV_OPF_ATOMIC | (RV_OPF_AMO & ~(RV_OPF_LOAD | RV_OPF_STORE)))) {
		static const char *const order[4] = {"", ".rl", ".aq", ".aqrl"};
		emit(&o, "%s", order[in->aqrl & 3]);
	}

	const char *spec = rv_op_operands(in->op);
	bool first = true;
	for (const char *s = spec; *s; s++) {
		if (*s == ',')
			continue;
		if (*s == 'r' && in->rm == RV_RM_DYN)
			continue;
		emit(&o, first ? " " : ",");
		first = false;
		switch (*s) {
		case 'd': emit(&o, "x%u", in->rd); break;
		case 's': emit(&o, "x%u", in->rs1); break;
		case 't': emit(&o, "x%u", in->rs2); break;
		case 'D': emit(&o, "f%u", in->rd); break;
		case 'S': emit(&o, "f%u", in->rs1); break;
		case 'T': emit(&o, "f%u", in->rs2); break;
		case 'R': emit(&o, "f%u", in->rs3); break;
		case 'i': emit(&o, "%lld", (long long)in->imm); break;
		case 'z': emit(&o, "0x%llx", (unsigned long long)in->imm); break;
		case 'Z': emit(&o, "%llu", (unsigned long long)in->imm); break;
		case 'o': emit(&o, "%lld(x%u)", (long long)in->imm, in->rs1); break;
		case 'a': emit(&o, "(x%u)", in->rs1); break;
		case 'b': emit(&o, "0x%llx", (unsigned long long)(pc + (uint64_t)in->imm)); break;
		case 'u':
			emit(&o, "0x%llx", (unsigned long long)(((uint64_t)in->imm >> 12) & 0xfffff));
			break;
		case 'c': {
			const char *name = csr_name(in->csr);
			if (name)
				emit(&o, "%s", name);
			else
				emit(&o, "0x%x", in->csr);
			break;
		}
		case 'r': emit(&o, "%s", round_names[in->rm & 7]); break;
		case 'f':
			emit_fence_set(&o, (in->imm >> 4) & 0xf);
			emit(&o, ",");
			emit_fence_set(&o, in->imm & 0xf);
			break;
		default: emit(&o, "?"); break;
		}
	}
	return (int)o.pos;
}
