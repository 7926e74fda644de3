/* libFuzzer harness: karasu-hv's virtual GIC: the shared model (hv/vdev/vgic.c) behind the GICv3
 * distributor and redistributors (vgicd.c, vgicr.c) or the GICv2 distributor (vgicd_v2.c), driven like a
 * partition does: guest MMIO of any size and offset in the frames, device interrupts (edges, level lines,
 * the timer's fast path), SGIs from ICC_SGI1R_EL1 or GICD_SGIR, and the list-register queue finishing
 * what was delivered.
 *
 * The harness plays the LR queue: every delivery is outstanding until it calls vgic_irq_done for it.
 * Asserted, beyond "no crash":
 *   - a delivery names an existing vCPU and an implemented INTID (SGI/PPI, or SPI below 32 + nr_spis),
 *     of an interrupt that is enabled with its group enabled in GICD_CTLR, with its current priority and
 *     group, to its own vCPU (SGI/PPI) or its routing target (SPI); never twice while outstanding;
 *   - nothing deliverable is left behind: after each operation, no interrupt is enabled, pending, of an
 *     enabled group, with a target, and neither queued nor outstanding;
 *   - state stays valid: SGIs are always edge-triggered, INTIDs past the implemented ones do not exist;
 *   - registers: accesses of a size or alignment the headers refuse return false, values fit the access
 *     size, bit-array registers read zero for unimplemented INTIDs, TYPER's ITLinesNumber and CPUNumber
 *     match the configuration, IPRIORITYR reads back what was written.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/vdev/vgic.h"
#include "hv/vdev/vgicd.h"
#include "hv/vdev/vgicd_v2.h"
#include "hv/vdev/vgicr.h"
#include "tests/fuzz/harness/fuzz_input.h"
#include "tests/fuzz/harness/fuzz_require.h"

#define MAX_OPS 64u

/* an invariant of the model: its text is printed when it fails */
#define CHECK(cond) REQUIRE(cond, "%s", "")

static struct vgic vgic;
static bool in_deliver;
/* outstanding[vcpu][intid]: delivered and not yet finished (the LR queue's view) */
static bool outstanding[VGIC_MAX_VCPUS][VGIC_MAX_INTID];

static bool spi_outstanding(uint32_t intid)
{
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++)
		if (outstanding[v][intid])
			return true;
	return false;
}

static const struct vgic_irq *irq_of(unsigned vcpu, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE ? &vgic.cpus[vcpu].private_irqs[intid]
	                               : &vgic.spis[intid - VGIC_NR_PRIVATE];
}

/* The routing target of an SPI, as the GICv3 (IROUTER) or GICv2 (ITARGETSR) spec says; -1 for none. */
static int spi_target(const struct vgic_irq *irq)
{
	if (vgic.v2) {
		for (unsigned v = 0; v < vgic.nr_vcpus; v++)
			if (irq->route & (1u << v))
				return (int)v;
		return -1;
	}
	if (irq->route & GICD_IROUTER_IRM) {
		for (unsigned v = 0; v < vgic.nr_vcpus; v++)
			if (!vgic.cpus[v].asleep)
				return (int)v;
		return 0;
	}
	for (unsigned v = 0; v < vgic.nr_vcpus; v++)
		if ((vgic.cpus[v].mpidr & VGIC_MPIDR_AFF_MASK) == (irq->route & VGIC_MPIDR_AFF_MASK))
			return (int)v;
	return -1;
}

static bool group_enabled(const struct vgic_irq *irq)
{
	uint32_t bit = (irq->flags & VGIC_IRQ_GROUP1) ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0;
	return (vgic.gicd_ctlr & bit) != 0;
}

static void deliver(void *ctx, unsigned vcpu, uint32_t intid, uint8_t priority, bool group1)
{
	(void)ctx;
	CHECK(!in_deliver);
	CHECK(vcpu < vgic.nr_vcpus);
	CHECK(intid < VGIC_NR_PRIVATE + vgic.nr_spis);
	const struct vgic_irq *irq = irq_of(vcpu, intid);
	CHECK(irq->flags & VGIC_IRQ_ENABLED);
	CHECK(group_enabled(irq));
	CHECK(priority == irq->priority && group1 == ((irq->flags & VGIC_IRQ_GROUP1) != 0));
	if (intid >= VGIC_NR_PRIVATE) {
		CHECK(spi_target(irq) == (int)vcpu);
		CHECK(!spi_outstanding(intid));
	} else {
		CHECK(!outstanding[vcpu][intid]);
	}
	outstanding[vcpu][intid] = true;
}

static bool pending(const struct vgic_irq *irq)
{
	return (irq->flags & VGIC_IRQ_PENDING) ||
	       (!(irq->flags & VGIC_IRQ_EDGE) && (irq->flags & VGIC_IRQ_LINE));
}

static void check_state(void)
{
	for (unsigned v = 0; v < vgic.nr_vcpus; v++) {
		for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++) {
			const struct vgic_irq *irq = irq_of(v, i);
			if (i < VGIC_NR_SGIS)
				CHECK(irq->flags & VGIC_IRQ_EDGE);
			bool deliverable =
			    (irq->flags & VGIC_IRQ_ENABLED) && pending(irq) && group_enabled(irq);
			if (deliverable)
				CHECK(outstanding[v][i] || (irq->flags & VGIC_IRQ_QUEUED));
			if (irq->flags & VGIC_IRQ_QUEUED)
				CHECK(outstanding[v][i]);
		}
	}
	for (uint32_t n = 0; n < vgic.nr_spis; n++) {
		uint32_t intid = VGIC_NR_PRIVATE + n;
		const struct vgic_irq *irq = irq_of(0, intid);
		bool deliverable = (irq->flags & VGIC_IRQ_ENABLED) && pending(irq) && group_enabled(irq) &&
		                   spi_target(irq) >= 0;
		if (deliverable)
			CHECK(spi_outstanding(intid) || (irq->flags & VGIC_IRQ_QUEUED));
		if (irq->flags & VGIC_IRQ_QUEUED)
			CHECK(spi_outstanding(intid));
	}
	uint8_t flags, prio;
	CHECK(!vgic_irq_state(&vgic, 0, VGIC_NR_PRIVATE + vgic.nr_spis, &flags, &prio));
	CHECK(!vgic_irq_state(&vgic, vgic.nr_vcpus, 0, &flags, &prio));
}

/* ---- MMIO ---- */
static unsigned take_size(struct fuzz_input *in)
{
	static const unsigned sizes[] = {4, 4, 4, 1, 8, 2, 4, 1};
	return sizes[fuzz_take_u8(in) & 7];
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* The bit-array register families: whatever their frame, bits of INTIDs the model lacks read zero. */
static void check_bits_word(uint32_t first_intid, uint64_t v, bool private_ok)
{
	for (unsigned b = 0; b < 32; b++) {
		uint32_t id = first_intid + b;
		bool exists = id < VGIC_NR_PRIVATE ? private_ok : id < VGIC_NR_PRIVATE + vgic.nr_spis;
		if (!exists)
			CHECK(((v >> b) & 1) == 0);
	}
}

static void gicd_access(struct fuzz_input *in, unsigned vcpu)
{
	static const uint16_t bases[] = {GICD_CTLR,      GICD_TYPER,     GICD_IIDR,       GICD_IGROUPR,
	                                 GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR,    GICD_ICPENDR,
	                                 GICD_ISACTIVER, GICD_ICACTIVER, GICD_IPRIORITYR, GICD_ITARGETSR,
	                                 GICD_ICFGR,     GICD_IROUTER,   GICD_PIDR2,      GICD_SGIR};
	uint8_t sel = fuzz_take_u8(in);
	uint64_t off = bases[sel % 16];
	if (off >= GICD_IGROUPR && off <= GICD_ICACTIVER)
		off += 4u * (fuzz_take_u8(in) % 10);
	else if (off == GICD_IPRIORITYR || off == GICD_ITARGETSR)
		off += fuzz_take_u8(in) % 0x140;
	else if (off == GICD_ICFGR)
		off += 4u * (fuzz_take_u8(in) % 20);
	else if (off == GICD_IROUTER)
		off += 8u * (fuzz_take_u8(in) % 300) + (sel & 0x10 ? 4 : 0);
	if (sel >= 0xf0)
		off = fuzz_take_bytes(in, 2) % (VGICD_FRAME_SIZE + 16);
	unsigned size = take_size(in);
	bool size_ok = (size == 4 || (size == 1 && ((off >= GICD_IPRIORITYR && off < GICD_ICFGR))) ||
	                (size == 8 && off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1024)) &&
	               (off & (size - 1)) == 0 && off < VGICD_FRAME_SIZE;
	if (sel & 0x80) {
		uint64_t val = fuzz_take_u64(in);
		bool ok = vgicd_mmio_write(&vgic, vcpu, off, size, val);
		if (size != 4 && size != 1 && size != 8)
			CHECK(!ok);
		if (ok && off >= GICD_IPRIORITYR + VGIC_NR_PRIVATE && off < GICD_ITARGETSR && size != 8) {
			uint64_t back = 0;
			CHECK(vgicd_mmio_read(&vgic, vcpu, off, size, &back));
			for (unsigned i = 0; i < size; i++) {
				uint32_t id = (uint32_t)(off - GICD_IPRIORITYR) + i;
				uint64_t byte = (back >> (8 * i)) & 0xff;
				CHECK(byte ==
				      (id < VGIC_NR_PRIVATE + vgic.nr_spis ? (val >> (8 * i)) & 0xff : 0));
			}
		}
		return;
	}
	uint64_t v = 0;
	bool ok = vgicd_mmio_read(&vgic, vcpu, off, size, &v);
	if (!size_ok && (size == 2 || off >= VGICD_FRAME_SIZE || (off & (size - 1))))
		CHECK(!ok);
	if (!ok)
		return;
	CHECK((v & ~size_mask(size)) == 0);
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR && size == 4)
		check_bits_word((uint32_t)(off - GICD_IGROUPR) % 0x80 * 8, v, false);
	if (off == GICD_TYPER && size == 4) {
		CHECK((v & GICD_TYPER_ITLINES_MASK) == vgic.nr_spis / 32);
		CHECK(((v >> GICD_TYPER_CPUS_SHIFT) & 7) == vgic.nr_vcpus - 1);
	}
}

static void gicr_access(struct fuzz_input *in, unsigned vcpu)
{
	static const uint32_t regs[] = {GICR_CTLR,
	                                GICR_IIDR,
	                                GICR_TYPER,
	                                GICR_WAKER,
	                                GICR_PIDR2,
	                                VGICR_SGI_BASE + GICR_IGROUPR0,
	                                VGICR_SGI_BASE + GICR_ISENABLER0,
	                                VGICR_SGI_BASE + GICR_ICENABLER0,
	                                VGICR_SGI_BASE + GICR_ISPENDR0,
	                                VGICR_SGI_BASE + GICR_ICPENDR0,
	                                VGICR_SGI_BASE + GICR_ISACTIVER0,
	                                VGICR_SGI_BASE + GICR_ICACTIVER0,
	                                VGICR_SGI_BASE + GICR_IPRIORITYR0,
	                                VGICR_SGI_BASE + GICR_ICFGR0,
	                                VGICR_SGI_BASE + GICR_ICFGR1,
	                                GICR_PROPBASER};
	uint8_t sel = fuzz_take_u8(in);
	unsigned cpu = fuzz_take_u8(in) % (vgic.nr_vcpus + 1);
	uint64_t off = (uint64_t)cpu * VGICR_STRIDE + regs[sel % 16];
	if (regs[sel % 16] == VGICR_SGI_BASE + GICR_IPRIORITYR0)
		off += fuzz_take_u8(in) % 32;
	if (sel >= 0xf0)
		off = fuzz_take_bytes(in, 3) % (VGICR_REGION_SIZE(vgic.nr_vcpus) + 16);
	unsigned size = take_size(in);
	if (sel & 0x80) {
		uint64_t val = fuzz_take_u64(in);
		if (regs[sel % 16] == GICR_WAKER && (fuzz_take_u8(in) & 1))
			val = 0; /* wake it up, as Linux does */
		bool ok = vgicr_mmio_write(&vgic, vcpu, off, size, val);
		if (size == 2 || off >= VGICR_REGION_SIZE(vgic.nr_vcpus))
			CHECK(!ok);
		return;
	}
	uint64_t v = 0;
	bool ok = vgicr_mmio_read(&vgic, vcpu, off, size, &v);
	if (size == 2 || off >= VGICR_REGION_SIZE(vgic.nr_vcpus) || (off & (size - 1)))
		CHECK(!ok);
	if (!ok)
		return;
	CHECK((v & ~size_mask(size)) == 0);
	uint64_t reg = off % VGICR_STRIDE;
	if (reg == VGICR_SGI_BASE + GICR_ICFGR0 && size == 4)
		CHECK(v == 0xaaaaaaaau); /* SGIs: always edge */
	if (reg == GICR_TYPER && size == 8) {
		unsigned c = (unsigned)(off / VGICR_STRIDE);
		CHECK(((v >> GICR_TYPER_PROCNUM_SHIFT) & 0xffff) == c);
		CHECK(((v & GICR_TYPER_LAST) != 0) == (c == vgic.nr_vcpus - 1));
	}
}

static void gicd_v2_access(struct fuzz_input *in, unsigned vcpu)
{
	static const uint16_t bases[] = {
	    VGICD2_CTLR,      VGICD2_TYPER,     VGICD2_IIDR,       VGICD2_IGROUPR,
	    VGICD2_ISENABLER, VGICD2_ICENABLER, VGICD2_ISPENDR,    VGICD2_ICPENDR,
	    VGICD2_ISACTIVER, VGICD2_ICACTIVER, VGICD2_IPRIORITYR, VGICD2_ITARGETSR,
	    VGICD2_ICFGR,     VGICD2_SGIR,      VGICD2_CPENDSGIR,  VGICD2_SPENDSGIR};
	uint8_t sel = fuzz_take_u8(in);
	uint64_t off = bases[sel % 16];
	if (off >= VGICD2_IGROUPR && off <= VGICD2_ICACTIVER)
		off += 4u * (fuzz_take_u8(in) % 10);
	else if (off == VGICD2_IPRIORITYR || off == VGICD2_ITARGETSR)
		off += fuzz_take_u8(in) % 0x140;
	else if (off == VGICD2_ICFGR)
		off += 4u * (fuzz_take_u8(in) % 20);
	else if (off == VGICD2_CPENDSGIR || off == VGICD2_SPENDSGIR)
		off += fuzz_take_u8(in) % 16;
	if (sel >= 0xf0)
		off = fuzz_take_bytes(in, 2) % (VGICD2_FRAME_SIZE + 16);
	unsigned size = take_size(in);
	if (sel & 0x80) {
		uint64_t val = fuzz_take_u64(in);
		bool ok = vgicd_v2_mmio_write(&vgic, vcpu, off, size, val);
		if (size == 2 || size == 8 || off >= VGICD2_FRAME_SIZE || (off & (size - 1)))
			CHECK(!ok);
		if (ok && off >= VGICD2_IPRIORITYR && off < VGICD2_ITARGETSR) {
			uint64_t back = 0;
			CHECK(vgicd_v2_mmio_read(&vgic, vcpu, off, size, &back));
			for (unsigned i = 0; i < size; i++) {
				uint32_t id = (uint32_t)(off - VGICD2_IPRIORITYR) + i;
				uint64_t byte = (back >> (8 * i)) & 0xff;
				CHECK(byte ==
				      (id < VGIC_NR_PRIVATE + vgic.nr_spis ? (val >> (8 * i)) & 0xff : 0));
			}
		}
		return;
	}
	uint64_t v = 0;
	bool ok = vgicd_v2_mmio_read(&vgic, vcpu, off, size, &v);
	if (size == 2 || size == 8 || off >= VGICD2_FRAME_SIZE || (off & (size - 1)))
		CHECK(!ok);
	if (!ok)
		return;
	CHECK((v & ~size_mask(size)) == 0);
	if (off >= VGICD2_IGROUPR && off < VGICD2_IPRIORITYR && size == 4)
		check_bits_word((uint32_t)(off - VGICD2_IGROUPR) % 0x80 * 8, v, true);
	if (off == VGICD2_TYPER && size == 4) {
		CHECK((v & VGICD2_TYPER_ITLINES_MASK) == vgic.nr_spis / 32);
		CHECK(((v >> VGICD2_TYPER_CPUS_SHIFT) & 7) == vgic.nr_vcpus - 1);
	}
	if (off == VGICD2_ICFGR && size == 4)
		CHECK(v == 0xaaaaaaaau); /* SGIs: always edge */
}

/* ---- events from the rest of the machine ---- */
static uint32_t take_intid(struct fuzz_input *in)
{
	uint8_t sel = fuzz_take_u8(in);
	if (sel < 0x40)
		return sel % VGIC_NR_PRIVATE;
	if (sel < 0xf0)
		return VGIC_NR_PRIVATE + sel % (vgic.nr_spis + 8);
	return fuzz_take_u32(in) % 1100;
}

static void finish_one(struct fuzz_input *in)
{
	unsigned vcpu = fuzz_take_u8(in) % vgic.nr_vcpus;
	uint32_t intid = take_intid(in);
	if (intid >= VGIC_MAX_INTID)
		return;
	/* the LR queue finishes only what it holds */
	if (!outstanding[vcpu][intid]) {
		for (uint32_t i = 0; i < VGIC_MAX_INTID; i++)
			if (outstanding[vcpu][(intid + i) % VGIC_MAX_INTID]) {
				intid = (intid + i) % VGIC_MAX_INTID;
				break;
			}
		if (!outstanding[vcpu][intid])
			return;
	}
	outstanding[vcpu][intid] = false;
	vgic_irq_done(&vgic, vcpu, intid);
}

static void setup(struct fuzz_input *in)
{
	memset(outstanding, 0, sizeof(outstanding));
	uint8_t cfg = fuzz_take_u8(in);
	unsigned vcpus = 1 + cfg % VGIC_MAX_VCPUS;
	unsigned spis = fuzz_take_u8(in) % (VGIC_MAX_SPIS + 40);
	struct vgic_hooks hooks = {NULL, deliver, NULL};
	if (cfg & 0x80) {
		CHECK(vgic_init_v2(&vgic, vcpus, spis, &hooks));
		return;
	}
	uint64_t mpidrs[VGIC_MAX_VCPUS];
	for (unsigned i = 0; i < vcpus; i++)
		mpidrs[i] = (cfg & 0x40) ? ((uint64_t)i << 8 | (uint64_t)(i & 1) << 32) : i;
	CHECK(vgic_init(&vgic, vcpus, mpidrs, spis, &hooks));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input_init(data, size);
	setup(&in);
	check_state();
	for (unsigned n = 0; n < MAX_OPS && in.pos < in.size; n++) {
		uint8_t op = fuzz_take_u8(&in);
		unsigned vcpu = fuzz_take_u8(&in) % vgic.nr_vcpus;
		switch (op % 10) {
		case 0:
		case 1:
			if (vgic.v2)
				gicd_v2_access(&in, vcpu);
			else
				gicd_access(&in, vcpu);
			break;
		case 2:
			if (vgic.v2)
				gicd_v2_access(&in, vcpu);
			else
				gicr_access(&in, vcpu);
			break;
		case 3: vgic_inject(&vgic, vcpu, take_intid(&in)); break;
		case 4: vgic_inject_private_fast(&vgic, vcpu, take_intid(&in)); break;
		case 5: vgic_set_level(&vgic, vcpu, take_intid(&in), fuzz_take_bool(&in)); break;
		case 6:
			if (vgic.v2)
				vgic_sgi_send(&vgic, vcpu, fuzz_take_u8(&in) % 16, fuzz_take_u8(&in));
			else
				vgic_sgi_generate(&vgic, vcpu, fuzz_take_u64(&in), NULL);
			break;
		case 7:
		case 8: finish_one(&in); break;
		default: { /* the vCPU of an SPI, for the record: agrees with the routing rules */
			uint32_t intid =
			    VGIC_NR_PRIVATE + fuzz_take_u8(&in) % (vgic.nr_spis ? vgic.nr_spis : 1);
			if (vgic.nr_spis)
				CHECK(vgic_spi_target(&vgic, intid) == spi_target(irq_of(0, intid)));
			break;
		}
		}
		check_state();
	}
	return 0;
}
