/* The riscv64 target as GDB sees it: register numbers and their encoding, the target description
 * (target.xml) and checked access to guest memory. Pure functions over struct rv_cpu. */
#ifndef KARASU_RV_DEBUG_GDB_RISCV_H
#define KARASU_RV_DEBUG_GDB_RISCV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rv/cpu.h"

/* GDB's riscv register numbers (the regnum attributes of target.xml, used by p/P and stop replies). */
#define RV_GDB_REG_X0       0
#define RV_GDB_REG_SP       2
#define RV_GDB_REG_PC       32
#define RV_GDB_REG_F0       33
#define RV_GDB_REG_CSR_BASE 65 /* GDB numbers CSR n as 65 + n */
#define RV_GDB_REG_FFLAGS   (RV_GDB_REG_CSR_BASE + 0x001)
#define RV_GDB_REG_FRM      (RV_GDB_REG_CSR_BASE + 0x002)
#define RV_GDB_REG_FCSR     (RV_GDB_REG_CSR_BASE + 0x003)
#define RV_GDB_CSR_COUNT    4096
/* The privilege level as GDB's "priv" virtual register (org.gnu.gdb.riscv.virtual), numbered after the
 * CSRs as GDB numbers it internally. */
#define RV_GDB_REG_PRIV     (RV_GDB_REG_CSR_BASE + RV_GDB_CSR_COUNT)
/* The `g` packet carries the integer registers and pc (33 x 8 bytes); FP registers go through p/P. */
#define RV_GDB_G_REGS       33
#define RV_GDB_G_BYTES      (RV_GDB_G_REGS * 8)

/* fcsr layout: frm in bits 7:5 above fflags. */
#define RV_FCSR_FRM_SHIFT 5
#define RV_FCSR_FRM_MASK  0x7u

/* Reads register regno as GDB expects it (little-endian, 8 bytes, or 4 for fflags/frm/fcsr). Returns
 * its size, or 0 for a register the target does not have. */
size_t rv_gdb_reg_read(const struct rv_cpu *cpu, unsigned regno, uint8_t out[8]);
/* Writes register regno from len bytes (must be its size). False for an unknown register or a bad size.
 * Writes to x0 are accepted and discarded. */
bool rv_gdb_reg_write(struct rv_cpu *cpu, unsigned regno, const uint8_t *in, size_t len);

/* The target description served as qXfer:features:read:target.xml in user mode (GNU/Linux, no CSRs but
 * the FP ones). */
const char *rv_gdb_target_xml(size_t *len);

/* A CSR offered in a target description (system mode): its name as GDB knows it and its number. */
struct rv_gdb_csr_desc {
	const char *name;
	unsigned csr;
};

/* Builds a target description into out[cap]: the integer and FP registers; with osabi (e.g. "GNU/Linux")
 * if not NULL; with the CSRs listed (feature org.gnu.gdb.riscv.csr, register number
 * RV_GDB_REG_CSR_BASE + csr) and the "priv" register (RV_GDB_REG_PRIV) if with_priv. Returns its length,
 * or 0 if it did not fit. */
size_t rv_gdb_target_xml_build(char *out, size_t cap, const char *osabi, const struct rv_gdb_csr_desc *csrs,
                               size_t n_csrs, bool with_priv);

/* Debugger access to guest memory: only pages the guest has mapped with host access, never a host fault.
 * read: copies the accessible prefix of [addr, addr+len) and returns its length (0: first byte not
 * readable). write: all or nothing (false if any byte is not writable). */
size_t rv_gdb_mem_read(const struct rv_cpu *cpu, uint64_t addr, uint8_t *out, size_t len);
bool rv_gdb_mem_write(struct rv_cpu *cpu, uint64_t addr, const uint8_t *in, size_t len);

#endif
