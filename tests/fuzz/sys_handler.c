/* The trap handlers of the system-mode fuzzer (sys_handler.h, conventions in sys_layout.h).
 *
 * One handler per trap-taking privilege: M at SYS_M_HANDLER_OFF (physical addresses), S at
 * SYS_S_HANDLER_OFF (run through the kernel region of either address space). Each one logs the trap
 * (cause, tval, epc, status, instret, which handler) into the handler data page, counts it, and goes on:
 *
 *  - after SYS_TRAP_LIMIT traps: the run ends (a program that faults at its own continuation);
 *  - interrupt: its enable bit is cleared, return to the interrupted instruction;
 *  - instruction fetch fault (access, page, misaligned): resume at offset x27 in the trapped privilege;
 *  - ecall with a7 = SYS_MAGIC + mode: continue at offset a6 in that mode (the S handler asked for M
 *    makes an ecall itself, which reaches M unless ecalls from S are delegated); SYS_MAGIC_FINISH ends;
 *    SYS_MAGIC_CONT continues at offset x27, as a fetch fault does;
 *  - any other exception: resume after the instruction, whose length the handler reads from the code at
 *    the epc's offset (through the kernel region for S: it is always readable there).
 *
 * An epc or x27 outside the program ends the run. So no program can make a handler loop forever without
 * counting: every way back into guest code passes the counter. They use only x28-x30 (and read x27,
 * a6, a7), so what the program computes survives traps. */
#include "tests/fuzz/sys_handler.h"

#include <stdlib.h>

#include "rv/system/priv.h"
#include "tests/fuzz/sys_code.h"
#include "tests/fuzz/sys_layout.h"
#include "tests/fuzz/sys_random.h"

enum { T3 = 28, T4 = 29, T5 = 30, A6 = SYS_REG_ARG, A7 = SYS_REG_MAGIC, CONT = SYS_REG_CONT };

enum { F3_BEQ = 0, F3_BNE = 1, F3_BLT = 4, F3_BGE = 5 };

static uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2)
{
	return enc_r(OPC_OP, rd, 0, rs1, rs2, 0x20);
}

static uint32_t op_imm(unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
	return enc_i(OPC_OP_IMM, rd, f3, rs1, imm);
}

#define SLTIU(rd, rs, imm) op_imm(3, rd, rs, imm)
#define ANDI(rd, rs, imm)  op_imm(7, rd, rs, imm)
#define SLLI(rd, rs, sh)   op_imm(1, rd, rs, sh)
#define SRLI(rd, rs, sh)   op_imm(5, rd, rs, sh)

/* What differs between the two handlers. */
struct flavor {
	bool machine;
	unsigned cause, tval, epc, status, tvec_ie; /* CSR numbers: xcause, xtval, xepc, xstatus, xie */
	uint64_t hdata, tohost;                     /* their addresses in this handler's privilege */
	uint64_t code_base;                         /* where this handler reads code at an offset */
	uint32_t ret;                               /* mret / sret */
};

/* t4 = the base address of the privilege in t5 (M: 0..3, S: SPP 0..1). */
static void emit_base(struct sys_code *c)
{
	unsigned user = sys_label(c), kernel = sys_label(c), done = sys_label(c);
	sys_branch(c, F3_BEQ, T5, 0, user);
	sys_emit32(c, sys_addi(T4, T5, -1));
	sys_branch(c, F3_BEQ, T4, 0, kernel);
	sys_li(c, T4, SYS_RAM_BASE); /* machine (only the M handler gets here) */
	sys_jal(c, 0, done);
	sys_bind(c, kernel);
	sys_li(c, T4, SYS_VA_KERNEL);
	sys_jal(c, 0, done);
	sys_bind(c, user);
	sys_li(c, T4, SYS_VA_USER);
	sys_bind(c, done);
}

/* t5 = the privilege the trap came from: MPP or SPP. */
static void emit_trapped_priv(struct sys_code *c, const struct flavor *f)
{
	sys_emit32(c, sys_csrr(T5, f->status));
	sys_emit32(c, SRLI(T5, T5, f->machine ? MSTATUS_MPP_SHIFT : 8));
	sys_emit32(c, ANDI(T5, T5, f->machine ? 3 : 1));
}

/* Branches to `out` unless the offset in reg is inside the program and even (clobbers t4). */
static void emit_check_offset(struct sys_code *c, unsigned reg, unsigned out)
{
	sys_li(c, T4, SYS_PROG_OFF);
	sys_emit32(c, sub(T4, reg, T4));
	sys_emit32(c, SRLI(T4, T4, SYS_PROG_SIZE_LOG2));
	sys_branch(c, F3_BNE, T4, 0, out);
	sys_emit32(c, ANDI(T4, reg, 1));
	sys_branch(c, F3_BNE, T4, 0, out);
}

static void emit_handler(struct sys_code *c, const struct flavor *f)
{
	unsigned common = sys_label(c), finish = sys_label(c), irq = sys_label(c), exc = sys_label(c);
	unsigned fetch = sys_label(c), ret = sys_label(c), escalate = sys_label(c);
	for (unsigned i = 0; i < SYS_VECTOR_SLOTS; i++)
		sys_jal(c, 0, common);
	sys_bind(c, common);
	if (f->machine) {
		/* data accesses must be physical here: MPRV off (restored from the saved mstatus) */
		sys_emit32(c, enc_u(OPC_LUI, T3, (uint32_t)(MSTATUS_MPRV >> 12)));
		sys_emit32(c, enc_csr(CSR_OP_RC, T5, CSR_MSTATUS, T3));
		sys_li(c, T3, f->hdata);
		sys_emit32(c, sys_sd(T5, T3, SYS_H_MSTATUS));
	} else {
		sys_li(c, T3, f->hdata);
	}
	/* count, then log into entry (count % entries) */
	sys_emit32(c, sys_ld(T4, T3, SYS_H_COUNT));
	sys_emit32(c, sys_addi(T4, T4, 1));
	sys_emit32(c, sys_sd(T4, T3, SYS_H_COUNT));
	sys_emit32(c, ANDI(T4, T4, SYS_H_LOG_ENTRIES - 1));
	sys_emit32(c, SLLI(T4, T4, SYS_H_LOG_SHIFT));
	sys_emit32(c, sys_add(T4, T4, T3));
	sys_emit32(c, sys_csrr(T5, f->cause));
	sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_CAUSE));
	sys_emit32(c, sys_csrr(T5, f->tval));
	sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_TVAL));
	sys_emit32(c, sys_csrr(T5, f->epc));
	sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_EPC));
	if (f->machine) {
		sys_emit32(c, sys_ld(T5, T3, SYS_H_MSTATUS));
		sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_STATUS));
		sys_emit32(c, sys_csrr(T5, CSR_MINSTRET));
		sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_INSTRET));
	} else {
		sys_emit32(c, sys_csrr(T5, f->status));
		sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_STATUS));
		/* S-mode may not be allowed to read instret (mcounteren): not logged */
		sys_emit32(c, sys_sd(0, T4, SYS_H_LOG + SYS_H_LOG_INSTRET));
	}
	sys_emit32(c, sys_addi(T5, 0, f->machine ? 3 : 1));
	sys_emit32(c, sys_sd(T5, T4, SYS_H_LOG + SYS_H_LOG_MODE));
	sys_emit32(c, sys_ld(T4, T3, SYS_H_COUNT));
	sys_emit32(c, sys_addi(T4, T4, -SYS_TRAP_LIMIT));
	sys_branch(c, F3_BGE, T4, 0, finish);

	/* dispatch on the cause */
	sys_emit32(c, sys_csrr(T4, f->cause));
	sys_branch(c, F3_BLT, T4, 0, irq);
	sys_emit32(c, sys_addi(T5, T4, -8));
	sys_branch(c, F3_BLT, T5, 0, exc); /* below the ecall causes */
	sys_emit32(c, sys_addi(T5, T4, f->machine ? -11 : -9));
	sys_branch(c, F3_BLT, 0, T5, exc); /* above them */
	sys_emit32(c, sys_addi(T5, T4, -10));
	sys_branch(c, F3_BEQ, T5, 0, exc); /* 10: reserved */
	/* an ecall: a request? t5 = a7 - SYS_MAGIC is the mode asked for */
	sys_emit32(c, sys_addi(T5, A7, -SYS_MAGIC));
	sys_emit32(c, SLTIU(T4, T5, 5));
	sys_branch(c, F3_BEQ, T4, 0, exc);
	sys_emit32(c, sys_addi(T4, T5, -2));
	sys_branch(c, F3_BEQ, T4, 0, finish);
	sys_emit32(c, sys_addi(T4, T5, -4));
	sys_branch(c, F3_BEQ, T4, 0, fetch); /* the landing pad: on at x27, same privilege */
	if (!f->machine) {
		sys_emit32(c, sys_addi(T4, T5, -3));
		sys_branch(c, F3_BEQ, T4, 0, escalate);
	}
	emit_check_offset(c, A6, finish);
	/* xPP = t5, xepc = base of t5 + a6 */
	if (f->machine) {
		sys_li(c, T4, MSTATUS_MPP);
		sys_emit32(c, enc_csr(CSR_OP_RC, 0, CSR_MSTATUS, T4));
		sys_emit32(c, SLLI(T4, T5, MSTATUS_MPP_SHIFT));
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MSTATUS, T4));
	} else {
		sys_li(c, T4, MSTATUS_SPP);
		sys_emit32(c, enc_csr(CSR_OP_RC, 0, CSR_SSTATUS, T4));
		sys_emit32(c, SLLI(T4, T5, 8));
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_SSTATUS, T4));
	}
	emit_base(c);
	sys_emit32(c, sys_add(T4, T4, A6));
	sys_emit32(c, sys_csrw(f->epc, T4));
	sys_jal(c, 0, ret);

	if (!f->machine) {
		/* to M-mode: ask the M handler (a7, a6 unchanged) */
		sys_bind(c, escalate);
		sys_emit32(c, ENC_ECALL);
		sys_jal(c, 0, finish);
	}

	/* exceptions */
	sys_bind(c, exc);
	sys_emit32(c, sys_csrr(T4, f->cause));
	sys_emit32(c, SLTIU(T5, T4, 2)); /* instruction address misaligned, access fault */
	sys_branch(c, F3_BNE, T5, 0, fetch);
	sys_emit32(c, sys_addi(T5, T4, -12)); /* instruction page fault */
	sys_branch(c, F3_BEQ, T5, 0, fetch);
	/* skip the instruction: t5 = epc - base = its offset, t4 = its first halfword */
	emit_trapped_priv(c, f);
	emit_base(c);
	sys_emit32(c, sys_csrr(T5, f->epc));
	sys_emit32(c, sub(T5, T5, T4));
	emit_check_offset(c, T5, finish);
	sys_li(c, T4, f->code_base);
	sys_emit32(c, sys_add(T4, T4, T5));
	sys_emit32(c, enc_i(OPC_LOAD, T4, 5, T4, 0)); /* lhu */
	sys_emit32(c, ANDI(T4, T4, 3));
	sys_emit32(c, sys_addi(T4, T4, -3));
	sys_emit32(c, sys_csrr(T5, f->epc));
	sys_emit32(c, sys_addi(T5, T5, 2));
	unsigned two = sys_label(c);
	sys_branch(c, F3_BNE, T4, 0, two);
	sys_emit32(c, sys_addi(T5, T5, 2));
	sys_bind(c, two);
	sys_emit32(c, sys_csrw(f->epc, T5));
	sys_jal(c, 0, ret);

	/* instruction fetch faults: resume at offset x27 */
	sys_bind(c, fetch);
	emit_check_offset(c, CONT, finish);
	emit_trapped_priv(c, f);
	emit_base(c);
	sys_emit32(c, sys_add(T4, T4, CONT));
	sys_emit32(c, sys_csrw(f->epc, T4));
	sys_jal(c, 0, ret);

	/* interrupts: disable the source */
	sys_bind(c, irq);
	sys_emit32(c, sys_csrr(T4, f->cause));
	sys_emit32(c, ANDI(T4, T4, 63));
	sys_emit32(c, sys_addi(T5, 0, 1));
	sys_emit32(c, enc_r(OPC_OP, T5, 1, T5, T4, 0)); /* sll */
	sys_emit32(c, enc_csr(CSR_OP_RC, 0, f->tvec_ie, T5));

	sys_bind(c, ret);
	if (f->machine) {
		/* MPRV back as it was (mret clears it anyway when going below M) */
		sys_li(c, T3, f->hdata);
		sys_emit32(c, sys_ld(T4, T3, SYS_H_MSTATUS));
		sys_emit32(c, enc_u(OPC_LUI, T5, (uint32_t)(MSTATUS_MPRV >> 12)));
		sys_emit32(c, enc_r(OPC_OP, T4, 7, T4, T5, 0)); /* and */
		sys_emit32(c, enc_csr(CSR_OP_RS, 0, CSR_MSTATUS, T4));
	}
	sys_emit32(c, f->ret);

	/* the end of the run: HTIF tohost = 1 (exit code 0), then wait to be stopped */
	sys_bind(c, finish);
	sys_li(c, T3, f->tohost);
	sys_emit32(c, sys_addi(T4, 0, 1));
	sys_emit32(c, sys_sd(T4, T3, 0));
	unsigned self = sys_label(c);
	sys_bind(c, self);
	sys_jal(c, 0, self);
}

bool sys_handlers_emit(uint8_t *image)
{
	struct sys_code *c = malloc(sizeof(*c));
	if (!c)
		return false;
	static const struct flavor m = {
	    .machine = true,
	    .cause = CSR_MCAUSE,
	    .tval = CSR_MTVAL,
	    .epc = CSR_MEPC,
	    .status = CSR_MSTATUS,
	    .tvec_ie = CSR_MIE,
	    .hdata = SYS_RAM_BASE + SYS_HDATA_OFF,
	    .tohost = SYS_RAM_BASE + SYS_TOHOST_OFF,
	    .code_base = SYS_RAM_BASE,
	    .ret = ENC_MRET,
	};
	static const struct flavor s = {
	    .machine = false,
	    .cause = CSR_SCAUSE,
	    .tval = CSR_STVAL,
	    .epc = CSR_SEPC,
	    .status = CSR_SSTATUS,
	    .tvec_ie = CSR_SIE,
	    .hdata = SYS_VA_KERNEL + SYS_HDATA_OFF,
	    .tohost = SYS_VA_KERNEL + SYS_TOHOST_OFF,
	    .code_base = SYS_VA_KERNEL,
	    .ret = ENC_SRET,
	};
	bool ok = true;
	sys_code_init(c, image, SYS_M_HANDLER_OFF, SYS_M_HANDLER_OFF + PAGE_SIZE);
	emit_handler(c, &m);
	ok = ok && sys_code_resolve(c);
	sys_code_init(c, image, SYS_S_HANDLER_OFF, SYS_S_HANDLER_OFF + PAGE_SIZE);
	emit_handler(c, &s);
	ok = ok && sys_code_resolve(c);
	free(c);
	return ok;
}

static uint64_t random_tvec(uint64_t *seed, uint64_t base, uint64_t vector, uint64_t common)
{
	switch (sys_pick(seed, 8)) {
	case 0:
	case 1:
	case 2: return base + vector + TVEC_MODE_VECTOR; /* vectored: interrupt n at vector + 4n */
	case 3:
	case 4: return base + common; /* direct */
	case 5:
	case 6: return base + vector;                          /* direct, through the table's first slot */
	default: return base + vector + 2 + sys_pick(seed, 2); /* reserved MODE: ignored */
	}
}

uint64_t sys_random_mtvec(uint64_t *seed)
{
	return random_tvec(seed, SYS_RAM_BASE, SYS_M_VECTOR, SYS_M_COMMON);
}

uint64_t sys_random_stvec(uint64_t *seed)
{
	return random_tvec(seed, SYS_VA_KERNEL, SYS_S_VECTOR, SYS_S_COMMON);
}
