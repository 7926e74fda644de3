/* Loading the boot payload of a machine (-bios, -kernel, -initrd, -dtb) into its RAM and boot ROM. */
#ifndef KARASU_RV_SYSTEM_BOOT_H
#define KARASU_RV_SYSTEM_BOOT_H

#include <stddef.h>
#include <stdint.h>

struct rv_machine;

struct rv_boot_info {
	uint64_t firmware_entry, firmware_end; /* -bios FILE */
	uint64_t kernel_entry, kernel_end;     /* -kernel (end includes an Image's bss) */
	uint64_t initrd_start, initrd_end;     /* 0, 0: none */
	uint64_t dtb_addr;                     /* where the devicetree was put */
	uint64_t dtb_limit;                    /* nothing else may reach this address */
	uint8_t *dtb;                          /* a copy of the devicetree (for -dumpdtb); malloc'ed */
	size_t dtb_size;
};

/* Loads everything the machine's configuration names, writes the reset stub, and sets m->entry,
 * m->dtb_addr and (for an ELF with -bios none) m->tohost/fromhost. 0, or -1 with a one-line reason. */
int rv_boot_load(struct rv_machine *m, struct rv_boot_info *bi, char *err, size_t errlen);

/* Reads a whole host file of at most max bytes. 0, or -1 with a reason naming the file. */
int rv_boot_read_file(const char *what, const char *path, uint64_t max, uint8_t **data, size_t *size,
                      char *err, size_t errlen);

#endif
