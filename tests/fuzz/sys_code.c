/* The system-mode fuzzer's assembler (sys_code.h). */
#include "tests/fuzz/sys_code.h"

#include <string.h>

void sys_code_init(struct sys_code *c, uint8_t *image, uint64_t start, uint64_t limit)
{
	c->image = image;
	c->pos = start;
	c->limit = limit;
	c->overflow = false;
	c->n_labels = 0;
	c->n_fixups = 0;
}

static void emit(struct sys_code *c, uint32_t insn, unsigned len)
{
	if (c->pos + len > c->limit) {
		c->overflow = true;
		return;
	}
	memcpy(c->image + c->pos, &insn, len);
	c->pos += len;
}

void sys_emit32(struct sys_code *c, uint32_t insn)
{
	emit(c, insn, 4);
}

void sys_emit16(struct sys_code *c, uint16_t insn)
{
	emit(c, insn, 2);
}

unsigned sys_label(struct sys_code *c)
{
	if (c->n_labels == SYS_CODE_MAX_LABELS) {
		c->overflow = true;
		return 0;
	}
	c->label[c->n_labels] = UINT64_MAX;
	return c->n_labels++;
}

void sys_bind(struct sys_code *c, unsigned label)
{
	c->label[label] = c->pos;
}

uint64_t sys_label_offset(const struct sys_code *c, unsigned label)
{
	return c->label[label];
}

static void refer(struct sys_code *c, enum sys_fixup_kind kind, unsigned label, uint32_t placeholder,
                  unsigned len)
{
	if (c->n_fixups == SYS_CODE_MAX_FIXUPS) {
		c->overflow = true;
		return;
	}
	c->fixup[c->n_fixups++] =
	    (struct sys_fixup){.at = c->pos, .label = (uint16_t)label, .kind = (uint8_t)kind};
	emit(c, placeholder, len);
}

void sys_branch(struct sys_code *c, unsigned f3, unsigned rs1, unsigned rs2, unsigned label)
{
	refer(c, SYS_FIX_BRANCH, label, enc_b(f3, rs1, rs2, 0), 4);
}

void sys_jal(struct sys_code *c, unsigned rd, unsigned label)
{
	refer(c, SYS_FIX_JAL, label, enc_j(rd, 0), 4);
}

void sys_li_label(struct sys_code *c, unsigned rd, unsigned label)
{
	refer(c, SYS_FIX_LI_OFF, label, enc_u(OPC_LUI, rd, 0), 4);
	emit(c, enc_i(OPC_OP_IMM_32, rd, 0, rd, 0), 4);
}

static int32_t low12(uint64_t v)
{
	return (int32_t)((v & 0xfff) ^ 0x800) - 0x800;
}

void sys_li(struct sys_code *c, unsigned rd, uint64_t value)
{
	int64_t v = (int64_t)value;
	if (v >= INT32_MIN && v <= INT32_MAX) {
		int32_t lo = low12(value);
		uint32_t hi = (uint32_t)(((uint64_t)v + 0x800) >> 12) & 0xfffff;
		if (hi) {
			emit(c, enc_u(OPC_LUI, rd, hi), 4);
			if (lo)
				emit(c, enc_i(OPC_OP_IMM_32, rd, 0, rd, lo), 4);
		} else {
			emit(c, sys_addi(rd, 0, lo), 4);
		}
		return;
	}
	/* value = (hi << shift) + lo: load hi (fewer significant bits), shift it, add lo */
	int32_t lo = low12(value);
	int64_t hi = (int64_t)(value - (uint64_t)(int64_t)lo) >> 12;
	unsigned shift = 12 + (unsigned)__builtin_ctzll((uint64_t)hi);
	hi >>= shift - 12;
	sys_li(c, rd, (uint64_t)hi);
	emit(c, enc_i(OPC_OP_IMM, rd, 1, rd, (int32_t)shift), 4);
	if (lo)
		emit(c, sys_addi(rd, rd, lo), 4);
}

bool sys_code_resolve(struct sys_code *c)
{
	if (c->overflow)
		return false;
	for (unsigned i = 0; i < c->n_fixups; i++) {
		const struct sys_fixup *f = &c->fixup[i];
		uint64_t target = c->label[f->label];
		if (target == UINT64_MAX)
			return false;
		int64_t off = (int64_t)(target - f->at);
		uint32_t insn;
		memcpy(&insn, c->image + f->at, 4);
		switch (f->kind) {
		case SYS_FIX_BRANCH:
			if (off < -4096 || off >= 4096)
				return false;
			insn = enc_b((insn >> 12) & 7, (insn >> 15) & 31, (insn >> 20) & 31, (int32_t)off);
			memcpy(c->image + f->at, &insn, 4);
			break;
		case SYS_FIX_JAL:
			if (off < -(1 << 20) || off >= (1 << 20))
				return false;
			insn = enc_j((insn >> 7) & 31, (int32_t)off);
			memcpy(c->image + f->at, &insn, 4);
			break;
		case SYS_FIX_C_J: {
			if (off < -2048 || off >= 2048)
				return false;
			uint16_t h = (uint16_t)enc_cj((int32_t)off);
			memcpy(c->image + f->at, &h, 2);
			break;
		}
		case SYS_FIX_LI_OFF: {
			unsigned rd = (insn >> 7) & 31;
			uint32_t hi = (uint32_t)((target + 0x800) >> 12) & 0xfffff;
			uint32_t lui = enc_u(OPC_LUI, rd, hi);
			uint32_t addiw = enc_i(OPC_OP_IMM_32, rd, 0, rd, low12(target));
			memcpy(c->image + f->at, &lui, 4);
			memcpy(c->image + f->at + 4, &addiw, 4);
			break;
		}
		}
	}
	return true;
}
