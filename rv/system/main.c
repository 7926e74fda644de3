/* karasu-rv system mode's command line: QEMU's option names for what karasu-rv does as QEMU does, so
 * that existing recipes carry over (`-M virt -smp 4 -m 1G -kernel Image -initrd ... -append ...`). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rv/debug/gdb_system.h"
#include "rv/jit/jit.h"
#include "rv/system/console.h"
#include "rv/system/machine.h"
#include "rv/system/partition.h"
#include "rv/system/system.h"

#define EXIT_ERROR  125 /* karasu-rv itself failed */
#define EXIT_USAGE  2
#define DEFAULT_RAM (128ull << 20) /* as QEMU's virt */
#define MAX_RAM     (256ull << 30)
#define MIN_RAM     (16ull << 20)

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: karasu-rv -M virt [options]        (system mode: a RISC-V virtual machine)\n"
	    "       karasu-rv --config FILE [options]   (several guests from a karasu.cfg, as karasu-hv)\n"
	    "       karasu-rv [options] PROGRAM [ARGS]  (user mode: see karasu-rv --help)\n"
	    "\n"
	    "QEMU's riscv `virt` board with translated harts (RV64GC, M/S/U, Sv39/Sv48, Sstc),\n"
	    "CLINT, PLIC, ns16550a UART on this terminal, virtio-mmio disks, sifive test device, RTC.\n"
	    "\n"
	    "  -M virt, -machine virt   the machine (the only one)\n"
	    "  -smp N                   harts (1..%u; default 1)\n"
	    "  -m SIZE                  RAM at 0x80000000 (default 128M; suffix K, M, G; no suffix = MiB)\n"
	    "  -kernel FILE             a RISC-V Linux Image or an ELF (with -bios none: a bare-metal ELF\n"
	    "                           run in M-mode; a `tohost` symbol is watched as HTIF)\n"
	    "  -initrd FILE             initial ramdisk\n"
	    "  -append STRING           kernel command line\n"
	    "  -bios default|none|FILE  default: karasu's built-in SBI (the kernel starts in S-mode);\n"
	    "                           FILE: M-mode firmware such as OpenSBI's fw_dynamic.bin;\n"
	    "                           none: -kernel runs from its entry in M-mode\n"
	    "  -drive file=F,format=raw,if=virtio[,readonly=on]\n"
	    "                           a virtio-mmio block device (repeatable; the first is /dev/vda)\n"
	    "  -dtb FILE                boot with this devicetree (bootargs and initrd are patched in)\n"
	    "  -dumpdtb FILE            write the machine's devicetree to FILE and exit\n"
	    "  -nographic               accepted: the console is always this terminal\n"
	    "  -no-reboot               exit instead of rebooting when the guest reboots\n"
	    "  -no-shutdown             with --config: stay when every guest is off (boot them again\n"
	    "                           from the karasu> prompt; `quit` leaves)\n"
	    "  --config FILE            run the guests of a karasu.cfg (docs/config.md), each a virt "
	    "machine\n"
	    "                           of its own with the built-in SBI, on one multiplexed console; each\n"
	    "                           guest's section gives what -smp, -m, -kernel, -initrd, -append,\n"
	    "                           -drive and -dtb give for one machine\n"
	    "  -gdb tcp:[HOST]:PORT     gdb stub (target remote :PORT; HOST defaults to 127.0.0.1)\n"
	    "  -s, -S                   -s: -gdb tcp::1234; -S: harts start stopped until gdb continues\n"
	    "  -d int                   log every trap and interrupt on stderr\n"
	    "  --interp                 no translation: the reference interpreter runs the harts\n"
	    "  --stats                  print per-hart and translator statistics at the end\n"
	    "  --help                   this text\n"
	    "\n"
	    "Console: the guest's serial port is this terminal (raw mode); Ctrl-] x quits, Ctrl-] h helps.\n"
	    "With --config, lines are prefixed with the guest's name and the config's escape key (Ctrl-]\n"
	    "by default) opens the karasu> prompt: list, switch N, boot N, poweroff N, stats, quit.\n"
	    "Exit status: 0 when the guest powers off (with --config: every guest, with status 0); the\n"
	    "guest's code when it fails through the test device or an HTIF test; %d for errors of\n"
	    "karasu-rv itself; %d for usage errors and configs karasu-rv cannot run.\n",
	    RV_VIRT_MAX_HARTS, EXIT_ERROR, EXIT_USAGE);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "karasu-rv: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (try --help)\n");
	return -1;
}

/* "1G", "512M", "512" (MiB), "65536K". */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	unsigned shift = 20;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		default: return false;
		}
		end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return false;
	}
	if (v > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

/* -drive file=F,format=raw,if=virtio[,readonly=on]: a file name may contain ",," for a comma. */
static int parse_drive(struct rv_machine_config *c, const char *spec)
{
	if (c->n_drives == RV_MAX_DRIVES)
		return usage_error("at most %s drives", "8");
	char *copy = strdup(spec);
	char *file = NULL;
	bool read_only = false;
	char *p = copy;
	while (p && *p) {
		char *item = p;
		/* split at a single comma */
		char *w = p, *r = p;
		for (;;) {
			if (*r == ',' && r[1] == ',') {
				*w++ = ',';
				r += 2;
				continue;
			}
			if (*r == ',' || *r == '\0')
				break;
			*w++ = *r++;
		}
		p = *r ? r + 1 : NULL;
		*w = '\0';
		char *eq = strchr(item, '=');
		if (!eq) {
			free(copy);
			return usage_error("-drive: '%s' is not key=value", item);
		}
		*eq = '\0';
		const char *val = eq + 1;
		if (strcmp(item, "file") == 0) {
			file = strdup(val);
		} else if (strcmp(item, "format") == 0) {
			if (strcmp(val, "raw") != 0) {
				free(copy);
				return usage_error("-drive: format=%s: only raw images are supported", val);
			}
		} else if (strcmp(item, "if") == 0) {
			if (strcmp(val, "virtio") != 0) {
				free(copy);
				return usage_error(
				    "-drive: if=%s: only if=virtio (a virtio-mmio disk) is supported", val);
			}
		} else if (strcmp(item, "readonly") == 0) {
			read_only =
			    strcmp(val, "on") == 0 || strcmp(val, "true") == 0 || strcmp(val, "yes") == 0;
		} else if (strcmp(item, "media") == 0 && strcmp(val, "disk") == 0) {
			/* the only kind there is */
		} else {
			free(copy);
			return usage_error("-drive: unknown option '%s'", item);
		}
	}
	free(copy);
	if (!file || !*file)
		return usage_error("-drive %s: no file=", spec);
	c->drives[c->n_drives].path = file;
	c->drives[c->n_drives].read_only = read_only;
	c->n_drives++;
	return 0;
}

static int parse_machine(struct rv_machine_config *c, const char *v)
{
	/* "virt" with optional ",dumpdtb=FILE" (QEMU's spelling of -dumpdtb) */
	if (strncmp(v, "virt", 4) != 0 || (v[4] != '\0' && v[4] != ','))
		return usage_error("-M %s: the only machine is virt", v);
	const char *rest = v + 4;
	while (*rest == ',') {
		rest++;
		if (strncmp(rest, "dumpdtb=", 8) == 0) {
			const char *end = strchr(rest, ',');
			c->dumpdtb = strndup(rest + 8, end ? (size_t)(end - rest - 8) : strlen(rest + 8));
			rest = end ? end : rest + strlen(rest);
		} else {
			return usage_error("-M virt: unknown property '%s'", rest);
		}
	}
	return 0;
}

struct options {
	struct rv_machine_config cfg;
	bool machine_given;
	bool no_reboot;
	bool no_shutdown;
	const char *config;    /* --config FILE: partitions */
	const char *per_guest; /* an option that --config takes from each guest's section instead */
};

/* Parses argv; returns 0, 1 for --help (printed), -1 for a usage error (printed). */
static int parse(int argc, char **argv, struct options *o)
{
	struct rv_machine_config *c = &o->cfg;
	c->harts = 1;
	c->ram_size = DEFAULT_RAM;
	c->firmware = RV_FW_BUILTIN;
	c->log = stderr;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] == '-' && a[2])
			a++; /* --kernel == -kernel, as QEMU accepts */
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                     \
	do {                                                             \
		if (!v)                                                  \
			return usage_error("%s needs a value", argv[i]); \
		i++;                                                     \
	} while (0)
		if (strcmp(a, "-help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 1;
		} else if (strcmp(a, "-M") == 0 || strcmp(a, "-machine") == 0) {
			NEED_VALUE();
			if (parse_machine(c, v) != 0)
				return -1;
			o->machine_given = true;
		} else if (strcmp(a, "-smp") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			const char *n = strncmp(v, "cpus=", 5) == 0 ? v + 5 : v;
			char *end;
			unsigned long harts = strtoul(n, &end, 10);
			if (*end || harts < 1 || harts > RV_VIRT_MAX_HARTS)
				return usage_error("-smp %s: give 1 to 32 harts", v);
			c->harts = (unsigned)harts;
		} else if (strcmp(a, "-m") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			uint64_t size;
			if (!parse_size(v, &size) || size < MIN_RAM || size > MAX_RAM ||
			    (size & (PAGE_SIZE - 1)))
				return usage_error("-m %s: give a size from 16M to 256G (e.g. 1G, 512M)", v);
			c->ram_size = size;
		} else if (strcmp(a, "-kernel") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			c->kernel = v;
		} else if (strcmp(a, "-initrd") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			c->initrd = v;
		} else if (strcmp(a, "-append") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			c->append = v;
		} else if (strcmp(a, "-bios") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			if (strcmp(v, "default") == 0) {
				c->firmware = RV_FW_BUILTIN;
			} else if (strcmp(v, "none") == 0) {
				c->firmware = RV_FW_NONE;
			} else {
				c->firmware = RV_FW_FILE;
				c->bios = v;
			}
		} else if (strcmp(a, "-drive") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			if (parse_drive(c, v) != 0)
				return -1;
		} else if (strcmp(a, "-dtb") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			c->dtb = v;
		} else if (strcmp(a, "-dumpdtb") == 0) {
			NEED_VALUE();
			c->dumpdtb = v;
		} else if (strcmp(a, "-gdb") == 0) {
			NEED_VALUE();
			o->per_guest = argv[i - 1];
			c->gdb = v;
		} else if (strcmp(a, "-s") == 0) {
			c->gdb = "tcp::1234";
			o->per_guest = argv[i];
		} else if (strcmp(a, "-S") == 0) {
			c->gdb_wait = true;
			o->per_guest = argv[i];
		} else if (strcmp(a, "-config") == 0) {
			NEED_VALUE();
			o->config = v;
		} else if (strcmp(a, "-no-shutdown") == 0) {
			o->no_shutdown = true;
		} else if (strcmp(a, "-nographic") == 0) {
			/* the console is this terminal anyway */
		} else if (strcmp(a, "-no-reboot") == 0) {
			o->no_reboot = true;
		} else if (strcmp(a, "-serial") == 0 || strcmp(a, "-display") == 0 ||
		           strcmp(a, "-monitor") == 0) {
			NEED_VALUE();
			if (strcmp(v, "stdio") != 0 && strcmp(v, "mon:stdio") != 0 && strcmp(v, "none") != 0)
				return usage_error("%s: only stdio (this terminal) is supported",
				                   argv[i - 1]);
		} else if (strcmp(a, "-cpu") == 0) {
			NEED_VALUE();
			if (strcmp(v, "rv64") != 0 && strcmp(v, "max") != 0)
				return usage_error("-cpu %s: the harts are rv64 (RV64GC + Sstc)", v);
		} else if (strcmp(a, "-accel") == 0) {
			NEED_VALUE();
			if (strcmp(v, "tcg") != 0)
				return usage_error("-accel %s: karasu-rv translates (tcg)", v);
		} else if (strcmp(a, "-d") == 0) {
			NEED_VALUE();
			if (strcmp(v, "int") == 0)
				c->log_traps = true;
			else if (strcmp(v, "jit") == 0)
				c->dump_jit = true;
			else
				return usage_error(
				    "-d %s: the logs are int (traps and interrupts) and jit (translations)",
				    v);
		} else if (strcmp(a, "-interp") == 0) {
			c->interp = true;
		} else if (strcmp(a, "-stats") == 0) {
			c->stats = true;
		} else if (strcmp(a, "-perf-map") == 0) {
			char path[64];
			snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
			c->perf_map = fopen(path, "w");
			if (!c->perf_map)
				return usage_error("--perf-map: cannot write %s", path);
			setvbuf(c->perf_map, NULL, _IOLBF, 0);
		} else {
			return usage_error("unknown option '%s'", argv[i]);
		}
#undef NEED_VALUE
	}
	if (o->config) {
		if (o->per_guest)
			return usage_error("%s: with --config, each guest's section of the config says this",
			                   o->per_guest);
		if (c->dumpdtb)
			return usage_error("%s: -dumpdtb shows one machine; run it without --config",
			                   "--config");
		return 0;
	}
	if (!o->machine_given)
		return usage_error("no machine given: use %s", "-M virt");
	if (c->gdb_wait && !c->gdb)
		return usage_error("%s waits for a debugger: add -gdb tcp::PORT or -s", "-S");
	if (!c->kernel && c->firmware != RV_FW_FILE && !c->dumpdtb)
		return usage_error("%s", c->firmware == RV_FW_NONE ? "-bios none needs -kernel ELF"
		                                                   : "no -kernel given");
	return 0;
}

static int dump_dtb(struct rv_machine *m, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(m->boot_dtb, 1, m->boot_dtb_size, f) != m->boot_dtb_size || fclose(f) != 0) {
		fprintf(stderr, "karasu-rv: -dumpdtb %s: %s\n", path, strerror(errno));
		return EXIT_ERROR;
	}
	fprintf(stderr, "karasu-rv: wrote the devicetree (%zu bytes) to %s\n", m->boot_dtb_size, path);
	return 0;
}

static void print_stats(struct rv_machine *m)
{
	FILE *out = m->cfg.log;
	for (unsigned i = 0; i < m->n_harts; i++) {
		struct rv_hart *h = &m->harts[i];
		fprintf(out,
		        "hart %u: traps %llu (interrupts %llu), SBI calls %llu, WFI %llu, TLB misses %llu, "
		        "TLB flushes %llu, device accesses %llu\n",
		        i, (unsigned long long)h->n_traps, (unsigned long long)h->n_interrupts,
		        (unsigned long long)h->n_sbi, (unsigned long long)h->n_wfi,
		        (unsigned long long)h->n_tlb_miss, (unsigned long long)h->n_tlb_flush,
		        (unsigned long long)h->n_mmio);
	}
}

int rv_system_main(int argc, char **argv)
{
	struct options o;
	memset(&o, 0, sizeof(o));
	int p = parse(argc, argv, &o);
	if (p != 0)
		return p > 0 ? 0 : EXIT_USAGE;
	if (o.config) {
		struct rv_partition_options po = {
		    .config_path = o.config,
		    .machine = o.cfg,
		    .no_reboot = o.no_reboot,
		    .no_shutdown = o.no_shutdown,
		};
		return rv_partitions_main(&po);
	}
	struct rv_gdb_server *gdb = NULL;
	char gdb_err[256];
	if (o.cfg.gdb && !o.cfg.dumpdtb &&
	    rv_gdb_server_open(o.cfg.gdb, o.cfg.gdb_wait, stderr, &gdb, gdb_err, sizeof(gdb_err)) != 0) {
		fprintf(stderr, "karasu-rv: -gdb %s: %s\n", o.cfg.gdb, gdb_err);
		return EXIT_ERROR;
	}
	struct rv_console console;
	struct rv_console_port port;
	if (!o.cfg.dumpdtb) {
		if (rv_console_start(&console, STDIN_FILENO, STDOUT_FILENO, NULL, 0, 0) != 0) {
			fprintf(stderr, "karasu-rv: cannot start the console\n");
			return EXIT_ERROR;
		}
		rv_console_add_port(&console, &port);
	}
	int status = 0;
	for (;;) {
		struct rv_machine *m;
		char err[512];
		if (rv_machine_create(&o.cfg, o.cfg.dumpdtb ? NULL : &port, &m, err, sizeof(err)) != 0) {
			fprintf(stderr, "karasu-rv: %s\n", err);
			rv_machine_destroy(m);
			status = EXIT_ERROR;
			break;
		}
		if (o.cfg.dumpdtb) {
			status = dump_dtb(m, o.cfg.dumpdtb);
			rv_machine_destroy(m);
			return status;
		}
		if (gdb && rv_gdb_system_attach(m, gdb, err, sizeof(err)) != 0) {
			fprintf(stderr, "karasu-rv: %s\n", err);
			rv_machine_destroy(m);
			status = EXIT_ERROR;
			break;
		}
		int why = rv_machine_run(m);
		if (o.cfg.stats)
			print_stats(m);
		status = why == RV_MACHINE_POWEROFF ? m->exit_code : why == RV_MACHINE_ERROR ? EXIT_ERROR : 0;
		rv_gdb_system_release(m, status, why == RV_MACHINE_RESET && !o.no_reboot);
		rv_machine_destroy(m);
		if (why != RV_MACHINE_RESET || o.no_reboot)
			break;
		fprintf(stderr, "karasu-rv: the guest rebooted: starting the machine again\n");
	}
	rv_console_stop(&console);
	rv_gdb_server_free(gdb);
	return status;
}

/* Options that take a value, of either mode (a value such as "jit" in `-d jit` is not a program name). */
static bool takes_value(const char *a)
{
	static const char *const with_value[] = {
	    "-M",
	    "-machine",
	    "-smp",
	    "-m",
	    "-kernel",
	    "-initrd",
	    "-append",
	    "-bios",
	    "-drive",
	    "-dtb",
	    "-dumpdtb",
	    "-gdb",
	    "-serial",
	    "-display",
	    "-monitor",
	    "-cpu",
	    "-accel",
	    "-d",
	    "-config",
	    /* user mode's */
	    "-L",
	    "-argv0",
	    "-execfn",
	};
	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (strcmp(a, with_value[i]) == 0)
			return true;
	return false;
}

bool rv_system_wanted(int argc, char **argv)
{
	/* system mode is chosen by a machine option before any program name (what follows the program
	 * belongs to it: `karasu-rv ./prog -M x` runs ./prog) */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-')
			return false;
		if (a[1] == '-' && a[2])
			a++;
		if (strcmp(a, "-M") == 0 || strcmp(a, "-machine") == 0 || strcmp(a, "-kernel") == 0 ||
		    strcmp(a, "-bios") == 0 || strcmp(a, "-config") == 0)
			return true;
		if (strcmp(a, "-gdb") == 0 && i + 1 < argc && argv[i + 1][0] == '-')
			continue; /* user mode's --gdb takes an optional value */
		if (takes_value(a))
			i++;
	}
	return false;
}
