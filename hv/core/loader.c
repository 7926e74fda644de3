#include "hv/core/loader.h"

#include "hv/arch/arm64/cpu.h"
#include "hv/base/log.h"
#include "hv/core/disk.h"
#include "hv/core/memory.h"
#include "hv/core/platform.h"

#define CONFIG_PATH     "/karasu.cfg"
#define CONFIG_MAX_SIZE (64u * 1024u)
#define PAGE_SIZE       4096u

bool loader_mount_boot_disk(void)
{
	return disk_init(&platform.fdt) == DISK_OK; /* disk_init logs what it found or why it failed */
}

bool loader_read_file(const char *path, const uint8_t **data, size_t *size)
{
	size_t file_size;
	if (disk_file_size(path, &file_size) != DISK_OK)
		return false;
	size_t pages = file_size ? (file_size + PAGE_SIZE - 1) / PAGE_SIZE : 1;
	uint8_t *buf = memory_alloc_pages(pages, 1);
	if (!buf) {
		hv_log("%s: no memory for %zu bytes", path, file_size);
		return false;
	}
	uint64_t t0 = cpu_counter();
	if (disk_read_file(path, buf, file_size, &file_size) != DISK_OK) {
		memory_free_pages(buf, pages);
		return false;
	}
	uint64_t ms = (cpu_counter() - t0) * 1000u / cpu_counter_freq();
	hv_log("read %s: %zu bytes in %llu ms", path, file_size, (unsigned long long)ms);
	*data = buf;
	*size = file_size;
	return true;
}

bool loader_read_config(struct karasu_config *cfg)
{
	const uint8_t *text;
	size_t size;
	if (!loader_read_file(CONFIG_PATH, &text, &size))
		return false;
	if (size > CONFIG_MAX_SIZE) {
		hv_log("%s: too large (%zu bytes)", CONFIG_PATH, size);
		return false;
	}
	int nerr = karasu_config_parse((const char *)text, size, cfg);
	for (unsigned i = 0; i < cfg->nerrors; i++) {
		if (cfg->errors[i].line)
			hv_log("%s:%u: %s", CONFIG_PATH, cfg->errors[i].line, cfg->errors[i].msg);
		else
			hv_log("%s: %s", CONFIG_PATH, cfg->errors[i].msg);
	}
	if (cfg->errors_dropped)
		hv_log("%s: %u more errors", CONFIG_PATH, cfg->errors_dropped);
	if (nerr)
		hv_log("%s: %d error%s; the guests without errors still start", CONFIG_PATH, nerr,
		       nerr == 1 ? "" : "s");
	return true;
}
