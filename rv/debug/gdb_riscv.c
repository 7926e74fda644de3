/* riscv64 registers, target description and guest memory for the GDB stub (see gdb_riscv.h). */
#include <stdio.h>
#include <string.h>

#include "rv/debug/gdb_riscv.h"
#include "rv/user/mem.h"

static void put_le(uint8_t *out, uint64_t v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *in, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++)
		v |= (uint64_t)in[i] << (8 * i);
	return v;
}

static uint32_t fcsr_of(const struct rv_cpu *cpu)
{
	return (cpu->frm & RV_FCSR_FRM_MASK) << RV_FCSR_FRM_SHIFT | (cpu->fflags & RV_FFLAGS_MASK);
}

size_t rv_gdb_reg_read(const struct rv_cpu *cpu, unsigned regno, uint8_t out[8])
{
	if (regno < 32) {
		put_le(out, regno == 0 ? 0 : cpu->x[regno], 8);
		return 8;
	}
	if (regno == RV_GDB_REG_PC) {
		put_le(out, cpu->pc, 8);
		return 8;
	}
	if (regno >= RV_GDB_REG_F0 && regno < RV_GDB_REG_F0 + 32) {
		put_le(out, cpu->f[regno - RV_GDB_REG_F0], 8);
		return 8;
	}
	switch (regno) {
	case RV_GDB_REG_FFLAGS: put_le(out, cpu->fflags & RV_FFLAGS_MASK, 4); return 4;
	case RV_GDB_REG_FRM: put_le(out, cpu->frm & RV_FCSR_FRM_MASK, 4); return 4;
	case RV_GDB_REG_FCSR: put_le(out, fcsr_of(cpu), 4); return 4;
	default: return 0;
	}
}

bool rv_gdb_reg_write(struct rv_cpu *cpu, unsigned regno, const uint8_t *in, size_t len)
{
	uint8_t size_probe[8];
	size_t size = rv_gdb_reg_read(cpu, regno, size_probe);
	if (size == 0 || len != size)
		return false;
	uint64_t v = get_le(in, len);
	if (regno < 32)
		rv_set_x(cpu, regno, v);
	else if (regno == RV_GDB_REG_PC)
		cpu->pc = v;
	else if (regno >= RV_GDB_REG_F0 && regno < RV_GDB_REG_F0 + 32)
		cpu->f[regno - RV_GDB_REG_F0] = v;
	else if (regno == RV_GDB_REG_FFLAGS)
		cpu->fflags = (uint32_t)v & RV_FFLAGS_MASK;
	else if (regno == RV_GDB_REG_FRM)
		cpu->frm = (uint32_t)v & RV_FCSR_FRM_MASK;
	else { /* fcsr */
		cpu->fflags = (uint32_t)v & RV_FFLAGS_MASK;
		cpu->frm = ((uint32_t)v >> RV_FCSR_FRM_SHIFT) & RV_FCSR_FRM_MASK;
	}
	return true;
}

/* ---- target description ---- */

/* ABI names GDB's riscv support expects in org.gnu.gdb.riscv.cpu, and the types that make it print
 * addresses as code or data pointers. */
static const char *const x_names[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
                                        "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                        "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

static const char *x_type(unsigned i)
{
	if (i == 1)
		return "code_ptr";
	if (i == 2 || i == 3 || i == 4 || i == 8)
		return "data_ptr";
	return "int";
}

#define XML_APPEND(...) (n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__))

size_t rv_gdb_target_xml_build(char *out, size_t cap, const char *osabi, const struct rv_gdb_csr_desc *csrs,
                               size_t n_csrs, bool with_priv)
{
	size_t n = 0;
	XML_APPEND(
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
	    "<architecture>riscv:rv64</architecture>\n");
	if (osabi)
		XML_APPEND("<osabi>%s</osabi>\n", osabi);
	XML_APPEND("<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
	for (unsigned i = 0; i < 32; i++)
		XML_APPEND("<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%u\"/>\n", x_names[i],
		           x_type(i), i);
	XML_APPEND("<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%u\"/>\n</feature>\n",
	           RV_GDB_REG_PC);
	XML_APPEND(
	    "<feature name=\"org.gnu.gdb.riscv.fpu\">\n<union id=\"riscv_double\">\n"
	    "<field name=\"float\" type=\"ieee_single\"/>\n<field name=\"double\" type=\"ieee_double\"/>\n"
	    "</union>\n");
	for (unsigned i = 0; i < 32; i++)
		XML_APPEND("<reg name=\"f%u\" bitsize=\"64\" type=\"riscv_double\" regnum=\"%u\"/>\n", i,
		           RV_GDB_REG_F0 + i);
	XML_APPEND("<reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
	           "<reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
	           "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n</feature>\n",
	           RV_GDB_REG_FFLAGS, RV_GDB_REG_FRM, RV_GDB_REG_FCSR);
	if (n_csrs) {
		XML_APPEND("<feature name=\"org.gnu.gdb.riscv.csr\">\n");
		for (size_t i = 0; i < n_csrs; i++)
			XML_APPEND("<reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n",
			           csrs[i].name, RV_GDB_REG_CSR_BASE + csrs[i].csr);
		XML_APPEND("</feature>\n");
	}
	if (with_priv)
		XML_APPEND("<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
		           "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n</feature>\n",
		           RV_GDB_REG_PRIV);
	XML_APPEND("</target>\n");
	return n < cap ? n : 0;
}

static char target_xml[16384];
static size_t target_xml_len;

const char *rv_gdb_target_xml(size_t *len)
{
	if (target_xml_len == 0)
		target_xml_len =
		    rv_gdb_target_xml_build(target_xml, sizeof(target_xml), "GNU/Linux", NULL, 0, false);
	*len = target_xml_len;
	return target_xml;
}

/* ---- guest memory ---- */

/* Access the host side allows without faulting: rv/user/mem.c maps readable, writable and executable
 * guest pages host-readable, and only writable ones host-writable. */
static bool page_allows(const struct rv_cpu *cpu, uint64_t addr, bool write)
{
	if (addr >= cpu->mem_limit || !cpu->page_prot)
		return false;
	uint8_t prot = cpu->page_prot[addr >> RV_PAGE_SHIFT];
	if (write)
		return (prot & RV_PROT_WRITE) != 0;
	return (prot & (RV_PROT_READ | RV_PROT_WRITE | RV_PROT_EXEC)) != 0;
}

/* Bytes accessible from addr, up to len, checked page by page. */
static size_t accessible(const struct rv_cpu *cpu, uint64_t addr, size_t len, bool write)
{
	size_t ok = 0;
	while (ok < len) {
		uint64_t a = addr + ok;
		if (a < addr || !page_allows(cpu, a, write)) /* wrapped around, or not accessible */
			break;
		uint64_t page_left = RV_PAGE_SIZE - (a & (RV_PAGE_SIZE - 1));
		ok += page_left < len - ok ? (size_t)page_left : len - ok;
	}
	return ok;
}

size_t rv_gdb_mem_read(const struct rv_cpu *cpu, uint64_t addr, uint8_t *out, size_t len)
{
	size_t n = accessible(cpu, addr, len, false);
	if (n)
		memcpy(out, rv_mem_host(cpu, addr), n);
	return n;
}

bool rv_gdb_mem_write(struct rv_cpu *cpu, uint64_t addr, const uint8_t *in, size_t len)
{
	if (accessible(cpu, addr, len, true) != len)
		return false;
	if (len)
		memcpy(rv_mem_host(cpu, addr), in, len);
	return true;
}
