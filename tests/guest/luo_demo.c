// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_demo: the live update that `make demo` shows, also a VM test.
 *
 * Stage 1 fills a memfd with a deterministic pseudo-random pattern, prints its
 * SHA-256, preserves it in a /dev/liveupdate session and keeps the session
 * open in a background process until the kexec (as upstream's selftests do).
 * Stage 2, in the new kernel, retrieves the session and the memfd by token,
 * hashes what it finds and compares with the hash of the pattern.
 *
 * Command line: luo_demo_mb=<MiB> (default 64); luo_demo_skip_preserve makes
 * stage 1 not preserve anything, a negative control whose stage 2 must fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/liveupdate.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ho/sha256.h>

#include "guestlib.h"

#define DEMO_SESSION	"demo"
#define DEMO_TOKEN	0x1001
#define DEMO_SEED	0x5eed5eedULL

static void fill_pattern(uint64_t *p, size_t words, uint64_t seed)
{
	uint64_t x = seed;
	size_t i;

	for (i = 0; i < words; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
}

/* ioctl() as 0 or -errno, so the result can be reported after the call. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static const char *why(int err)
{
	return err ? strerror(-err) : "ok";
}

static void hex(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < HO_SHA256_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* SHA-256 of the pattern, computed in a scratch buffer. */
static int pattern_hash(size_t bytes, char *out)
{
	uint8_t d[HO_SHA256_SIZE];
	uint64_t *buf = malloc(bytes ? bytes : 8);

	if (!buf)
		return -ENOMEM;
	fill_pattern(buf, bytes / 8, DEMO_SEED);
	ho_sha256(buf, bytes, d);
	free(buf);
	hex(d, out);
	return 0;
}

static int fd_hash(int fd, size_t bytes, char *out)
{
	uint8_t d[HO_SHA256_SIZE];
	void *map = NULL;

	if (bytes) {
		map = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			return -errno;
	}
	ho_sha256(map, bytes, d);
	if (map)
		munmap(map, bytes);
	hex(d, out);
	return 0;
}

static int stage1(size_t bytes, int skip)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	char h[2 * HO_SHA256_SIZE + 1];
	int luo, mfd, err;
	void *map;
	pid_t pid;

	luo = open("/dev/liveupdate", O_RDWR);
	err = luo < 0 ? -errno : 0;
	if (!gl_ok(!err, "open /dev/liveupdate: %s", why(err)))
		return 1;
	mfd = memfd_create("demo-data", MFD_ALLOW_SEALING);
	if (!gl_ok(mfd >= 0 && ftruncate(mfd, bytes) == 0, "memfd of %zu MiB", bytes >> 20))
		return 1;
	map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (!gl_ok(map != MAP_FAILED, "map the memfd"))
		return 1;
	fill_pattern(map, bytes / 8, DEMO_SEED);
	munmap(map, bytes);
	fd_hash(mfd, bytes, h);
	printf("demo: old kernel: wrote %zu MiB into a memfd, sha256 %s\n", bytes >> 20, h);

	snprintf((char *)cs.name, sizeof(cs.name), "%s", DEMO_SESSION);
	err = xioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs);
	if (!gl_ok(!err, "create session \"%s\": %s", DEMO_SESSION, why(err)))
		return 1;
	if (skip) {
		gl_diag("luo_demo_skip_preserve: NOT preserving the memfd (negative control)");
		close(cs.fd);
	} else {
		pf.fd = mfd;
		pf.token = DEMO_TOKEN;
		err = xioctl(cs.fd, LIVEUPDATE_SESSION_PRESERVE_FD, &pf);
		if (!gl_ok(!err, "preserve the memfd with token %#x: %s", DEMO_TOKEN, why(err)))
			return 1;
		printf("demo: old kernel: memfd preserved in session \"%s\" (token %#x); "
		       "handing over to the new kernel\n", DEMO_SESSION, DEMO_TOKEN);
	}
	fflush(stdout);
	/* The session lives as long as its fd: keep it open until the kexec. */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return gl_ok(pid > 0, "session held open by pid %d until the kexec", pid) ? 0 : 1;
}

static int stage2(size_t bytes)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rf = { .size = sizeof(rf) };
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };
	char want[2 * HO_SHA256_SIZE + 1], got[2 * HO_SHA256_SIZE + 1];
	struct stat st;
	int luo, err;

	luo = open("/dev/liveupdate", O_RDWR);
	err = luo < 0 ? -errno : 0;
	if (!gl_ok(!err, "new kernel: open /dev/liveupdate: %s", why(err)))
		return 1;
	snprintf((char *)rs.name, sizeof(rs.name), "%s", DEMO_SESSION);
	err = xioctl(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs);
	if (!gl_ok(!err, "new kernel: retrieve session \"%s\": %s", DEMO_SESSION, why(err)))
		return 1;
	rf.token = DEMO_TOKEN;
	err = xioctl(rs.fd, LIVEUPDATE_SESSION_RETRIEVE_FD, &rf);
	if (!gl_ok(!err, "new kernel: retrieve memfd by token %#x: %s", DEMO_TOKEN, why(err)))
		return 1;
	if (!gl_ok(fstat(rf.fd, &st) == 0 && (size_t)st.st_size == bytes,
		   "memfd size is %zu bytes", bytes))
		return 1;
	pattern_hash(bytes, want);
	fd_hash(rf.fd, bytes, got);
	printf("demo: new kernel: memfd has %zu MiB, sha256 %s\n", bytes >> 20, got);
	if (gl_ok(strcmp(want, got) == 0, "contents byte-exact across the kexec (sha256 %.16s...)",
		  want))
		printf("demo: the data survived the kernel switch unchanged\n");
	err = xioctl(rs.fd, LIVEUPDATE_SESSION_FINISH, &fin);
	gl_ok(!err, "finish the session: %s", why(err));
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv);
	char val[32];
	size_t mb = 64;

	if (gl_cmdline_get("luo_demo_mb", val, sizeof(val)))
		mb = strtoul(val, NULL, 0);
	if (stage == 1)
		return stage1(mb << 20, gl_cmdline_get("luo_demo_skip_preserve", NULL, 0));
	return stage2(mb << 20);
}
