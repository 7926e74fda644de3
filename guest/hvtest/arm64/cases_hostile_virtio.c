/* virtio-blk under attack.
 *
 * act:vblkbad (configs/hvtest-actions.cfg, the only guest with a disk there) feeds its own device broken
 * requests — data buffers past the end of RAM or on MMIO, a descriptor chain that loops, a length of 4 GiB,
 * a queue outside RAM — each must fail cleanly (an error status or DEVICE_NEEDS_RESET) and the device must
 * work again after a reset.
 *
 * act:vblkhammer and act:vblkvictim (configs/hvtest-virtio.cfg) run at the same time on different PEs: the
 * hammer reads through long descriptor chains into its own buffer (attack_buf) for a few seconds; the victim
 * reads sectors of its own disk and checks every one
 * (each sector of a karasu test disk holds 16 lines "LABEL sector SSSSSSSS"), and that its copy of the
 * attacker's buffer addresses (attack_buf: the same IPAs in its own RAM, untouched by its own requests)
 * keeps its fill: a device model that mixed up two guests' requests would put the data elsewhere. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "lib/fmt.h"
#include "lib/mem.h"

#define VIRTIO_BASE       0x0a000000ull /* karasu's guest layout (hv/core/partition.h) */
#define MMIO_MAGIC        0x000u
#define MMIO_VERSION      0x004u
#define MMIO_DEVICE_ID    0x008u
#define MMIO_DEV_FEAT     0x010u
#define MMIO_DEV_FEAT_SEL 0x014u
#define MMIO_DRV_FEAT     0x020u
#define MMIO_DRV_FEAT_SEL 0x024u
#define MMIO_QUEUE_SEL    0x030u
#define MMIO_QUEUE_NUM    0x038u
#define MMIO_QUEUE_READY  0x044u
#define MMIO_QUEUE_NOTIFY 0x050u
#define MMIO_INT_STATUS   0x060u
#define MMIO_INT_ACK      0x064u
#define MMIO_STATUS       0x070u
#define MMIO_DESC_LO      0x080u
#define MMIO_DESC_HI      0x084u
#define MMIO_DRIVER_LO    0x090u
#define MMIO_DRIVER_HI    0x094u
#define MMIO_DEVICE_LO    0x0a0u
#define MMIO_DEVICE_HI    0x0a4u
#define VIRTIO_MAGIC      0x74726976u
#define ST_ACK            1u
#define ST_DRIVER         2u
#define ST_DRIVER_OK      4u
#define ST_FEATURES_OK    8u
#define ST_NEEDS_RESET    0x40u
#define F_NEXT            1u
#define F_WRITE           2u
#define QNUM              16u
#define REQ_IN            0u
#define BLK_S_OK          0u
#define SECTOR            512u
#define LINE              32u
#define ATTACK_BUF_SIZE   (8u * SECTOR)
#define VICTIM_SECTORS    200u
#define RUN_MS            6000u
#define FILL_ATTACK       0xc3u
#define PENDING_NONE      0xffu

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct vq {
	struct vdesc desc[QNUM];
	uint16_t avail_flags, avail_idx, avail_ring[QNUM], avail_event;
	uint8_t pad[HVTEST_PAGE - QNUM * 16 - 6 - 2 * QNUM];
	uint16_t used_flags, used_idx;
	struct {
		uint32_t id, len;
	} used_ring[QNUM];
};
_Static_assert(sizeof(struct vdesc) == 16, "virtq descriptor layout");

static struct vq vq __attribute__((aligned(HVTEST_PAGE)));
static uint8_t hdr[16] __attribute__((aligned(16)));
static volatile uint8_t status_byte;
static uint16_t next_used;
/* The attacker reads into attack_buf; the victim never uses these addresses and checks they keep their fill. */
static uint8_t attack_buf[ATTACK_BUF_SIZE] __attribute__((aligned(HVTEST_PAGE)));
static uint8_t victim_buf[SECTOR] __attribute__((aligned(HVTEST_PAGE)));

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(VIRTIO_BASE + off);
}

static bool dev_init(void)
{
	if (*reg(MMIO_MAGIC) != VIRTIO_MAGIC || *reg(MMIO_DEVICE_ID) != 2)
		return false;
	*reg(MMIO_STATUS) = 0;
	*reg(MMIO_STATUS) = ST_ACK;
	*reg(MMIO_STATUS) = ST_ACK | ST_DRIVER;
	*reg(MMIO_DRV_FEAT_SEL) = 1;
	*reg(MMIO_DRV_FEAT) = *reg(MMIO_VERSION) >= 2 ? 1u : 0u; /* VIRTIO_F_VERSION_1 (bit 32) */
	*reg(MMIO_DRV_FEAT_SEL) = 0;
	*reg(MMIO_DRV_FEAT) = 0;
	*reg(MMIO_STATUS) = ST_ACK | ST_DRIVER | ST_FEATURES_OK;
	if (!(*reg(MMIO_STATUS) & ST_FEATURES_OK))
		return false;
	k_memset(&vq, 0, sizeof(vq));
	next_used = 0;
	uint64_t d = (uintptr_t)&vq.desc, a = (uintptr_t)&vq.avail_flags, u = (uintptr_t)&vq.used_flags;
	*reg(MMIO_QUEUE_SEL) = 0;
	*reg(MMIO_QUEUE_NUM) = QNUM;
	*reg(MMIO_DESC_LO) = (uint32_t)d;
	*reg(MMIO_DESC_HI) = (uint32_t)(d >> 32);
	*reg(MMIO_DRIVER_LO) = (uint32_t)a;
	*reg(MMIO_DRIVER_HI) = (uint32_t)(a >> 32);
	*reg(MMIO_DEVICE_LO) = (uint32_t)u;
	*reg(MMIO_DEVICE_HI) = (uint32_t)(u >> 32);
	*reg(MMIO_QUEUE_READY) = 1;
	*reg(MMIO_STATUS) = ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	return true;
}

/* One read request: header, nseg data descriptors splitting [buf, buf+len), status. Returns the status byte
 * (PENDING_NONE when the device did not complete it). The MMIO write of QueueNotify runs the request. */
static uint8_t read_req(uint64_t sector, uint64_t buf, uint32_t len, unsigned nseg)
{
	uint32_t type = REQ_IN, rsvd = 0;
	k_memcpy(hdr, &type, 4);
	k_memcpy(hdr + 4, &rsvd, 4);
	k_memcpy(hdr + 8, &sector, 8);
	vq.desc[0] = (struct vdesc){(uintptr_t)hdr, sizeof(hdr), F_NEXT, 1};
	uint32_t per = len / nseg;
	for (unsigned i = 0; i < nseg; i++) {
		uint32_t l = i + 1 == nseg ? len - per * i : per;
		vq.desc[1 + i] =
		    (struct vdesc){buf + (uint64_t)per * i, l, F_NEXT | F_WRITE, (uint16_t)(2 + i)};
	}
	vq.desc[1 + nseg] = (struct vdesc){(uintptr_t)&status_byte, 1, F_WRITE, 0};
	status_byte = PENDING_NONE;
	vq.avail_ring[vq.avail_idx % QNUM] = 0;
	__asm__ volatile("dsb sy" ::: "memory");
	vq.avail_idx++;
	__asm__ volatile("dsb sy" ::: "memory");
	*reg(MMIO_QUEUE_NOTIFY) = 0;
	*reg(MMIO_INT_ACK) = *reg(MMIO_INT_STATUS);
	__asm__ volatile("dsb sy" ::: "memory");
	if (vq.used_idx == (uint16_t)(next_used + 1)) {
		next_used++;
		return status_byte;
	}
	return PENDING_NONE;
}

static bool needs_reset(void)
{
	return (*reg(MMIO_STATUS) & ST_NEEDS_RESET) != 0;
}

/* A broken request must end in an error status or DEVICE_NEEDS_RESET, and a reset must bring the device back. */
static void bad_request(const char *what, uint64_t buf, uint32_t len, unsigned nseg)
{
	uint8_t st = read_req(1, buf, len, nseg);
	bool refused = (st != PENDING_NONE && st != BLK_S_OK) || needs_reset();
	bool nr = needs_reset();
	uint16_t used = vq.used_idx, want = next_used;
	bool back = dev_init() && read_req(1, (uintptr_t)victim_buf, SECTOR, 1) == BLK_S_OK;
	check(refused && back, what,
	      "status %#x, needs-reset %d, used idx %u (driver at %u), device back after reset: %d (used idx "
	      "%u)",
	      st, nr, used, want, back, vq.used_idx);
	dev_init();
}

static bool sector_ok(const uint8_t *b, uint64_t s)
{
	char want[24];
	k_snprintf(want, sizeof(want), "sector %08llu", (unsigned long long)s);
	size_t wl = k_strlen(want);
	for (unsigned line = 0; line < SECTOR / LINE; line++) {
		const uint8_t *l = b + line * LINE;
		if (l[LINE - 1] != '\n' || k_memcmp(l, b, LINE) != 0)
			return false;
	}
	for (unsigned i = 0; i + wl < LINE; i++)
		if (k_memcmp(b + i, want, wl) == 0)
			return true;
	return false;
}

static void attacker(void)
{
	check(dev_init(), "vblkbad: virtio-blk device initialised", "no device at %#llx",
	      (unsigned long long)VIRTIO_BASE);
	uint8_t st = read_req(1, (uintptr_t)victim_buf, SECTOR, 1);
	char first[LINE];
	k_memcpy(first, victim_buf, LINE - 1);
	first[LINE - 1] = 0;
	for (unsigned i = 0; i < LINE - 1; i++)
		if (first[i] < ' ' || first[i] > '~')
			first[i] = '.';
	check(st == BLK_S_OK && sector_ok(victim_buf, 1),
	      "vblkbad: control: sector 1 reads back with its pattern", "status %#x, first line '%s'", st,
	      first);
	uint64_t end = plat.ram_base + plat.ram_size;
	/* karasu maps guest RAM on first use, after scrubbing it: a device write into a page the guest has never
	 * touched must land there and stay (the block is scrubbed before the write, not after it). */
	uint64_t fresh = end - HVTEST_PAGE;
	st = read_req(2, fresh, SECTOR, 1);
	check(st == BLK_S_OK && sector_ok((const uint8_t *)(uintptr_t)fresh, 2),
	      "vblkbad: a read into RAM the guest never touched arrives and stays", "status %#x", st);
	bad_request("vblkbad: data buffer = the first byte past RAM -> error, device recovers", end, SECTOR,
	            1);
	bad_request("vblkbad: data buffer straddling the end of RAM -> error, device recovers", end - 256,
	            SECTOR, 1);
	bad_request("vblkbad: data buffer = the vGICD -> error, device recovers", plat.gicd_base, SECTOR, 1);
	bad_request("vblkbad: data buffer = its own virtio registers -> error, device recovers", VIRTIO_BASE,
	            SECTOR, 1);
	bad_request("vblkbad: data length 4 GiB - 512 -> error, device recovers", (uintptr_t)attack_buf,
	            0xfffffe00u, 1);

	/* A descriptor chain that loops. */
	vq.desc[0] = (struct vdesc){(uintptr_t)hdr, sizeof(hdr), F_NEXT, 1};
	vq.desc[1] = (struct vdesc){(uintptr_t)attack_buf, SECTOR, F_NEXT | F_WRITE, 1};
	vq.avail_ring[vq.avail_idx % QNUM] = 0;
	vq.avail_idx++;
	*reg(MMIO_QUEUE_NOTIFY) = 0;
	bool looped = needs_reset();
	bool back = dev_init() && read_req(1, (uintptr_t)victim_buf, SECTOR, 1) == BLK_S_OK;
	check(looped && back, "vblkbad: a descriptor chain that loops -> DEVICE_NEEDS_RESET, device recovers",
	      "needs-reset %d, back %d", looped, back);

	/* The queue itself outside RAM. */
	*reg(MMIO_STATUS) = 0;
	*reg(MMIO_STATUS) = ST_ACK | ST_DRIVER;
	*reg(MMIO_DRV_FEAT_SEL) = 1;
	*reg(MMIO_DRV_FEAT) = 1;
	*reg(MMIO_STATUS) = ST_ACK | ST_DRIVER | ST_FEATURES_OK;
	*reg(MMIO_QUEUE_SEL) = 0;
	*reg(MMIO_QUEUE_NUM) = QNUM;
	*reg(MMIO_DESC_LO) = (uint32_t)end;
	*reg(MMIO_DESC_HI) = (uint32_t)(end >> 32);
	*reg(MMIO_DRIVER_LO) = (uint32_t)plat.gicd_base;
	*reg(MMIO_DRIVER_HI) = 0;
	*reg(MMIO_DEVICE_LO) = 0;
	*reg(MMIO_DEVICE_HI) = 0;
	*reg(MMIO_QUEUE_READY) = 1;
	*reg(MMIO_STATUS) = ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	*reg(MMIO_QUEUE_NOTIFY) = 0;
	back = dev_init() && read_req(1, (uintptr_t)victim_buf, SECTOR, 1) == BLK_S_OK;
	check(back, "vblkbad: rings outside RAM (past RAM, vGICD, IPA 0) -> no crash, device recovers",
	      "device not back after reset");
}

static void hammer(void)
{
	check(dev_init(), "hammer: virtio-blk device initialised", "no device at %#llx",
	      (unsigned long long)VIRTIO_BASE);
	/* Long chains (8 data descriptors) of reads into attack_buf; a failed request resets the device. */
	unsigned n = 0, bad = 0;
	uint64_t until = now_ticks() + RUN_MS * ticks_per_ms();
	while (now_ticks() < until) {
		uint64_t s = 1 + n % 64;
		if (read_req(s, (uintptr_t)attack_buf, ATTACK_BUF_SIZE, 8) != BLK_S_OK) {
			bad++;
			dev_init();
		}
		n++;
	}
	check(n > 0 && bad == 0, "hammer: its own reads all succeed", "%u of %u failed", bad, n);
	out("hvtest: hammer issued %u requests\n", n);
}

static void victim(void)
{
	k_memset(attack_buf, FILL_ATTACK, sizeof(attack_buf));
	check(dev_init(), "victim: virtio-blk device initialised", "no device at %#llx",
	      (unsigned long long)VIRTIO_BASE);
	unsigned n = 0, wrong = 0, failed = 0;
	uint64_t first_bad = 0;
	uint64_t until = now_ticks() + RUN_MS * ticks_per_ms();
	while (now_ticks() < until) {
		uint64_t s = 1 + n % VICTIM_SECTORS;
		k_memset(victim_buf, 0, sizeof(victim_buf));
		uint8_t st = read_req(s, (uintptr_t)victim_buf, SECTOR, 2);
		if (st != BLK_S_OK) {
			failed++;
			if (needs_reset())
				dev_init();
		} else if (!sector_ok(victim_buf, s)) {
			wrong++;
			first_bad = first_bad ? first_bad : s;
		}
		n++;
	}
	unsigned touched = 0;
	for (unsigned i = 0; i < sizeof(attack_buf); i++)
		if (attack_buf[i] != FILL_ATTACK)
			touched++;
	check(n > 0 && failed == 0 && wrong == 0,
	      "victim: every sector read while the other guest hammers its disk is complete and right",
	      "%u reads: %u failed, %u wrong data (first sector %llu)", n, failed, wrong,
	      (unsigned long long)first_bad);
	check(touched == 0,
	      "victim: memory at the other guest's buffer addresses is untouched by the device model",
	      "%u bytes of attack_buf changed", touched);
	out("hvtest: victim issued %u requests\n", n);
}

void hostile_virtio(enum hostile_virtio_role role)
{
	if (role == VIRTIO_BAD_REQUESTS)
		attacker();
	else if (role == VIRTIO_HAMMER)
		hammer();
	else
		victim();
}
