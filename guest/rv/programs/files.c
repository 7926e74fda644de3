/* files: create, write, read, seek, pread/pwrite, stat, rename, directory listing, dup, unlink and rmdir
 * in a fresh directory under $TMPDIR (or /tmp). Prints results, never paths. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			printf("FAILED line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
			return 1;                                                          \
		}                                                                          \
	} while (0)

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], a[600], b[600];
	char buf[256];

	snprintf(dir, sizeof(dir), "%s/karasu-rv-files-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(a, sizeof(a), "%s/a.txt", dir);
	snprintf(b, sizeof(b), "%s/b.txt", dir);

	int fd = open(a, O_CREAT | O_EXCL | O_RDWR, 0640);
	CHECK(fd >= 0);
	const char *text = "0123456789abcdefghijklmnopqrstuvwxyz\n";
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(lseek(fd, 10, SEEK_SET) == 10);
	CHECK(read(fd, buf, 6) == 6);
	buf[6] = 0;
	printf("read at 10: %s\n", buf);
	CHECK(lseek(fd, -3, SEEK_END) == (off_t)strlen(text) - 3);
	CHECK(read(fd, buf, 100) == 3);
	printf("last bytes: %02x %02x %02x\n", buf[0], buf[1], buf[2]);
	CHECK(read(fd, buf, 100) == 0); /* end of file */
	CHECK(pwrite(fd, "XY", 2, 4) == 2);
	CHECK(pread(fd, buf, 8, 0) == 8);
	buf[8] = 0;
	printf("after pwrite: %s\n", buf);
	/* A hole: seek past the end and write, the gap reads as zeros. */
	CHECK(lseek(fd, 100, SEEK_SET) == 100);
	CHECK(write(fd, "!", 1) == 1);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	printf("size %lld mode %o regular %d\n", (long long)st.st_size, (unsigned)(st.st_mode & 0777),
	       S_ISREG(st.st_mode));
	CHECK(pread(fd, buf, 4, 60) == 4);
	printf("hole bytes %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
	int fd2 = dup(fd);
	CHECK(fd2 > fd);
	CHECK(lseek(fd2, 0, SEEK_CUR) == 101); /* dup shares the file offset */
	CHECK(close(fd2) == 0);
	CHECK(close(fd) == 0);

	CHECK(rename(a, b) == 0);
	CHECK(access(a, F_OK) == -1 && errno == ENOENT);
	FILE *f = fopen(b, "a+");
	CHECK(f != NULL);
	fprintf(f, "appended line %d\n", 42);
	CHECK(fseek(f, 0, SEEK_SET) == 0);
	CHECK(fgets(buf, sizeof(buf), f) != NULL);
	printf("first line via stdio: %s", buf);
	CHECK(fclose(f) == 0);
	CHECK(stat(b, &st) == 0);
	printf("size after append %lld\n", (long long)st.st_size);

	for (int i = 0; i < 5; i++) {
		char name[700];
		snprintf(name, sizeof(name), "%s/f%d", dir, i);
		int t = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		CHECK(t >= 0);
		CHECK(close(t) == 0);
	}
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	int entries = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			entries++;
	closedir(d);
	printf("directory entries: %d\n", entries);
	for (int i = 0; i < 5; i++) {
		char name[700];
		snprintf(name, sizeof(name), "%s/f%d", dir, i);
		CHECK(unlink(name) == 0);
	}
	CHECK(open(a, O_RDONLY) == -1 && errno == ENOENT);
	printf("open of a missing file: %s\n", strerror(ENOENT));
	CHECK(unlink(b) == 0);
	CHECK(rmdir(dir) == 0);
	printf("cleanup done\n");
	return 0;
}
