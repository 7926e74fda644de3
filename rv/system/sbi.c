/* The built-in SBI (-bios default): karasu-rv answers S-mode ECALLs itself, as an M-mode firmware would,
 * without running any M-mode code. Extensions (SBI specification 2.0): Base, Timer, IPI, RFENCE, HSM,
 * System Reset, Debug Console, the legacy calls, and karasu's vendor extension that reaches the shared
 * hypercall dispatcher (docs/abi.md). */
#include "karasu/hv.h"
#include "lib/hypercall.h"
#include "rv/system/console.h"
#include "rv/system/hypercall.h"
#include "rv/system/machine.h"
#include "rv/system/run.h"
#include "rv/system/sbi.h"

/* Extension ids. */
#define SBI_EXT_LEGACY_SET_TIMER       0x00
#define SBI_EXT_LEGACY_PUTCHAR         0x01
#define SBI_EXT_LEGACY_GETCHAR         0x02
#define SBI_EXT_LEGACY_CLEAR_IPI       0x03
#define SBI_EXT_LEGACY_SEND_IPI        0x04
#define SBI_EXT_LEGACY_FENCE_I         0x05
#define SBI_EXT_LEGACY_SFENCE_VMA      0x06
#define SBI_EXT_LEGACY_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN        0x08
#define SBI_EXT_BASE                   0x10
#define SBI_EXT_TIME                   0x54494d45u /* "TIME" */
#define SBI_EXT_IPI                    0x735049u   /* "sPI" */
#define SBI_EXT_RFENCE                 0x52464e43u /* "RFNC" */
#define SBI_EXT_HSM                    0x48534du   /* "HSM" */
#define SBI_EXT_SRST                   0x53525354u /* "SRST" */
#define SBI_EXT_DBCN                   0x4442434eu /* "DBCN" */

/* Base functions. */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_BASE_GET_MVENDORID    4
#define SBI_BASE_GET_MARCHID      5
#define SBI_BASE_GET_MIMPID       6

/* The specification version implemented: 2.0 (major in bits 30:24). */
#define SBI_SPEC_VERSION   ((2u << 24) | 0u)
/* Implementation id: not one of the registered ones (0-10); "KR" in ASCII. */
#define SBI_IMPL_ID_KARASU 0x4b52u

/* Error codes. */
#define SBI_SUCCESS               0
#define SBI_ERR_FAILED            (-1)
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_INVALID_ADDRESS   (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* RFENCE functions (the hypervisor ones are not supported: no H extension). */
#define SBI_RFENCE_FENCE_I         0
#define SBI_RFENCE_SFENCE_VMA      1
#define SBI_RFENCE_SFENCE_VMA_ASID 2

/* HSM functions and suspend types. */
#define SBI_HSM_HART_START            0
#define SBI_HSM_HART_STOP             1
#define SBI_HSM_HART_GET_STATUS       2
#define SBI_HSM_HART_SUSPEND          3
#define SBI_HSM_SUSPEND_RETENTIVE     0x00000000u
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000u

/* System reset types and reasons. */
#define SBI_SRST_SHUTDOWN          0
#define SBI_SRST_COLD_REBOOT       1
#define SBI_SRST_WARM_REBOOT       2
#define SBI_SRST_REASON_FAILURE    1
/* reset reasons from here up are SBI-implementation- and vendor-specific; 2 up to here are reserved */
#define SBI_SRST_REASON_IMPL_FIRST 0xe0000000u
/* reset types from here up are vendor-specific; 3 up to here are reserved */
#define SBI_SRST_TYPE_VENDOR_FIRST 0xf0000000u

/* Debug console functions. */
#define SBI_DBCN_WRITE      0
#define SBI_DBCN_READ       1
#define SBI_DBCN_WRITE_BYTE 2

/* Argument registers. */
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A6 16
#define REG_A7 17

struct sbi_ret {
	int64_t error;
	uint64_t value;
};

static struct sbi_ret ret(int64_t error, uint64_t value)
{
	struct sbi_ret r = {error, value};
	return r;
}

static bool extension_present(uint64_t eid)
{
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
	case SBI_EXT_LEGACY_PUTCHAR:
	case SBI_EXT_LEGACY_GETCHAR:
	case SBI_EXT_LEGACY_CLEAR_IPI:
	case SBI_EXT_LEGACY_SEND_IPI:
	case SBI_EXT_LEGACY_FENCE_I:
	case SBI_EXT_LEGACY_SFENCE_VMA:
	case SBI_EXT_LEGACY_SFENCE_VMA_ASID:
	case SBI_EXT_LEGACY_SHUTDOWN:
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_IPI:
	case SBI_EXT_RFENCE:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
	case HV_SBI_EXT_KARASU: return true;
	default: return false;
	}
}

static struct sbi_ret base_call(uint64_t fid, uint64_t arg0)
{
	switch (fid) {
	case SBI_BASE_GET_SPEC_VERSION: return ret(SBI_SUCCESS, SBI_SPEC_VERSION);
	case SBI_BASE_GET_IMPL_ID: return ret(SBI_SUCCESS, SBI_IMPL_ID_KARASU);
	case SBI_BASE_GET_IMPL_VERSION:
		return ret(SBI_SUCCESS, (KARASU_HV_VERSION_MAJOR << 16) | KARASU_HV_VERSION_MINOR);
	case SBI_BASE_PROBE_EXTENSION: return ret(SBI_SUCCESS, extension_present(arg0) ? 1 : 0);
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID: return ret(SBI_SUCCESS, 0); /* as the CSRs read */
	default: return ret(SBI_ERR_NOT_SUPPORTED, 0);
	}
}

static void set_timer(struct rv_hart *h, uint64_t when)
{
	/* the built-in firmware keeps Sstc on for S-mode, so its timer is stimecmp */
	__atomic_store_n(&h->stimecmp, when, __ATOMIC_RELEASE);
	rv_hart_stimecmp_changed(h);
}

/* The harts named by (mask, base): base == -1 means every hart. Returns false for an invalid base or a
 * mask naming absent harts. */
static bool hart_set(const struct rv_machine *m, uint64_t mask, uint64_t base, uint64_t *set)
{
	uint64_t all = m->n_harts >= 64 ? UINT64_MAX : (1ull << m->n_harts) - 1;
	if (base == UINT64_MAX) {
		*set = all;
		return true;
	}
	if (base >= m->n_harts)
		return false;
	uint64_t s = mask << base;
	if ((s >> base) != mask || (s & ~all))
		return false;
	*set = s;
	return true;
}

static struct sbi_ret send_ipi(struct rv_hart *h, uint64_t mask, uint64_t base)
{
	struct rv_machine *m = h->machine;
	uint64_t set;
	if (!hart_set(m, mask, base, &set))
		return ret(SBI_ERR_INVALID_PARAM, 0);
	for (unsigned i = 0; i < m->n_harts; i++) {
		if (!(set & (1ull << i)))
			continue;
		struct rv_hart *t = &m->harts[i];
		__atomic_fetch_or(&t->mip_sw, MIP_SSIP, __ATOMIC_ACQ_REL);
		rv_hart_kick(t);
	}
	return ret(SBI_SUCCESS, 0);
}

static struct sbi_ret remote_fence(struct rv_hart *h, uint64_t mask, uint64_t base, uint32_t req)
{
	uint64_t set;
	if (!hart_set(h->machine, mask, base, &set))
		return ret(SBI_ERR_INVALID_PARAM, 0);
	rv_run_remote_fence(h, set, req);
	return ret(SBI_SUCCESS, 0);
}

static struct sbi_ret rfence_call(struct rv_hart *h, uint64_t fid, const uint64_t *a)
{
	switch (fid) {
	case SBI_RFENCE_FENCE_I: return remote_fence(h, a[0], a[1], RV_REQ_FENCE_I);
	case SBI_RFENCE_SFENCE_VMA:
	case SBI_RFENCE_SFENCE_VMA_ASID:
		/* a whole flush for any range: the TLB is small and not ASID-tagged */
		return remote_fence(h, a[0], a[1], RV_REQ_TLB_FLUSH);
	default: return ret(SBI_ERR_NOT_SUPPORTED, 0);
	}
}

static struct sbi_ret hsm_call(struct rv_hart *h, uint64_t fid, const uint64_t *a)
{
	struct rv_machine *m = h->machine;
	switch (fid) {
	case SBI_HSM_HART_START: {
		if (a[0] >= m->n_harts)
			return ret(SBI_ERR_INVALID_PARAM, 0);
		struct rv_hart *t = &m->harts[a[0]];
		if (!rv_bus_ram(&m->bus, a[1], 2, &(uint8_t *){0}))
			return ret(SBI_ERR_INVALID_ADDRESS, 0);
		int expected = RV_HSM_STOPPED;
		if (!__atomic_compare_exchange_n(&t->hsm, &expected, RV_HSM_START_CLAIMED, false,
		                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return ret(SBI_ERR_ALREADY_AVAILABLE, 0);
		/* Only the caller that won the claim writes these, and the hart reads them only after the
		 * release store of START_PENDING below. */
		t->start_pc = a[1];
		t->start_arg = a[2];
		__atomic_store_n(&t->hsm, RV_HSM_START_PENDING, __ATOMIC_RELEASE);
		rv_hart_kick(t);
		return ret(SBI_SUCCESS, 0);
	}
	case SBI_HSM_HART_STOP:
		__atomic_store_n(&h->hsm, RV_HSM_STOPPED, __ATOMIC_RELEASE);
		return ret(SBI_SUCCESS, 0); /* not seen: the hart stops */
	case SBI_HSM_HART_GET_STATUS: {
		if (a[0] >= m->n_harts)
			return ret(SBI_ERR_INVALID_PARAM, 0);
		int state = __atomic_load_n(&m->harts[a[0]].hsm, __ATOMIC_ACQUIRE);
		return ret(SBI_SUCCESS,
		           (uint64_t)(state == RV_HSM_START_CLAIMED ? RV_HSM_START_PENDING : state));
	}
	case SBI_HSM_HART_SUSPEND:
		if ((uint32_t)a[0] == SBI_HSM_SUSPEND_RETENTIVE) {
			h->wfi = true; /* resumes when an interrupt is pending, like WFI */
			return ret(SBI_SUCCESS, 0);
		}
		if ((uint32_t)a[0] == SBI_HSM_SUSPEND_NON_RETENTIVE)
			return ret(SBI_ERR_NOT_SUPPORTED, 0);
		return ret(SBI_ERR_INVALID_PARAM, 0);
	default: return ret(SBI_ERR_NOT_SUPPORTED, 0);
	}
}

static struct sbi_ret srst_call(struct rv_hart *h, uint64_t fid, const uint64_t *a)
{
	if (fid != 0)
		return ret(SBI_ERR_NOT_SUPPORTED, 0);
	/* Reasons: 0 none, 1 system failure, then a reserved range (an error), then implementation- and
	 * vendor-specific ones (accepted; they mean nothing here). */
	uint64_t reason = a[1];
	if (reason > UINT32_MAX || (reason > SBI_SRST_REASON_FAILURE && reason < SBI_SRST_REASON_IMPL_FIRST))
		return ret(SBI_ERR_INVALID_PARAM, 0);
	if (a[0] >= SBI_SRST_TYPE_VENDOR_FIRST && a[0] <= UINT32_MAX)
		return ret(SBI_ERR_NOT_SUPPORTED, 0); /* a valid type karasu-rv has none of */
	switch (a[0]) {
	case SBI_SRST_SHUTDOWN:
		rv_machine_stop(h->machine, RV_MACHINE_POWEROFF, a[1] == SBI_SRST_REASON_FAILURE ? 1 : 0);
		return ret(SBI_SUCCESS, 0);
	case SBI_SRST_COLD_REBOOT:
	case SBI_SRST_WARM_REBOOT:
		rv_machine_stop(h->machine, RV_MACHINE_RESET, 0);
		return ret(SBI_SUCCESS, 0);
	default: return ret(SBI_ERR_INVALID_PARAM, 0);
	}
}

static struct sbi_ret dbcn_call(struct rv_hart *h, uint64_t fid, const uint64_t *a)
{
	struct rv_machine *m = h->machine;
	switch (fid) {
	case SBI_DBCN_WRITE:
	case SBI_DBCN_READ: {
		/* a physical address (a[1] low, a[2] high; RV64 uses a[1] only) */
		uint64_t len = a[0], pa = a[1];
		uint8_t *host;
		if (a[2] != 0 || !rv_bus_ram(&m->bus, pa, len, &host))
			return ret(SBI_ERR_INVALID_PARAM, 0);
		if (fid == SBI_DBCN_WRITE) {
			rv_console_write(m->console, host, len);
			return ret(SBI_SUCCESS, len);
		}
		uint64_t got = rv_console_read(m->console, host, len);
		rv_machine_code_written(m, pa, got);
		return ret(SBI_SUCCESS, got);
	}
	case SBI_DBCN_WRITE_BYTE: {
		uint8_t c = (uint8_t)a[0];
		rv_console_write(m->console, &c, 1);
		return ret(SBI_SUCCESS, 0);
	}
	default: return ret(SBI_ERR_NOT_SUPPORTED, 0);
	}
}

/* The legacy extensions (SBI v0.1): result in a0 only; pointers are S-mode virtual addresses. */
static bool legacy_call(struct rv_hart *h, uint64_t eid, const uint64_t *a)
{
	struct rv_machine *m = h->machine;
	uint64_t *x = h->cpu.x;
	uint64_t mask = 0;
	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER:
		set_timer(h, a[0]);
		x[REG_A0] = 0;
		return true;
	case SBI_EXT_LEGACY_PUTCHAR: {
		uint8_t c = (uint8_t)a[0];
		rv_console_write(m->console, &c, 1);
		x[REG_A0] = 0;
		return true;
	}
	case SBI_EXT_LEGACY_GETCHAR: {
		uint8_t c;
		x[REG_A0] = rv_console_read(m->console, &c, 1) == 1 ? c : (uint64_t)-1;
		return true;
	}
	case SBI_EXT_LEGACY_CLEAR_IPI:
		__atomic_fetch_and(&h->mip_sw, ~MIP_SSIP, __ATOMIC_ACQ_REL);
		x[REG_A0] = 0;
		return true;
	case SBI_EXT_LEGACY_SEND_IPI:
	case SBI_EXT_LEGACY_FENCE_I:
	case SBI_EXT_LEGACY_SFENCE_VMA:
	case SBI_EXT_LEGACY_SFENCE_VMA_ASID: {
		/* a0: address of the hart mask (0: all harts) */
		uint64_t base = UINT64_MAX;
		if (a[0] != 0) {
			if (!rv_mmu_debug_read(h, a[0], &mask, sizeof(mask))) {
				x[REG_A0] = (uint64_t)SBI_ERR_INVALID_ADDRESS;
				return true;
			}
			base = 0;
		}
		struct sbi_ret r = eid == SBI_EXT_LEGACY_SEND_IPI ? send_ipi(h, mask, base)
		                   : eid == SBI_EXT_LEGACY_FENCE_I
		                       ? remote_fence(h, mask, base, RV_REQ_FENCE_I)
		                       : remote_fence(h, mask, base, RV_REQ_TLB_FLUSH);
		x[REG_A0] = (uint64_t)r.error;
		return true;
	}
	case SBI_EXT_LEGACY_SHUTDOWN:
		rv_machine_stop(m, RV_MACHINE_POWEROFF, 0);
		x[REG_A0] = 0;
		return true;
	default: return false;
	}
}

void rv_sbi_call(struct rv_hart *h)
{
	uint64_t *x = h->cpu.x;
	uint64_t eid = x[REG_A7], fid = x[REG_A6];
	const uint64_t a[6] = {x[REG_A0], x[REG_A1], x[REG_A2], x[REG_A3], x[REG_A3 + 1], x[REG_A3 + 2]};
	h->n_sbi++;
	if (eid <= SBI_EXT_LEGACY_SHUTDOWN && legacy_call(h, eid, a))
		return;
	if (eid == HV_SBI_EXT_KARASU) {
		if (fid != HV_SBI_FID_HYPERCALL) {
			x[REG_A0] = (uint64_t)SBI_ERR_NOT_SUPPORTED;
			return;
		}
		rv_hypercall_sbi(h);
		return;
	}
	struct sbi_ret r;
	switch (eid) {
	case SBI_EXT_BASE: r = base_call(fid, a[0]); break;
	case SBI_EXT_TIME:
		if (fid == 0) {
			set_timer(h, a[0]);
			r = ret(SBI_SUCCESS, 0);
		} else {
			r = ret(SBI_ERR_NOT_SUPPORTED, 0);
		}
		break;
	case SBI_EXT_IPI: r = fid == 0 ? send_ipi(h, a[0], a[1]) : ret(SBI_ERR_NOT_SUPPORTED, 0); break;
	case SBI_EXT_RFENCE: r = rfence_call(h, fid, a); break;
	case SBI_EXT_HSM: r = hsm_call(h, fid, a); break;
	case SBI_EXT_SRST: r = srst_call(h, fid, a); break;
	case SBI_EXT_DBCN: r = dbcn_call(h, fid, a); break;
	default: r = ret(SBI_ERR_NOT_SUPPORTED, 0); break;
	}
	x[REG_A0] = (uint64_t)r.error;
	x[REG_A1] = r.value;
}
