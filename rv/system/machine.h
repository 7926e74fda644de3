/* A karasu-rv system-mode machine: QEMU's riscv `virt` board (virt_map.h) with its harts, RAM, boot ROM,
 * devices on the MMIO bus, the timer service, the console, and what the translator needs machine-wide
 * (which physical pages hold translated code). One machine per process today; nothing here is global,
 * so partitions can become several machines later. */
#ifndef KARASU_RV_SYSTEM_MACHINE_H
#define KARASU_RV_SYSTEM_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "karasu/hv.h"
#include "rv/system/bus.h"
#include "rv/system/hart.h"
#include "rv/system/virt_map.h"

#define RV_MAX_DRIVES     8
#define RV_HOST_CPU_WORDS 16 /* host CPUs 0..1023 in rv_machine_config.host_cpus */

/* How the machine starts (-bios). */
enum rv_firmware {
	RV_FW_BUILTIN, /* -bios default: karasu's own SBI; the kernel starts in S-mode */
	RV_FW_FILE,    /* -bios FILE: an M-mode firmware (OpenSBI fw_dynamic/fw_jump) at RAM_BASE */
	RV_FW_NONE,    /* -bios none: the -kernel ELF or image runs in M-mode from its entry */
};

/* How a machine reaches the partitions around it (the partition manager, partition.h): its identity in
 * hypercalls and the SynIC connections of karasu.cfg. A machine without one is partition 1 and has no
 * connections. The hooks run on the calling hart's thread. */
struct rv_partition_link {
	void *ctx;
	uint64_t partition_id; /* HvCallGetPartitionId, the sender of its messages */
	const char *name;      /* the guest's name, in karasu-rv's messages */
	/* HvCallPostMessage / HvCallSignalEvent, validated by the dispatcher (lib/hypercall.h's hooks) */
	HV_STATUS (*post_message)(void *ctx, const struct hv_input_post_message *message);
	HV_STATUS (*signal_event)(void *ctx, HV_CONNECTION_ID connection_id, uint16_t flag_number);
};

struct rv_machine_config {
	unsigned harts;     /* -smp */
	uint64_t ram_size;  /* -m */
	const char *kernel; /* -kernel: a RISC-V Linux Image or an ELF */
	const char *initrd; /* -initrd */
	const char *append; /* -append */
	const char *bios;   /* -bios FILE (firmware == RV_FW_FILE) */
	enum rv_firmware firmware;
	const char *dtb;     /* -dtb: use this devicetree (bootargs/initrd patched in) */
	const char *dumpdtb; /* -dumpdtb: write the devicetree and exit */
	struct {
		const char *path;
		bool read_only;
	} drives[RV_MAX_DRIVES];
	unsigned n_drives;
	bool interp;                          /* --interp: no translation */
	bool stats;                           /* --stats */
	bool log_traps;                       /* -d int: log every trap and interrupt taken */
	bool dump_jit;                        /* -d jit: print every translated block */
	FILE *perf_map;                       /* --perf-map: /tmp/perf-PID.map for Linux perf */
	const char *gdb;                      /* -gdb tcp::PORT (NULL: none) */
	bool gdb_wait;                        /* -S */
	FILE *log;                            /* karasu-rv's own messages (stderr) */
	const struct rv_partition_link *link; /* NULL: a lone machine */
	const uint64_t *host_cpus;            /* NULL, or the host CPUs the harts' threads may run on
	                                       * (bit n = CPU n, RV_HOST_CPU_WORDS words) */
};

/* Why the machine stopped. */
enum rv_machine_state {
	RV_MACHINE_RUNNING = 0,
	RV_MACHINE_POWEROFF, /* exit status = exit_code */
	RV_MACHINE_RESET,    /* reboot: the machine starts again */
	RV_MACHINE_ERROR,    /* karasu-rv could not go on (exit 125) */
};

struct rv_plic;
struct rv_clint;
struct rv_uart16550;
struct rv_sifive_test;
struct rv_goldfish_rtc;
struct rv_console_port;
struct rv_timer_service;
struct rv_gdb_system;

struct rv_machine {
	struct rv_machine_config cfg;
	uint64_t boot_ns;     /* CLOCK_MONOTONIC at power-on: the origin of time and mtime */
	uint64_t time_offset; /* mtime - raw time (the firmware may set mtime); atomic */

	/* memory */
	uint8_t *ram; /* cfg.ram_size bytes at RV_VIRT_RAM_BASE */
	uint8_t rom[RV_VIRT_MROM_SIZE];
	struct rv_bus bus;

	/* harts */
	unsigned n_harts;
	struct rv_hart *harts;

	/* devices (machine.c wires them onto the bus) */
	struct rv_plic *plic;
	struct rv_bus_region *plic_region;
	struct rv_clint *clint;
	struct rv_uart16550 *uart;
	struct rv_bus_region *uart_region;
	struct rv_sifive_test *test;
	struct rv_goldfish_rtc *rtc;
	struct rv_bus_region *rtc_region;
	void *virtio[RV_VIRT_VIRTIO_SLOTS];
	struct rv_timer_service *timer;
	struct rv_console_port *console;
	void *devices; /* their storage (machine.c) */

	/* Translated code: per RAM page, the harts (bit n = hart n) holding translations made from it.
	 * Stores into such a page, by a hart or by DMA, make those harts drop them (code.c). */
	uint32_t *code_harts;
	uint8_t *code_rewrites;      /* per RAM page: times its translations were dropped by a store... */
	uint32_t *code_rewrite_time; /* ...and when it last happened (code.c) */

	/* boot */
	uint64_t entry;    /* where harts start */
	uint64_t dtb_addr; /* the devicetree in RAM */
	uint64_t tohost;   /* HTIF tohost address (-bios none ELF with the symbol), 0 = none */
	uint64_t fromhost; /* HTIF fromhost address, 0 = none */
	uint8_t *boot_dtb; /* the devicetree the machine booted with (-dumpdtb) */
	size_t boot_dtb_size;

	/* remote fences: requesters wait here for harts to publish fence_done_seq (run.c) */
	pthread_mutex_t fence_lock;
	pthread_cond_t fence_cond;

	/* life cycle */
	pthread_mutex_t state_lock;
	pthread_cond_t state_cond;
	int state; /* enum rv_machine_state (atomic) */
	int exit_code;
	struct rv_gdb_system *gdb;
};

/* Builds a machine from its configuration (devices, harts, boot payload loaded; nothing runs yet).
 * Returns 0, or -1 with a one-line reason in err (*out may then be non-NULL: destroy it). */
int rv_machine_create(const struct rv_machine_config *cfg, struct rv_console_port *console,
                      struct rv_machine **out, char *err, size_t errlen);
/* Runs the harts until the machine stops; returns enum rv_machine_state (exit code in m->exit_code). */
int rv_machine_run(struct rv_machine *m);
void rv_machine_destroy(struct rv_machine *m);

/* The time CSR / mtime: ticks of RV_VIRT_TIMEBASE_HZ since power-on (plus what the firmware set). Any
 * thread. rv_machine_raw_time: without the firmware's offset (the CLINT keeps its own). */
uint64_t rv_machine_time(const struct rv_machine *m);
uint64_t rv_machine_raw_time(const struct rv_machine *m);
/* The goldfish RTC's alarm moved (called under the RTC's region lock). */
void rv_machine_rtc_alarm_changed(struct rv_machine *m);

/* Stops the machine (all harts leave their run loops): power off with a status, reset, or an error.
 * The first call wins. Any thread. */
void rv_machine_stop(struct rv_machine *m, enum rv_machine_state why, int exit_code);
static inline bool rv_machine_running(const struct rv_machine *m)
{
	return __atomic_load_n(&m->state, __ATOMIC_ACQUIRE) == RV_MACHINE_RUNNING;
}

/* ---- translated code and stores into it (code.c) ---- */
/* Hart h is about to translate code from the RAM page at pa: from now on stores into the page take the
 * slow path (every hart's TLB loses its write tag for it) and reach rv_machine_code_written. */
void rv_machine_code_mark(struct rv_machine *m, struct rv_hart *h, uint64_t pa);
/* [pa, pa + len) of RAM is about to be written (a store through the slow path, DMA): harts holding
 * translations of those pages are told to drop them. Cheap when no page holds code. */
void rv_machine_code_written(struct rv_machine *m, uint64_t pa, uint64_t len);
static inline bool rv_machine_page_has_code(const struct rv_machine *m, uint64_t pa)
{
	uint64_t i = (pa - RV_VIRT_RAM_BASE) >> PAGE_SHIFT;
	return __atomic_load_n(&m->code_harts[i], __ATOMIC_ACQUIRE) != 0;
}
/* True when the page's translations were dropped so often that its code should be interpreted. */
bool rv_machine_page_interpreted(const struct rv_machine *m, uint64_t pa);

/* The machine's timer service (timer.c): a deadline of some hart (mtimecmp or stimecmp) changed. */
void rv_machine_timer_changed(struct rv_machine *m);

/* A translator for hart h (jit.c's system-mode hooks bound to the machine); NULL on failure. */
struct rv_jit *rv_machine_new_jit(struct rv_machine *m, struct rv_hart *h);

/* DMA for devices: copies to/from guest RAM, false if any byte is not RAM. Writes reach
 * rv_machine_code_written. */
bool rv_machine_dma_read(struct rv_machine *m, uint64_t pa, void *buf, uint64_t len);
bool rv_machine_dma_write(struct rv_machine *m, uint64_t pa, const void *buf, uint64_t len);

#endif
