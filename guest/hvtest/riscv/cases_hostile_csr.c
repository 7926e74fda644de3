/* CSRs an S-mode guest must not reach (the RISC-V counterpart of arm64's system-register group). Privileged
 * spec 2.2: bits 9:8 of a CSR number give the lowest privilege that may access it, bits 11:10 = 11 mark it
 * read-only; an access without the privilege, or a write to a read-only CSR, is an illegal instruction. So
 * every machine-level CSR read or written from S-mode must trap with scause 2 (and leave the destination
 * register alone), as must MRET, hypervisor CSRs (no H extension) and writes to the read-only counters. satp
 * written with a MODE the hart does not implement must have no effect (WARL). */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define UNTOUCHED       0x5a5a5a5a5a5a5a5aull
#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV64  11ull /* reserved for a future Sv64: no hart implements it */
#define SATP_MODE_RSVD  1ull  /* reserved */

/* One probe per CSR: the CSR number is part of the instruction. A read is csrr (csrrs with x0: no write);
 * a write is csrc with a register holding 0 (the spec counts it as a write, but it would change nothing if the
 * hart wrongly let it through). */
#define CSR_READ(name, num)                                             \
	static uint64_t read_##name(void)                               \
	{                                                               \
		uint64_t v = UNTOUCHED;                                 \
		__asm__ volatile("csrr %0, " #num : "+r"(v)::"memory"); \
		return v;                                               \
	}
#define CSR_PROBES(name, num)                                                                               \
	CSR_READ(name, num)                                                                                 \
	static void write_##name(void)                                                                      \
	{                                                                                                   \
		uint64_t zero = 0;                                                                          \
		__asm__ volatile("" : "+r"(zero)); /* a real register, not x0 (csrc with x0 is no write) */ \
		__asm__ volatile("csrc " #num ", %0" ::"r"(zero) : "memory");                               \
	}

CSR_PROBES(mstatus, 0x300)
CSR_PROBES(misa, 0x301)
CSR_PROBES(medeleg, 0x302)
CSR_PROBES(mideleg, 0x303)
CSR_PROBES(mie, 0x304)
CSR_PROBES(mtvec, 0x305)
CSR_PROBES(mcounteren, 0x306)
CSR_PROBES(menvcfg, 0x30a)
CSR_PROBES(mscratch, 0x340)
CSR_PROBES(mepc, 0x341)
CSR_PROBES(mcause, 0x342)
CSR_PROBES(mtval, 0x343)
CSR_PROBES(mip, 0x344)
CSR_PROBES(pmpcfg0, 0x3a0)
CSR_PROBES(pmpaddr0, 0x3b0)
CSR_PROBES(mcycle, 0xb00)
CSR_PROBES(minstret, 0xb02)
CSR_PROBES(mvendorid, 0xf11)
CSR_PROBES(mhartid, 0xf14)
CSR_PROBES(hstatus, 0x600)
CSR_PROBES(hgatp, 0x680)
CSR_READ(cycle, 0xc00)
CSR_READ(time, 0xc01)
CSR_READ(instret, 0xc02)

/* csrw (always a write) to a read-only counter: csrc/csrs with a zero register count as writes in the spec,
 * but QEMU treats them as reads; a plain write is unambiguous. */
#define COUNTER_WRITE(name, num)                                              \
	static void write_ro_##name(void)                                     \
	{                                                                     \
		uint64_t zero = 0;                                            \
		__asm__ volatile("" : "+r"(zero));                            \
		__asm__ volatile("csrw " #num ", %0" ::"r"(zero) : "memory"); \
	}

COUNTER_WRITE(cycle, 0xc00)
COUNTER_WRITE(time, 0xc01)
COUNTER_WRITE(instret, 0xc02)

struct csr_probe {
	const char *name;
	uint64_t (*read)(void);
	void (*write)(void);
};
#define PROBE(n)                        \
	{                               \
#n, read_##n, write_##n \
	}

static const struct csr_probe machine_csrs[] = {
    PROBE(mstatus), PROBE(misa),       PROBE(medeleg),   PROBE(mideleg),  PROBE(mie),
    PROBE(mtvec),   PROBE(mcounteren), PROBE(menvcfg),   PROBE(mscratch), PROBE(mepc),
    PROBE(mcause),  PROBE(mtval),      PROBE(mip),       PROBE(pmpcfg0),  PROBE(pmpaddr0),
    PROBE(mcycle),  PROBE(minstret),   PROBE(mvendorid), PROBE(mhartid),
};
static const struct csr_probe hypervisor_csrs[] = {PROBE(hstatus), PROBE(hgatp)};
static const struct csr_probe counters[] = {{"cycle", read_cycle, write_ro_cycle},
                                            {"time", read_time, write_ro_time},
                                            {"instret", read_instret, write_ro_instret}};

/* True if fn traps with an illegal instruction in S-mode. */
static bool illegal(void (*fn)(void))
{
	expect_fault_begin();
	fn();
	expect_fault_end();
	return last_fault.taken && last_fault.scause == CAUSE_ILLEGAL && !last_fault.from_user;
}

/* Reads (and, if write, writes) of every CSR in the list: each must be an illegal instruction, and a read
 * must leave its destination register alone. Returns the first that was not (NULL: all were). */
static const char *first_reachable(const struct csr_probe *list, unsigned n, bool reads, uint64_t *leaked)
{
	for (unsigned i = 0; i < n; i++) {
		if (reads) {
			expect_fault_begin();
			uint64_t v = list[i].read();
			expect_fault_end();
			if (!last_fault.taken || last_fault.scause != CAUSE_ILLEGAL || v != UNTOUCHED) {
				*leaked = v;
				return list[i].name;
			}
		} else if (!illegal(list[i].write)) {
			*leaked = last_fault.scause;
			return list[i].name;
		}
	}
	return 0;
}

static void check_list(const char *what, const struct csr_probe *list, unsigned n, bool reads)
{
	uint64_t detail = 0;
	const char *bad = first_reachable(list, n, reads, &detail);
	check(!bad, what, "%s: %s %#llx (scause %#llx)", bad ? bad : "", reads ? "destination now" : "scause",
	      (unsigned long long)detail, (unsigned long long)last_fault.scause);
}

static void mret_in_s_mode(void)
{
	__asm__ volatile("mret" ::: "memory");
}

static void satp_modes(void)
{
	static const uint64_t modes[] = {SATP_MODE_SV64, SATP_MODE_RSVD};
	unsigned kept = 0;
	uint64_t seen = 0;
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		uint64_t root = ((uintptr_t)page_out >> 12); /* a harmless root if the write were taken */
		csr_write(satp, (modes[i] << SATP_MODE_SHIFT) | root);
		__asm__ volatile("sfence.vma" ::: "memory");
		uint64_t v = csr_read(satp);
		if (v != 0) {
			kept++;
			seen = v;
			csr_write(satp, 0);
			__asm__ volatile("sfence.vma" ::: "memory");
		}
	}
	check(kept == 0, "satp written with MODE 11 (Sv64) or 1 (reserved): no effect, satp stays 0 (WARL)",
	      "%u writes kept, satp read %#llx", kept, (unsigned long long)seen);
}

void cases_hostile_csr(void)
{
	out("hvtest: hostile: CSRs from S-mode\n");
	unsigned nm = sizeof(machine_csrs) / sizeof(machine_csrs[0]);
	check_list(
	    "reads of 19 machine-level CSRs (mstatus ... mhartid) from S-mode -> illegal instruction each, "
	    "no value leaked",
	    machine_csrs, nm, true);
	check_list("writes of 19 machine-level CSRs from S-mode -> illegal instruction each", machine_csrs,
	           nm, false);
	unsigned nh = sizeof(hypervisor_csrs) / sizeof(hypervisor_csrs[0]);
	check_list("reads of hstatus and hgatp (no H extension) -> illegal instruction", hypervisor_csrs, nh,
	           true);
	unsigned nc = sizeof(counters) / sizeof(counters[0]);
	check_list("writes of the read-only cycle, time and instret CSRs -> illegal instruction", counters,
	           nc, false);
	check(illegal(mret_in_s_mode), "MRET in S-mode -> illegal instruction", "scause %#llx, taken %d",
	      (unsigned long long)last_fault.scause, last_fault.taken);
	satp_modes();
	case_group("hostile.csr.karasu", SCOPE_ARCH);
	uint64_t r = hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)page_out);
	check(r == 0, "hypercalls still work after the CSR probes", "result %#llx", (unsigned long long)r);
}
