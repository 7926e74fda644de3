/* Partitions: building one from its config, starting and stopping it. Guest RAM is guest_mem.c, loading the
 * guest image_load.c, the devices hv/core/devices/. */
#include "hv/core/partition.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/arch/arm64/firmware.h"
#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/core/console_port.h"
#include "hv/core/devices/devices.h"
#include "hv/core/disk.h"
#include "hv/core/guest_mem.h"
#include "hv/core/image_load.h"
#include "hv/core/memory.h"
#include "hv/core/pe.h"
#include "hv/core/platform.h"
#include "hv/core/power.h"
#include "lib/mem.h"

struct partition *partitions[PARTITION_MAX];
unsigned npartitions;

#define MPIDR_RES1 (1ull << 31)

bool partition_add_device(struct partition *p, const char *name, const struct device_ops *ops, void *ctx)
{
	if (p->ndevices == PARTITION_MAX_DEVICES || !ops)
		return false;
	p->devices[p->ndevices++] = (struct partition_device){name, ops, ctx};
	return true;
}

/* Every device and the PSCI state back to reset, in the order the devices attached (the interrupt controller
 * first: the others' resets lower their interrupt lines in it). */
static void reset_devices(struct partition *p)
{
	power_reset(p);
	for (unsigned i = 0; i < p->ndevices; i++)
		if (p->devices[i].ops->reset)
			p->devices[i].ops->reset(p->devices[i].ctx);
}

static bool create_vcpus(struct partition *p, const struct karasu_guest_config *cfg)
{
	for (unsigned cpu = 0; cpu < KARASU_CFG_MAX_CPUS && p->nvcpus < PARTITION_MAX_VCPUS; cpu++) {
		if (!(cfg->cpu_mask & (1ull << cpu)))
			continue;
		if (cpu >= platform.ncpus || !percpu_table[cpu].online) {
			hv_log("%s: physical CPU %u does not exist or is offline", p->name, cpu);
			return false;
		}
		struct vcpu *v = &p->vcpus[p->nvcpus];
		v->part = p;
		v->index = p->nvcpus;
		v->pe = cpu;
		v->vmpidr = MPIDR_RES1 | v->index;
		p->nvcpus++;
	}
	if (p->nvcpus == 0) {
		hv_log("%s: no CPUs", p->name);
		return false;
	}
	return true;
}

struct partition *partition_create(unsigned id, const struct karasu_guest_config *cfg)
{
	struct partition *p = memory_zalloc(sizeof(*p));
	if (!p) {
		hv_log("%s: out of memory for the partition", cfg->name);
		return NULL;
	}
	p->id = id;
	p->vmid = (uint16_t)(id + 1);
	k_strlcpy(p->name, cfg->name, sizeof(p->name));
	p->cfg = cfg;
	p->ram_ipa = cfg->memory_base;
	p->ram_size = cfg->memory_size;
	spinlock_init(&p->lock, LOCK_CLASS_PARTITION);
	mmio_bus_init(&p->bus);

	if (!create_vcpus(p, cfg) || !guest_mem_create(p))
		goto fail;
	if (disk_file_size(cfg->kernel, &p->kernel_size) != DISK_OK ||
	    (cfg->initrd[0] && disk_file_size(cfg->initrd, &p->initrd_size) != DISK_OK))
		goto fail; /* disk_file_size logged which file */
	if (!guest_mem_alloc(p))
		goto fail;
	power_reset(p);
	if (!devices_attach(p))
		goto fail; /* the device logged why */
	return p;

fail:
	/* The partition's memory stays allocated: a failed guest is reported and left out, not retried. */
	return NULL;
}

/* After a stop, the other PEs leave the guest at their next exit (a kick is on its way): wait for that before
 * the guest's memory and device models are reset under them. The calling PE's own vCPU (SYSTEM_RESET) is
 * stopped by the caller afterwards. */
#define STOP_WAIT_LOOPS 100000000u
static bool wait_vcpus_stopped(struct partition *p)
{
	unsigned self = this_cpu()->index;
	for (unsigned i = 0; i < p->nvcpus; i++) {
		struct vcpu *v = &p->vcpus[i];
		for (unsigned n = 0; v->pe != self && __atomic_load_n(&v->running, __ATOMIC_ACQUIRE); n++)
			if (n == STOP_WAIT_LOOPS) {
				hv_log("%s: vCPU %u on PE %u does not stop", p->name, i, v->pe);
				return false;
			}
	}
	return true;
}

bool partition_start(struct partition *p)
{
	/* Not under p->lock: a vCPU that is still on its way out may need it (its own SYSTEM_OFF). */
	if (p->state != PARTITION_RUNNING && !wait_vcpus_stopped(p))
		return false;
	spin_lock(&p->lock);
	if (p->state == PARTITION_RUNNING) {
		spin_unlock(&p->lock);
		return true;
	}
	bool ok = image_load(p);
	if (ok) {
		reset_devices(p);
		p->boot_started_ticks = cpu_counter();
		p->state = PARTITION_RUNNING;
	}
	spin_unlock(&p->lock);
	if (!ok)
		return false;
	uint64_t freq = cpu_counter_freq();
	hv_log(
	    "%s: starting %u vCPU%s (first on PE %u), RAM %llu MiB at IPA %#llx (PA %#llx%s, stage 2 in %s), "
	    "kernel at %#llx, DTB at %#llx; %llu ms since power-on",
	    p->name, p->nvcpus, p->nvcpus == 1 ? "" : "s", p->vcpus[0].pe,
	    (unsigned long long)(p->ram_size >> 20), (unsigned long long)p->ram_ipa,
	    (unsigned long long)(uintptr_t)p->blocks[0], p->ram_contiguous ? "" : ", in 2 MiB blocks",
	    platform.stage2_ram_pages ? "4 KiB pages (QEMU virt)" : "2 MiB blocks",
	    (unsigned long long)p->entry_ipa, (unsigned long long)p->dtb_ipa,
	    (unsigned long long)(freq ? p->boot_started_ticks * 1000u / freq : 0));
	vcpu_request_start(&p->vcpus[0], p->entry_ipa, p->dtb_ipa);
	return true;
}

unsigned partitions_running(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < npartitions; i++)
		if (partitions[i] && partitions[i]->state == PARTITION_RUNNING)
			n++;
	return n;
}

static void stop_vcpus(struct partition *p, const char *why, bool power_off_if_last)
{
	spin_lock(&p->lock);
	if (p->state != PARTITION_RUNNING) {
		spin_unlock(&p->lock);
		return;
	}
	p->state = PARTITION_STOPPED;
	spin_unlock(&p->lock);
	unsigned self = this_cpu()->index;
	for (unsigned i = 0; i < p->nvcpus; i++) {
		struct vcpu *v = &p->vcpus[i];
		if (v->pe == self)
			continue;
		percpu_set_request(&percpu_table[v->pe], PERCPU_REQ_STOP_VCPU);
		pe_kick(v->pe);
	}
	uint64_t freq = cpu_counter_freq();
	hv_log(
	    "%s: stopped (%s); it had touched %u of its %llu MiB of RAM (scrubbing %llu ms, stage-2 mapping "
	    "%llu "
	    "ms)",
	    p->name, why, ram_scrub_clean_blocks(&p->scrub) * (unsigned)(PARTITION_RAM_BLOCK >> 20),
	    (unsigned long long)(p->ram_size >> 20),
	    (unsigned long long)(freq ? __atomic_load_n(&p->scrub_ticks, __ATOMIC_RELAXED) * 1000u / freq
	                              : 0),
	    (unsigned long long)(freq ? __atomic_load_n(&p->map_ticks, __ATOMIC_RELAXED) * 1000u / freq : 0));
	console_port_print_stats(p);
	if (power_off_if_last && partitions_running() == 0) {
		hv_log("all guests are off: powering off");
		console_port_flush(); /* every line out before the machine goes */
		firmware_system_off();
	}
}

void partition_stop(struct partition *p, const char *why)
{
	stop_vcpus(p, why, true);
}

void partition_stop_for_restart(struct partition *p, const char *why)
{
	stop_vcpus(p, why, false);
}
