/* The guest's library prefix (prefix.h): choosing it, and mapping absolute guest paths into it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rv/user/prefix.h"

/* Written once by main before the guest starts, read by every guest thread afterwards. */
static char process_prefix[PATH_MAX];

static bool no_prefix(const char *dir)
{
	return dir[0] == '\0' || strcmp(dir, "/") == 0;
}

int rv_prefix_choose(const char *option, const char *env, const char *cwd, char *out, size_t outlen,
                     char *err, size_t errlen)
{
	const char *dir = option ? option : env;
	const char *what = option ? "-L" : RV_PREFIX_ENV;
	out[0] = '\0';
	if (!dir) {
		/* the default is taken only when it is there: without it, paths are the host's */
		struct stat st;
		if (stat(RV_PREFIX_DEFAULT, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(out, outlen, "%s", RV_PREFIX_DEFAULT);
		return 0;
	}
	if (no_prefix(dir))
		return 0;
	int n = dir[0] == '/' ? snprintf(out, outlen, "%s", dir) : snprintf(out, outlen, "%s/%s", cwd, dir);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		snprintf(err, errlen, "%s %s: the name is too long", what, dir);
		return -1;
	}
	/* "DIR/" and "DIR" are the same prefix; keep "/" apart (it means none) */
	size_t len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	struct stat st;
	const char *problem = stat(out, &st) != 0    ? strerror(errno)
	                      : !S_ISDIR(st.st_mode) ? "not a directory"
	                                             : NULL;
	if (problem) {
		snprintf(err, errlen, "%s %s: %s", what, dir, problem);
		out[0] = '\0';
		return -1;
	}
	if (no_prefix(out))
		out[0] = '\0';
	return 0;
}

const char *rv_prefix_lookup(const char *prefix, const char *path, char *buf, size_t buflen)
{
	if (!prefix || no_prefix(prefix) || path[0] != '/')
		return path;
	int n = snprintf(buf, buflen, "%s%s", prefix, path);
	if (n < 0 || (size_t)n >= buflen)
		return path; /* too long for a host path: the host's own file (which the host will refuse) */
	return access(buf, F_OK) == 0 ? buf : path;
}

void rv_prefix_set(const char *prefix)
{
	snprintf(process_prefix, sizeof(process_prefix), "%s", prefix && !no_prefix(prefix) ? prefix : "");
}

const char *rv_prefix_get(void)
{
	return process_prefix;
}

bool rv_prefix_apply(char *path, size_t len)
{
	if (process_prefix[0] == '\0' || path[0] != '/')
		return false;
	char buf[PATH_MAX];
	if (rv_prefix_lookup(process_prefix, path, buf, sizeof(buf)) != buf || strlen(buf) >= len)
		return false;
	memcpy(path, buf, strlen(buf) + 1);
	return true;
}
