// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_memfd: memfds across one or more live updates on our LUO.
 *
 * Every stage K before the last creates three sessions (plus an empty one)
 * and preserves the memfds of the table below, filled with deterministic
 * patterns seeded by K, then keeps the sessions open until the kexec.
 * Every stage after the first retrieves what stage K-1 preserved and checks
 * size, seals, holes (allocated blocks) and contents (SHA-256 of the memfd
 * against SHA-256 of the regenerated pattern), plus the state machine
 * (/sys/kernel/liveupdate/{state,count}, GET_STATE) and the errors of the
 * incoming side (unknown token, session opened twice, retrieve after
 * finish). With luo_stages=4 that is three live updates in a row.
 *
 * Command line: luo_memfd_big_mb=N sets the size of the "big" case
 * (default 64; 512 in a 1 GiB VM is the large test).
 */
#include <sys/syscall.h>
#include <time.h>

#include "luo_common.h"

#define NR_SESSIONS	3
#define EMPTY_SESSION	"luo-memfd-empty"
#define SPARSE_SIZE	(32u << 20)
#define SEALS_ALL	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

struct mcase {
	const char *name;
	size_t size;		/* 0 in the table for "big": from the command line */
	enum luo_pattern pat;
	int sparse;		/* data only in the pages of sparse_pages[] */
	unsigned int seals;	/* all seals it ends up with */
	unsigned int late;	/* those of @seals added after PREPARE */
};

static const struct mcase cases[] = {
	{ "empty",        0,                 PAT_RANDOM,  0, 0, 0 },
	{ "one-byte",     1,                 PAT_RANDOM,  0, 0, 0 },
	{ "page-minus-1", 4095,              PAT_COUNTER, 0, 0, 0 },
	{ "page",         4096,              PAT_ONES,    0, 0, 0 },
	{ "page-plus-1",  4097,              PAT_RANDOM,  0, 0, 0 },
	{ "zeros-128k",   128 << 10,         PAT_ZERO,    0, 0, 0 },
	{ "1m-plus-123",  (1 << 20) + 123,   PAT_COUNTER, 0, 0, 0 },
	{ "big",          0,                 PAT_RANDOM,  0, 0, 0 },
	{ "sparse-32m",   SPARSE_SIZE,       PAT_RANDOM,  1, 0, 0 },
	{ "sealed-64k",   64 << 10,          PAT_RANDOM,  0, SEALS_ALL, 0 },
	{ "sealed-empty", 0,                 PAT_RANDOM,  0, F_SEAL_SEAL | F_SEAL_GROW, 0 },
	{ "sealed-late",  8192,              PAT_COUNTER, 0, F_SEAL_SHRINK | F_SEAL_GROW,
	  F_SEAL_GROW },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* Page numbers of the sparse case that hold data; the rest are holes. */
static const size_t sparse_pages[] = { 0, 256, 4353, SPARSE_SIZE / 4096 - 1 };
#define NR_SPARSE (sizeof(sparse_pages) / sizeof(sparse_pages[0]))

static size_t big_size = 64u << 20;

static size_t case_size(const struct mcase *c)
{
	return c->size || strcmp(c->name, "big") ? c->size : big_size;
}

static uint64_t case_seed(int stage, unsigned int i)
{
	return 0x1000003ULL * (uint64_t)stage + 0x9e3779b9ULL * (i + 1);
}

static uint64_t case_token(int stage, unsigned int i)
{
	return ((uint64_t)stage << 32) | (0xc0de00 + i);
}

static void session_name(char *buf, size_t len, int stage, int s)
{
	snprintf(buf, len, "luo-memfd-%d-%d", stage, s);
}

/*
 * SHA-256 of the expected contents. Plain cases: the pattern stream over
 * the whole size. Sparse: zero pages, except the data pages, each filled
 * with the next 4096 bytes of the stream.
 */
static int expected_sha(const struct mcase *c, int stage, unsigned int i,
			char *out)
{
	uint8_t *buf = malloc(LUO_CHUNK), d[HO_SHA256_SIZE];
	size_t size = case_size(c), off, n, p, k;
	struct ho_sha256 s;
	struct luo_gen g;

	if (!buf)
		return -ENOMEM;
	luo_gen_init(&g, c->pat, case_seed(stage, i));
	ho_sha256_init(&s);
	if (!c->sparse) {
		for (off = 0; off < size; off += n) {
			n = size - off < LUO_CHUNK ? size - off : LUO_CHUNK;
			luo_gen_fill(&g, buf, n);
			ho_sha256_update(&s, buf, n);
		}
	} else {
		for (p = 0; p < size / 4096; p++) {
			for (k = 0; k < NR_SPARSE && sparse_pages[k] != p; k++)
				;
			if (k < NR_SPARSE)
				luo_gen_fill(&g, buf, 4096);
			else
				memset(buf, 0, 4096);
			ho_sha256_update(&s, buf, 4096);
		}
	}
	ho_sha256_final(&s, d);
	free(buf);
	luo_hex(d, out);
	return 0;
}

/* A memfd with the case's contents and seals; its fd or -errno. */
static int make_memfd(const struct mcase *c, int stage, unsigned int i)
{
	size_t size = case_size(c), off, n, k;
	uint8_t *buf;
	struct luo_gen g;
	int fd;

	fd = memfd_create(c->name, MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	buf = malloc(LUO_CHUNK);
	if (!buf || ftruncate(fd, size))
		goto err;
	luo_gen_init(&g, c->pat, case_seed(stage, i));
	if (!c->sparse) {
		for (off = 0; off < size; off += n) {
			n = size - off < LUO_CHUNK ? size - off : LUO_CHUNK;
			luo_gen_fill(&g, buf, n);
			if (pwrite(fd, buf, n, off) != (ssize_t)n)
				goto err;
		}
	} else {
		for (k = 0; k < NR_SPARSE; k++) {
			luo_gen_fill(&g, buf, 4096);
			if (pwrite(fd, buf, 4096, sparse_pages[k] * 4096) != 4096)
				goto err;
		}
	}
	if ((c->seals & ~c->late) && fcntl(fd, F_ADD_SEALS, c->seals & ~c->late))
		goto err;
	free(buf);
	return fd;
err:
	free(buf);
	close(fd);
	return -EIO;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int stage_preserve(int luo, int stage)
{
	int sfd[NR_SESSIONS], fd, err, empty, late_fd[NR_CASES];
	double t0, t1, t2;
	char name[64], sha[LUO_HEX];
	unsigned int i;
	int s;

	for (s = 0; s < NR_SESSIONS; s++) {
		session_name(name, sizeof(name), stage, s);
		sfd[s] = luo_session(luo, name, 0);
		if (!gl_ok(sfd[s] >= 0, "stage %d: create session %s: %s", stage,
			   name, luo_why(sfd[s] < 0 ? sfd[s] : 0)))
			return 1;
	}
	empty = luo_session(luo, EMPTY_SESSION, 0);
	gl_ok(empty >= 0, "stage %d: create empty session %s", stage, EMPTY_SESSION);

	for (i = 0; i < NR_CASES; i++) {
		const struct mcase *c = &cases[i];

		fd = make_memfd(c, stage, i);
		if (!gl_ok(fd >= 0, "stage %d: memfd %s (%zu bytes)", stage, c->name,
			   case_size(c)))
			return 1;
		luo_fd_sha(fd, case_size(c), sha);
		gl_diag("stage %d: %s: %zu bytes, sha256 %s", stage, c->name,
			case_size(c), sha);
		err = luo_preserve(sfd[i % NR_SESSIONS], fd, case_token(stage, i));
		gl_ok(!err, "stage %d: preserve %s with token %#llx: %s", stage,
		      c->name, (unsigned long long)case_token(stage, i), luo_why(err));
		/* the session holds its own reference */
		if (c->late)
			late_fd[i] = fd;
		else
			close(fd);
	}
	/* Explicit phases here (the kexec hook path is luo_cancel's). */
	luo_meminfo_diag("before PREPARE");
	t0 = now_ms();
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	t1 = now_ms();
	if (err)
		luo_meminfo_diag("after the failed PREPARE");
	for (i = 0; i < NR_CASES; i++) {
		if (!cases[i].late)
			continue;
		gl_ok(!fcntl(late_fd[i], F_ADD_SEALS, cases[i].late),
		      "stage %d: %s: add seals %#x after PREPARE", stage, cases[i].name,
		      cases[i].late);
		close(late_fd[i]);
	}
	t1 = now_ms();
	if (!err)
		err = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
	t2 = now_ms();
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_FROZEN,
	      "stage %d: PREPARE + FREEZE: %s", stage, luo_why(err));
	gl_diag("perf: PREPARE %.1f ms, FREEZE %.1f ms (big case %zu MiB)", t1 - t0,
		t2 - t1, big_size >> 20);
	close(luo);
	err = luo_hold_sessions();
	gl_ok(!err, "stage %d: sessions held open until the kexec", stage);
	return gl_exit_status();
}

static void check_case(int sfd, const struct mcase *c, int prev, unsigned int i)
{
	char want[LUO_HEX], got[LUO_HEX];
	size_t size = case_size(c);
	struct stat st, st2;
	int fd, fd2, seals;
	double t0;

	t0 = now_ms();
	fd = luo_retrieve(sfd, case_token(prev, i));
	if (size >= (1u << 20))
		gl_diag("perf: RETRIEVE_FD %s (%zu MiB) %.1f ms", c->name, size >> 20,
			now_ms() - t0);
	if (!gl_ok(fd >= 0, "retrieve %s (token %#llx): %s", c->name,
		   (unsigned long long)case_token(prev, i), luo_why(fd < 0 ? fd : 0)))
		return;
	if (fstat(fd, &st))
		memset(&st, 0, sizeof(st));
	gl_ok((size_t)st.st_size == size, "%s: size %zu (got %lld)", c->name,
	      size, (long long)st.st_size);
	seals = fcntl(fd, F_GET_SEALS);
	gl_ok(seals == (int)c->seals, "%s: seals %#x (got %#x)", c->name, c->seals,
	      seals);
	/* each data page is 4 KiB written into one of the kernel's pages */
	if (c->sparse)
		gl_ok((size_t)st.st_blocks * 512 <= NR_SPARSE * (size_t)sysconf(_SC_PAGESIZE),
		      "%s: holes kept: %lld bytes allocated for %zu data pages of %ld bytes",
		      c->name, (long long)st.st_blocks * 512, NR_SPARSE, sysconf(_SC_PAGESIZE));
	expected_sha(c, prev, i, want);
	luo_fd_sha(fd, size, got);
	gl_ok(!strcmp(want, got), "%s: contents byte-exact (sha256 %.16s, want %.16s)",
	      c->name, got, want);
	if (c->seals & F_SEAL_WRITE)
		gl_ok(pwrite(fd, "x", 1, 0) < 0 && errno == EPERM,
		      "%s: F_SEAL_WRITE still enforced", c->name);
	fd2 = luo_retrieve(sfd, case_token(prev, i));
	gl_ok(fd2 >= 0 && fstat(fd2, &st2) == 0 && st2.st_ino == st.st_ino,
	      "%s: second retrieve returns the same file", c->name);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

static int stage_verify(int luo, int stage, int stages)
{
	int prev = stage - 1, sfd[NR_SESSIONS], s, fd, err, empty;
	char name[64], want[16];
	unsigned int i;

	snprintf(want, sizeof(want), "%d", prev);
	gl_ok(!strcmp(luo_sysfs("state"), "updated"),
	      "stage %d: /sys/kernel/liveupdate/state is updated (%s)", stage,
	      luo_sysfs("state"));
	gl_ok(!strcmp(luo_sysfs("count"), want),
	      "stage %d: /sys/kernel/liveupdate/count is %s (%s)", stage, want,
	      luo_sysfs("count"));
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_UPDATED,
	      "stage %d: GET_STATE is UPDATED (%d)", stage, luo_state(luo));

	for (s = 0; s < NR_SESSIONS; s++) {
		session_name(name, sizeof(name), prev, s);
		sfd[s] = luo_session(luo, name, 1);
		if (!gl_ok(sfd[s] >= 0, "retrieve session %s: %s", name,
			   luo_why(sfd[s] < 0 ? sfd[s] : 0)))
			return 1;
	}
	session_name(name, sizeof(name), prev, 0);
	fd = luo_session(luo, name, 1);
	gl_ok(fd == -EBUSY, "retrieve session %s twice: EBUSY (%s)", name,
	      luo_why(fd < 0 ? fd : 0));
	fd = luo_session(luo, "no-such-session", 1);
	gl_ok(fd == -ENOENT, "retrieve unknown session: ENOENT (%s)",
	      luo_why(fd < 0 ? fd : 0));
	empty = luo_session(luo, EMPTY_SESSION, 1);
	gl_ok(empty >= 0, "retrieve empty session %s", EMPTY_SESSION);

	for (i = 0; i < NR_CASES; i++)
		check_case(sfd[i % NR_SESSIONS], &cases[i], prev, i);

	fd = luo_retrieve(sfd[0], 0xdeadbeef);
	gl_ok(fd == -ENOENT, "retrieve unknown token: ENOENT (%s)",
	      luo_why(fd < 0 ? fd : 0));
	fd = luo_retrieve(sfd[0], case_token(prev, 1));
	gl_ok(fd == -ENOENT, "retrieve a token of another session: ENOENT (%s)",
	      luo_why(fd < 0 ? fd : 0));
	err = luo_preserve(sfd[0], 0, 1);
	gl_ok(err == -EINVAL, "preserve into an incoming session: EINVAL (%s)",
	      luo_why(err));

	err = luo_finish_session(empty);
	gl_ok(!err, "finish the empty session: %s", luo_why(err));
	for (s = 0; s < NR_SESSIONS; s++) {
		err = luo_finish_session(sfd[s]);
		gl_ok(!err, "finish session %d: %s", s, luo_why(err));
	}
	fd = luo_retrieve(sfd[0], case_token(prev, 0));
	gl_ok(fd == -ENOENT, "retrieve after finish: ENOENT (%s)",
	      luo_why(fd < 0 ? fd : 0));
	err = luo_finish_session(sfd[0]);
	gl_ok(err == -ENOENT, "finish twice: ENOENT (%s)", luo_why(err));
	for (s = 0; s < NR_SESSIONS; s++)
		close(sfd[s]);
	close(empty);
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_NORMAL &&
	      !strcmp(luo_sysfs("state"), "normal"),
	      "stage %d: all sessions finished: state normal (%s)", stage,
	      luo_sysfs("state"));
	session_name(name, sizeof(name), prev, 1);
	fd = luo_session(luo, name, 1);
	gl_ok(fd == -ENOENT, "retrieve a finished session: ENOENT (%s)",
	      luo_why(fd < 0 ? fd : 0));
	(void)stages;
	return 0;
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv), stages = 2, luo;
	char val[32];

	if (gl_cmdline_get("luo_stages", val, sizeof(val)))
		stages = atoi(val);
	if (gl_cmdline_get("luo_memfd_big_mb", val, sizeof(val)))
		big_size = strtoull(val, NULL, 0) << 20;
	gl_diag("luo_memfd: stage %d of %d, big case %zu MiB", stage, stages,
		big_size >> 20);

	luo = open(LUO_DEV, O_RDWR);
	if (!gl_ok(luo >= 0, "open %s: %s", LUO_DEV, luo_why(luo < 0 ? -errno : 0)))
		return 1;
	if (stage > 1)
		stage_verify(luo, stage, stages);
	else
		gl_ok(!strcmp(luo_sysfs("state"), "normal"),
		      "stage 1: state normal after a cold boot (%s)", luo_sysfs("state"));
	if (stage < stages && !gl_failures())
		return stage_preserve(luo, stage);
	close(luo);
	return gl_exit_status();
}
