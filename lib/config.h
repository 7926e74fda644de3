/* karasu.cfg: which guests karasu runs and how (format: docs/config.md). Both engines read it: karasu-hv
 * from its FAT32 boot disk, karasu-rv from the host (--config FILE).
 *
 *   [karasu]                  global settings (optional, at most once)
 *   escape = ctrl-]           console escape key: ctrl-<letter> or a hex byte (0x1d)
 *   focus = linux             guest that owns the console at start (default: the first guest)
 *
 *   [guest linux]             one section per guest; NAME: letters, digits, '-', '_' (<= 31 chars)
 *   kernel = /Image           arm64 Image on the FAT32 disk (required)
 *   initrd = /initrd.gz       optional
 *   disk = /disk0.img         optional file backing the guest's virtio-blk
 *   dtb = /guest.dtb          optional: use this devicetree instead of generating one
 *   cpus = 0-3                karasu-hv: physical CPUs (indices into /cpus of the platform DTB), each given
 *                             to one guest only; karasu-rv: one hart per CPU in the list, whose host thread
 *                             may run on those host CPUs (guests may share them): "0-3", "0,2", "1"
 *   memory = 512M             guest RAM, a multiple of 2 MiB (K/M/G suffixes; default 256M)
 *   memory_base = 0x40000000  karasu-hv: guest-physical base of RAM (default 0x40000000, 2 MiB aligned);
 *                             karasu-rv: RAM is at 0x80000000 (QEMU virt), any other value is an error
 *   bootargs = console=ttyAMA0 earlycon    the rest of the line, verbatim (quotes optional)
 *   autostart = yes           yes/no: boot at start or wait for the console's `boot`
 *   connection = 7 -> beta sint 2 [vp 0] [messages|events|both]
 *                             a SynIC connection this guest may name in HvCallPostMessage /
 *                             HvCallSignalEvent (repeatable; ids unique per guest, < 2^24; default vp 0, both)
 *
 * Errors carry a line number. A bad guest section is reported and skipped; the other guests still start.
 * The parser is freestanding (lib/ only) and allocates nothing: struct karasu_config is large (~12 KiB), so
 * keep it in static storage, not on a small stack.
 */
#ifndef KARASU_LIB_CONFIG_H
#define KARASU_LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KARASU_CFG_MAX_GUESTS       8u
#define KARASU_CFG_NAME_MAX         32u  /* including the NUL */
#define KARASU_CFG_PATH_MAX         128u /* including the NUL */
#define KARASU_CFG_BOOTARGS_MAX     512u /* including the NUL */
#define KARASU_CFG_MAX_ERRORS       16u
#define KARASU_CFG_ERROR_MAX        160u /* message bytes, including the NUL */
#define KARASU_CFG_MAX_CPUS         64u  /* cpu_mask bits */
#define KARASU_CFG_RAM_ALIGN        (2ull << 20)
#define KARASU_CFG_DEFAULT_RAM_BASE 0x40000000ull /* karasu-hv */
#define KARASU_CFG_RV_RAM_BASE      0x80000000ull /* karasu-rv: QEMU virt's RAM */
#define KARASU_CFG_DEFAULT_MEMORY   (256ull << 20)
#define KARASU_CFG_DEFAULT_ESCAPE   0x1d      /* ctrl-]: Ctrl-A belongs to QEMU, screen, minicom */
#define KARASU_CFG_MAX_CONNECTIONS  16u       /* per guest */
#define KARASU_CFG_CONNECTION_MAX   0xffffffu /* ids are the 24-bit HV_CONNECTION_ID.Id */
#define KARASU_CFG_SINT_COUNT       16u
#define KARASU_CFG_CONN_MESSAGES    0x1u /* the connection carries HvCallPostMessage */
#define KARASU_CFG_CONN_EVENTS      0x2u /* the connection carries HvCallSignalEvent */

/* connection = ID -> TARGET sint N [vp M] [messages|events|both] */
struct karasu_connection_config {
	uint32_t id;
	char target[KARASU_CFG_NAME_MAX]; /* receiving guest (may be the sender itself) */
	unsigned sint;                    /* < KARASU_CFG_SINT_COUNT */
	unsigned vp;                      /* receiving VP, < the target's ncpus */
	uint32_t kinds;                   /* KARASU_CFG_CONN_MESSAGES | KARASU_CFG_CONN_EVENTS */
	unsigned line;
};

struct karasu_guest_config {
	char name[KARASU_CFG_NAME_MAX];
	char kernel[KARASU_CFG_PATH_MAX];
	char initrd[KARASU_CFG_PATH_MAX]; /* "" = none */
	char disk[KARASU_CFG_PATH_MAX];   /* "" = none */
	char dtb[KARASU_CFG_PATH_MAX];    /* "" = generate */
	char bootargs[KARASU_CFG_BOOTARGS_MAX];
	uint64_t cpu_mask; /* bit n = physical CPU n */
	unsigned ncpus;    /* popcount of cpu_mask */
	uint64_t memory_size;
	uint64_t memory_base;
	bool autostart;
	unsigned line; /* line of the [guest NAME] header */
	/* Outgoing SynIC connections. Checked after the whole file: one whose target guest is missing (or
	 * lacks the VP) is reported and dropped; the guest itself stays. */
	unsigned nconnections;
	struct karasu_connection_config connections[KARASU_CFG_MAX_CONNECTIONS];
};

struct karasu_config_error {
	unsigned line; /* 0 = not tied to one line */
	char msg[KARASU_CFG_ERROR_MAX];
};

struct karasu_config {
	uint8_t escape_key;
	char focus[KARASU_CFG_NAME_MAX]; /* "" = the first guest */
	unsigned nguests;
	struct karasu_guest_config guests[KARASU_CFG_MAX_GUESTS];
	unsigned nerrors;        /* errors stored in errors[] */
	unsigned errors_dropped; /* errors beyond KARASU_CFG_MAX_ERRORS, counted only */
	struct karasu_config_error errors[KARASU_CFG_MAX_ERRORS];
};

/* The engine a configuration is read for: the keys mean the same, but some rules differ (see above). */
enum karasu_config_engine {
	KARASU_CONFIG_HV, /* karasu-hv */
	KARASU_CONFIG_RV, /* karasu-rv */
};

/* Parses text[0..len) (need not be NUL-terminated) for karasu-hv. Fills *cfg with the valid guests (in
 * file order) and the errors. Returns the number of errors (0 = clean). A guest with any error is left
 * out; so is a guest whose CPUs overlap an earlier valid guest. */
int karasu_config_parse(const char *text, size_t len, struct karasu_config *cfg);
/* The same for either engine (karasu-rv: CPUs may be shared, memory_base must be RAM's real base). */
int karasu_config_parse_for(const char *text, size_t len, enum karasu_config_engine engine,
                            struct karasu_config *cfg);
/* The guest with this name, or NULL. */
const struct karasu_guest_config *karasu_config_find(const struct karasu_config *cfg, const char *name);

#endif
