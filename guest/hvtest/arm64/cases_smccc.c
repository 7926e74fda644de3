/* SMCCC-level calls through HVC #0: the vendor hypervisor UID query and an unknown function id. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"

#define SMCCC_NOT_SUPPORTED         0xffffffffffffffffull /* -1 */
/* Vendor hypervisor service, SMC64 fast call, function 0x1234: nothing karasu defines. */
#define SMCCC_UNKNOWN_VENDOR_HYP_FN 0xC6001234u

void cases_smccc(void)
{
	struct hvc_regs r = {0};
	r.x[0] = HV_SMCCC_FUNC_VENDOR_HYP_UID;
	hvtest_hvc(&r);
	check((uint32_t)r.x[0] == KARASU_UUID_W0 && (uint32_t)r.x[1] == KARASU_UUID_W1 &&
	          (uint32_t)r.x[2] == KARASU_UUID_W2 && (uint32_t)r.x[3] == KARASU_UUID_W3,
	      "vendor hypervisor UID query returns karasu's UUID " KARASU_UUID_STRING,
	      "W0..W3 = %08x %08x %08x %08x", (unsigned)r.x[0], (unsigned)r.x[1], (unsigned)r.x[2],
	      (unsigned)r.x[3]);

	struct hvc_regs u = {0};
	u.x[0] = SMCCC_UNKNOWN_VENDOR_HYP_FN;
	hvtest_hvc(&u);
	check(u.x[0] == SMCCC_NOT_SUPPORTED || (uint32_t)u.x[0] == (uint32_t)SMCCC_NOT_SUPPORTED,
	      "unknown SMCCC function id -> NOT_SUPPORTED (-1)", "X0 = %#llx", (unsigned long long)u.x[0]);
}
