/* Helpers shared by the devicetree tests (test_fdt.c: reader, test_fdt_builder.c: builder and copy): loading
 * the blobs dtc compiled into $KARASU_TEST_DATA, opening and looking up with failure messages, and running dtc
 * on a blob. A header, not a .c: tests/unit/test_*.c each become a test program. */
#ifndef KARASU_TESTS_UNIT_TEST_FDT_UTIL_H
#define KARASU_TESTS_UNIT_TEST_FDT_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fdt.h"

static inline uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (f == NULL) {
		fail_msg("cannot open %s (is KARASU_TEST_DATA set and the .dtb built?)", path);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*size = (size_t)len;
	return buf;
}

static inline const char *data_path(const char *name, char *buf, size_t size)
{
	const char *dir = getenv("KARASU_TEST_DATA");

	snprintf(buf, size, "%s/%s", dir != NULL ? dir : "build/tests/unit/data", name);
	return buf;
}

static inline uint8_t *load_dtb(const char *name, size_t *size)
{
	char path[512];

	return read_file(data_path(name, path, sizeof(path)), size);
}

static inline void open_ok(struct fdt *fdt, const void *blob, size_t size)
{
	int err = fdt_open(fdt, blob, size);

	if (err != FDT_OK) {
		fail_msg("fdt_open: %s", fdt_strerror(err));
	}
}

static inline int path_node(const struct fdt *fdt, const char *path)
{
	int node = fdt_find_path(fdt, path);

	if (node < 0) {
		fail_msg("%s: %s", path, fdt_strerror(node));
	}
	return node;
}

/* Runs `dtc -I dtb -O dts` on blob; returns its exit status and leaves the text in *text (malloc'd). */
static inline int dtc_decompile(const void *blob, size_t size, char **text)
{
	char in[] = "/tmp/karasu-fdt-XXXXXX";
	char cmd[256], out[64];
	int fd = mkstemp(in);
	size_t len;
	int status;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, size), (ssize_t)size);
	close(fd);
	snprintf(out, sizeof(out), "%s.dts", in);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts -o %s %s 2>/dev/null", out, in);
	status = system(cmd);
	*text = NULL;
	if (status == 0) {
		*text = (char *)read_file(out, &len);
		*text = realloc(*text, len + 1);
		(*text)[len] = '\0';
	}
	unlink(in);
	unlink(out);
	return status;
}

static inline void assert_contains(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL) {
		fail_msg("expected \"%s\" in:\n%s", needle, text);
	}
}

#endif
