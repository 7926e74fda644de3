/* mremap sequences that depend on a grown mapping staying ONE mapping, as Linux keeps it (it extends
 * the mapping in place rather than adding a second one next to it):
 *   1. grow mapping B in place, move it, grow mapping A in place over the range B left, grow A again
 *      (moving);
 *   2. move a mapping (its file offset no longer follows its address), shrink it, grow it in place,
 *      then grow it so that it must move: a moving mremap of two mappings fails with EFAULT;
 *   3. a file mapping grown in place shows more of the file;
 *   4. a shared anonymous mapping grown in place: the object behind it does not grow (SIGBUS);
 *   5. a fixed pseudo-random series of grows, shrinks and moves of six mappings: contents survive and
 *      no mremap of a whole mapping fails with EFAULT.
 * Layouts are forced with MAP_FIXED_NOREPLACE inside a window that was reserved and released. */
#include "guest/rv/net/nettest.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

#define PG 4096L

static sigjmp_buf recover;

static void on_sigbus(int sig)
{
	siglongjmp(recover, sig);
}

/* A free window of pages (reserved, then released: the kernel will not reuse it by itself soon). */
static char *free_window(long pages)
{
	char *w = mmap(NULL, pages * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		exit(2);
	munmap(w, pages * PG);
	return w;
}

static char *map_at(char *addr, long pages, int flags)
{
	char *p = mmap(addr, pages * PG, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
	               -1, 0);
	return p == addr ? p : NULL;
}

static int all_bytes(const char *p, long n, char c)
{
	for (long i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void case_brief(void)
{
	char *w = free_window(64);
	char *a = map_at(w, 2, MAP_PRIVATE), *b = map_at(w + 2 * PG, 2, MAP_PRIVATE);
	char *c = map_at(w + 8 * PG, 2, MAP_PRIVATE);
	CHECK(a && b && c, "layout: A, B next to it, a blocker further up");
	if (!a || !b || !c)
		return;
	memset(a, 'a', 2 * PG);
	memset(b, 'b', 2 * PG);
	char *r = mremap(b, 2 * PG, 4 * PG, 0);
	CHECK(r == b, "grow B in place (2 -> 4 pages)");
	memset(b, 'b', 4 * PG);
	char *b2 = mremap(b, 4 * PG, 16 * PG, MREMAP_MAYMOVE);
	CHECK(b2 != MAP_FAILED && b2 != b, "grow B past the blocker: it moves (%s)",
	      b2 == MAP_FAILED ? strerror(errno) : "moved");
	if (b2 != MAP_FAILED)
		CHECK(all_bytes(b2, 4 * PG, 'b') && all_bytes(b2 + 4 * PG, 12 * PG, 0),
		      "B's contents moved, its growth reads zero");
	r = mremap(a, 2 * PG, 5 * PG, 0);
	CHECK(r == a, "grow A in place over the range B left (2 -> 5 pages) (%s)",
	      r == MAP_FAILED ? strerror(errno) : "ok");
	memset(a + 2 * PG, 'A', 3 * PG);
	char *a2 = mremap(a, 5 * PG, 32 * PG, MREMAP_MAYMOVE);
	CHECK(a2 != MAP_FAILED, "grow A again (5 -> 32 pages, moving) (%s)",
	      a2 == MAP_FAILED ? strerror(errno) : "ok");
	if (a2 != MAP_FAILED)
		CHECK(all_bytes(a2, 2 * PG, 'a') && all_bytes(a2 + 2 * PG, 3 * PG, 'A') &&
		          all_bytes(a2 + 5 * PG, 27 * PG, 0),
		      "A's contents (both parts) moved with it");
}

static void case_moved_then_grown(void)
{
	char *x = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(x, 'x', 2 * PG);
	/* the first page only: it cannot grow in place (its mapping goes on), so it moves */
	char *y = mremap(x, PG, 9 * PG, MREMAP_MAYMOVE);
	CHECK(y != MAP_FAILED && y != x, "moving the first page of a mapping");
	if (y == MAP_FAILED)
		return;
	CHECK(mremap(y, 9 * PG, PG, 0) == y, "shrink it to one page");
	char *blocker = map_at(y + 5 * PG, 1, MAP_PRIVATE);
	CHECK(blocker != NULL, "a blocker four pages after it");
	char *r = mremap(y, PG, 3 * PG, 0);
	CHECK(r == y, "grow it in place (1 -> 3 pages) (%s)", r == MAP_FAILED ? strerror(errno) : "ok");
	memset(y + PG, 'y', 2 * PG);
	char *z = mremap(y, 3 * PG, 12 * PG, MREMAP_MAYMOVE);
	CHECK(z != MAP_FAILED && z != y, "grow it past the blocker, moving (%s)",
	      z == MAP_FAILED ? strerror(errno) : "moved");
	if (z != MAP_FAILED)
		CHECK(all_bytes(z, PG, 'x') && all_bytes(z + PG, 2 * PG, 'y') &&
		          all_bytes(z + 3 * PG, 9 * PG, 0),
		      "contents of both parts moved");
	CHECK(all_bytes(x + PG, PG, 'x'), "the second page stayed where it was");
}

static void case_file_growth(void)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/mremap-file-XXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		CHECK(0, "temporary file");
		return;
	}
	unlink(path);
	char page[PG];
	for (char c = 'A'; c <= 'C'; c++) {
		memset(page, c, PG);
		if (write(fd, page, PG) != PG)
			exit(2);
	}
	char *w = free_window(8);
	char *m = mmap(w, PG, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	CHECK(m == w, "map the first page of a 3-page file");
	char *r = mremap(m, PG, 3 * PG, 0);
	CHECK(r == m, "grow the file mapping in place to 3 pages");
	if (r == m)
		CHECK(m[0] == 'A' && m[PG] == 'B' && m[2 * PG + 100] == 'C',
		      "the new pages show the file's second and third pages");
	close(fd);
}

static void case_shared_anon_growth(void)
{
	char *w = free_window(8);
	char *s = map_at(w, 1, MAP_SHARED);
	CHECK(s != NULL, "a one-page shared anonymous mapping");
	if (!s)
		return;
	s[0] = 's';
	char *r = mremap(s, PG, 2 * PG, 0);
	CHECK(r == s, "grow it in place to two pages");
	signal(SIGBUS, on_sigbus);
	int sig = sigsetjmp(recover, 1);
	if (sig == 0) {
		volatile char c = s[PG];
		(void)c;
	}
	signal(SIGBUS, SIG_DFL);
	CHECK(sig == SIGBUS, "the grown page is past the end of the shared object: SIGBUS (%d)", sig);
	CHECK(s[0] == 's', "the first page is intact");
}

static uint64_t rng = 88172645463325252ull;
static unsigned next_random(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void case_random_series(void)
{
	enum { N = 6, STEPS = 400 };
	char *m[N];
	long len[N];
	int efault = 0, bad_contents = 0, moves = 0;
	for (int i = 0; i < N; i++) {
		len[i] = (1 + next_random(4)) * PG;
		m[i] = mmap(NULL, len[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(m[i], 'a' + i, len[i]);
	}
	for (int step = 0; step < STEPS; step++) {
		int i = next_random(N);
		long new_len = (1 + next_random(12)) * PG;
		int flags = next_random(3) ? MREMAP_MAYMOVE : 0;
		char *r = mremap(m[i], len[i], new_len, flags);
		if (r == MAP_FAILED) {
			efault += errno == EFAULT;
			continue;
		}
		moves += r != m[i];
		long kept = new_len < len[i] ? new_len : len[i];
		bad_contents += !all_bytes(r, kept, 'a' + i) || !all_bytes(r + kept, new_len - kept, 0);
		m[i] = r;
		len[i] = new_len;
		memset(r, 'a' + i, new_len);
	}
	CHECK(efault == 0, "%d mremaps of whole mappings: none fails with EFAULT (%d did)", STEPS, efault);
	CHECK(bad_contents == 0, "contents kept and growth zero-filled every time (%d bad)", bad_contents);
	CHECK(moves > 0, "some of them moved");
}

int main(void)
{
	guard_time(30);
	case_brief();
	case_moved_then_grown();
	case_file_growth();
	case_shared_anon_growth();
	case_random_series();
	return nettest_done();
}
