/* Flat-mode instruction fetch (see rv/mem/mem.h): the bits of one instruction, each half checked for
 * execute permission on its own page. */
#include "rv/mem/mem.h"

bool rv_mem_fetch_flat(struct rv_cpu *cpu, uint64_t addr, uint32_t *raw)
{
	if (!rv_mem_access_ok(cpu, addr, 2, RV_PROT_EXEC)) {
		cpu->fault_addr = addr;
		cpu->fault_kind = RV_FAULT_FETCH;
		return false;
	}
	uint16_t lo;
	memcpy(&lo, cpu->mem_base + addr, 2);
	if ((lo & 3) != 3) {
		*raw = lo;
		return true;
	}
	if (!rv_mem_access_ok(cpu, addr + 2, 2, RV_PROT_EXEC)) {
		cpu->fault_addr = addr + 2;
		cpu->fault_kind = RV_FAULT_FETCH;
		return false;
	}
	uint16_t hi;
	memcpy(&hi, cpu->mem_base + addr + 2, 2);
	*raw = (uint32_t)lo | ((uint32_t)hi << 16);
	return true;
}
