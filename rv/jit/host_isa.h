/* The x86-64 extensions of the host CPU that translated code may use beyond the x86-64 baseline: found
 * with cpuid once per process. Code generators ask before emitting such an instruction and fall back to
 * baseline sequences otherwise (a CPU without BMI1 or LZCNT even runs tzcnt/lzcnt, as bsf/bsr, with other
 * results). */
#ifndef KARASU_RV_JIT_HOST_ISA_H
#define KARASU_RV_JIT_HOST_ISA_H

#include <stdbool.h>

struct jit_host_isa {
	bool popcnt; /* POPCNT: CPUID.01H:ECX[23] */
	bool lzcnt;  /* LZCNT (AMD's ABM): CPUID.80000001H:ECX[5] */
	bool bmi1;   /* BMI1 (andn, tzcnt...): CPUID.(EAX=07H,ECX=0):EBX[3] */
	bool bmi2;   /* BMI2 (rorx, shlx...): CPUID.(EAX=07H,ECX=0):EBX[8] */
};

/* Set (to anything but "0" or empty) in the environment: translate as for a host with none of the
 * extensions above, to test and measure the baseline sequences on any host. Read once per process. */
#define JIT_BASELINE_X86_ENV "KARASU_RV_JIT_BASELINE_X86"

/* What translated code may use: the host's extensions, or none with JIT_BASELINE_X86_ENV. */
const struct jit_host_isa *jit_host_isa(void);

/* For tests that cover both code shapes in one process: from now on jit_host_isa() returns *isa (NULL:
 * the detected set again). Blocks translated before keep their code: flush or use a new jit. */
void jit_host_isa_override(const struct jit_host_isa *isa);

#endif
