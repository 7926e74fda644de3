/* The devicetree of karasu-rv's `virt` machine, as QEMU's riscv `virt` board describes itself, so that
 * OpenSBI and Linux find the same devices at the same places (virt_map.h).
 *
 * Tree (phandles are small fixed numbers; no node depends on the order the machine creates devices in):
 *   /                 #address-cells = #size-cells = 2, compatible "riscv-virtio", model
 *   /chosen           bootargs, stdout-path = the UART, linux,initrd-start/-end (64-bit each)
 *   /aliases          serial0 = the UART
 *   /memory@80000000  RAM
 *   /cpus             timebase-frequency = RV_VIRT_TIMEBASE_HZ; cpu@N per hart (reg = hart ID, compatible
 *                     "riscv", riscv,isa + riscv,isa-base + riscv,isa-extensions, mmu-type, a
 *                     "riscv,cpu-intc" child with #interrupt-cells 1), cpu-map/cluster0/coreN
 *   /poweroff, /reboot  syscon-poweroff (0x5555) and syscon-reboot (0x7777) on the test device
 *   /soc              simple-bus: clint (M software 3 + M timer 7 per hart), plic (M external 11 + S external
 *                     9 per hart = contexts 2h, 2h+1), serial (ns16550a, IRQ 10), test (sifive,test1),
 *                     rtc (goldfish, IRQ 11), virtio_mmio x 8 (IRQ 1..8)
 *
 * The virtio-mmio nodes are listed from the highest address down, as QEMU lists them: Linux probes them in
 * devicetree order, so the transport in the LAST slot becomes virtio0 and its disk /dev/vda. A machine
 * that fills the slots from the last one down (as QEMU does with its first -device) therefore names its
 * first -drive /dev/vda, the same as QEMU.
 *
 * Everything here is pure computation on caller-given buffers: no allocation, no I/O. Errors are negative
 * FDT_ERR_* codes from lib/fdt.h. */
#ifndef KARASU_RV_SYSTEM_VIRT_DTB_H
#define KARASU_RV_SYSTEM_VIRT_DTB_H

#include <stddef.h>
#include <stdint.h>

/* The ISA the machine advertises unless told otherwise: RV64GC with the counters (time, cycle, instret
 * readable from S/U), Zicond, Zicsr, Zifencei, the bit-manipulation extensions Zba/Zbb/Zbs (Linux then
 * patches in its Zbb string functions) and Sstc (Linux then programs stimecmp itself instead of asking the
 * SBI for every timer event). Multi-letter names in the canonical order: by the single-letter extension
 * they belong to (I before B before S), then alphabetically. */
#define RV_VIRT_DTB_DEFAULT_ISA "rv64imafdc_zicntr_zicond_zicsr_zifencei_zba_zbb_zbs_sstc"

/* The translation scheme written to every cpu's "mmu-type". The values are satp.MODE's encodings
 * (privileged spec 10.1.11), so the machine can use the same enum for its satp. Linux (6.x) does not use
 * a scheme deeper than this one. */
enum rv_virt_mmu_type {
	RV_VIRT_MMU_SV39 = 8,
	RV_VIRT_MMU_SV48 = 9,
};

struct rv_virt_dtb_params {
	unsigned nr_harts;                 /* 1..RV_VIRT_MAX_HARTS; hart IDs 0..nr_harts-1 */
	uint64_t ram_size;                 /* bytes of RAM at RV_VIRT_RAM_BASE, > 0 */
	const char *bootargs;              /* kernel command line; NULL: no bootargs property */
	uint64_t initrd_start, initrd_end; /* guest-physical [start, end); end == start (0/0): no initrd */
	enum rv_virt_mmu_type mmu;
	const char *isa;   /* "riscv,isa" of every hart; NULL: RV_VIRT_DTB_DEFAULT_ISA */
	const char *model; /* NULL: "riscv-virtio,karasu-rv" */
};

/* Buffer bytes that always suffice for rv_virt_dtb_build with these parameters (an upper bound, not the
 * size of the blob). 0 if p is NULL. */
size_t rv_virt_dtb_size_bound(const struct rv_virt_dtb_params *p);

/* Writes the machine's devicetree into buf (cap bytes) and its size to *size. Returns 0 (FDT_OK),
 * FDT_ERR_BADARG for invalid parameters (no harts or too many, no RAM, RAM past the top of the address
 * space, an initrd with end < start or outside RAM, an unknown mmu type, a malformed ISA string: see
 * rv_virt_isa_parse), or FDT_ERR_NOSPACE when cap is too small. */
int rv_virt_dtb_build(const struct rv_virt_dtb_params *p, void *buf, size_t cap, size_t *size);

/* ---- ISA string -> devicetree ISA properties ---- */

#define RV_VIRT_ISA_MAX_LEN        512u /* longest ISA string accepted, without its NUL */
#define RV_VIRT_ISA_MAX_EXTENSIONS 64u
#define RV_VIRT_ISA_NAME_MAX       32u /* longest extension name, without its NUL */

/* What the devicetree says about an ISA string besides the string itself: "riscv,isa-base" ("rv64i")
 * and "riscv,isa-extensions", the list of extension names ("i", "m", ..., "zicsr", ...). Linux 6.12
 * reads the list, not the string, when both are present, and wants "i", "m" and "a" in it. */
struct rv_virt_isa {
	char base[8];   /* "rv32i" or "rv64i" */
	unsigned count; /* number of names */
	char names[RV_VIRT_ISA_MAX_EXTENSIONS][RV_VIRT_ISA_NAME_MAX + 1];
};

/* Parses an ISA string in the form of the RISC-V unprivileged spec's naming chapter (and of "riscv,isa"):
 * "rv32" or "rv64", then single-letter extensions starting with "i" or "g", each optionally followed by a
 * version ("2p1"), then multi-letter extensions (starting with z, s or x) separated by '_'; single
 * letters may also be separated by '_' ("rv64i_m_a"). "g" stands for "imafd" plus zicsr and zifencei.
 * Versions are dropped, duplicates are listed once, names keep their order of appearance. Lower case
 * only. Returns FDT_OK or FDT_ERR_BADARG (with *out zeroed) for anything else. */
int rv_virt_isa_parse(const char *isa, struct rv_virt_isa *out);

/* ---- patching a user-supplied devicetree (-dtb FILE) ---- */

/* Buffer bytes that suffice for rv_virt_dtb_patch of the blob src (src_size bytes available; a file may be
 * longer than the blob's totalsize, as QEMU's -dumpdtb files are) when it was written by dtc, libfdt or
 * lib/fdt's builder. A blob laid out otherwise may need more (FDT_ERR_NOSPACE, no harm). */
size_t rv_virt_dtb_patch_size_bound(const void *src, size_t src_size, const char *bootargs);

/* Copies the devicetree blob src (src_size bytes available) into buf, as QEMU does with -dtb before it
 * boots a kernel: /chosen's "bootargs" is replaced by bootargs unless that is NULL, and
 * "linux,initrd-start"/"linux,initrd-end" are replaced when initrd_end > initrd_start (both 0: the
 * source's are kept); /chosen is created if the source has none and there is something to put in it.
 * Everything else is copied as is, including the memory reservation map and boot_cpuid_phys. The source
 * is validated first (header and the whole structure block): a malformed blob returns its FDT_ERR_* code
 * and writes nothing useful. FDT_ERR_BADARG: NULL pointers or initrd_end < initrd_start. */
int rv_virt_dtb_patch(const void *src, size_t src_size, const char *bootargs, uint64_t initrd_start,
                      uint64_t initrd_end, void *buf, size_t cap, size_t *size);

#endif
