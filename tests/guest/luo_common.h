/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * luo_common.h: helpers shared by the luo_* VM test programs (header only, so
 * that every tests/guest/luo_*.c stays one program).
 *
 * Deterministic patterns: a pattern is a stream of 64-bit words (xorshift, a
 * constant or a counter) taken as little-endian bytes, so a stage can recreate
 * what an earlier kernel wrote and compare SHA-256 digests without carrying
 * any data across the kexec.
 */
#ifndef LUO_COMMON_H
#define LUO_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <linux/liveupdate.h>
#include <linux/liveupdate_rfc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ho/sha256.h>

#include "guestlib.h"

#define LUO_DEV		"/dev/liveupdate"
#define LUO_CHUNK	(1u << 20)
#define LUO_HEX		(2 * HO_SHA256_SIZE + 1)
/* shmem THP policy (memfds): "always" backs them by 2 MiB folios */
#define LUO_SHMEM_ENABLED	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"

enum luo_pattern { PAT_RANDOM, PAT_ZERO, PAT_ONES, PAT_COUNTER };

struct luo_gen {
	enum luo_pattern pat;
	uint64_t x;
};

static inline void luo_gen_init(struct luo_gen *g, enum luo_pattern pat,
				uint64_t seed)
{
	g->pat = pat;
	g->x = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t luo_gen_word(struct luo_gen *g)
{
	switch (g->pat) {
	case PAT_ZERO:
		return 0;
	case PAT_ONES:
		return ~0ULL;
	case PAT_COUNTER:
		return g->x++;
	default:
		g->x ^= g->x << 13;
		g->x ^= g->x >> 7;
		g->x ^= g->x << 17;
		return g->x;
	}
}

/* Next @len bytes of the stream (@len a multiple of 8 except at the end). */
static inline void luo_gen_fill(struct luo_gen *g, uint8_t *buf, size_t len)
{
	size_t i;
	uint64_t w;

	for (i = 0; i + 8 <= len; i += 8) {
		w = luo_gen_word(g);
		memcpy(buf + i, &w, 8);
	}
	if (i < len) {
		w = luo_gen_word(g);
		memcpy(buf + i, &w, len - i);
	}
}

static inline void luo_hex(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < HO_SHA256_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* SHA-256 of the first @len bytes of the PAT_RANDOM stream of @seed. */
static inline void luo_random_sha(uint64_t seed, size_t len, char *out)
{
	uint8_t *buf = malloc(len), d[HO_SHA256_SIZE];
	struct luo_gen g;

	luo_gen_init(&g, PAT_RANDOM, seed);
	luo_gen_fill(&g, buf, len);
	ho_sha256(buf, len, d);
	luo_hex(d, out);
	free(buf);
}

/* ioctl() as 0 or -errno. */
static inline int luo_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static inline const char *luo_why(int err)
{
	return err ? strerror(-err) : "ok";
}

/* SHA-256 of @len bytes of @fd read from offset 0. 0 or -errno. */
static inline int luo_fd_sha(int fd, size_t len, char *out)
{
	uint8_t *buf = malloc(LUO_CHUNK), d[HO_SHA256_SIZE];
	struct ho_sha256 s;
	size_t off = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	ho_sha256_init(&s);
	while (off < len) {
		size_t want = len - off < LUO_CHUNK ? len - off : LUO_CHUNK;

		n = pread(fd, buf, want, off);
		if (n <= 0) {
			free(buf);
			return n < 0 ? -errno : -EIO;
		}
		ho_sha256_update(&s, buf, n);
		off += n;
	}
	ho_sha256_final(&s, d);
	free(buf);
	luo_hex(d, out);
	return 0;
}

static inline int luo_state(int luo)
{
	struct liveupdate_ioctl_get_state gs = { .size = sizeof(gs) };
	int err = luo_ioctl(luo, LIVEUPDATE_IOCTL_GET_STATE, &gs);

	return err ? err : (int)gs.state;
}

static inline int luo_phase(int luo, unsigned long cmd)
{
	struct liveupdate_ioctl_phase ph = { .size = sizeof(ph) };

	return luo_ioctl(luo, cmd, &ph);
}

/*
 * The first line of a small file (sysfs, module parameters) into val, without
 * the newline; val, or "(unreadable)".
 */
static inline const char *luo_read_line(const char *path, char *val,
					size_t len)
{
	void *buf;
	long n = gl_read_file(path, &buf);

	if (n < 0)
		return "(unreadable)";
	snprintf(val, len, "%.*s", (int)n, (char *)buf);
	val[strcspn(val, "\n")] = 0;
	free(buf);
	return val;
}

/* Write @val to a small file (sysfs, module parameters): 0 or -errno. */
static inline int luo_write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Contents of /sys/kernel/liveupdate/<attr> without the newline. */
static inline const char *luo_sysfs(const char *attr)
{
	static char val[32];
	char path[64];

	snprintf(path, sizeof(path), "/sys/kernel/liveupdate/%s", attr);
	return luo_read_line(path, val, sizeof(val));
}

/* Create (retrieve = 0) or retrieve a session; its fd or -errno. */
static inline int luo_session(int luo, const char *name, int retrieve)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	int err;

	snprintf((char *)cs.name, sizeof(cs.name), "%s", name);
	err = luo_ioctl(luo, retrieve ? LIVEUPDATE_IOCTL_RETRIEVE_SESSION :
			LIVEUPDATE_IOCTL_CREATE_SESSION, &cs);
	return err ? err : cs.fd;
}

static inline int luo_preserve(int sfd, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd pf = {
		.size = sizeof(pf), .fd = fd, .token = token,
	};

	return luo_ioctl(sfd, LIVEUPDATE_SESSION_PRESERVE_FD, &pf);
}

/* The retrieved fd or -errno. */
static inline int luo_retrieve(int sfd, uint64_t token)
{
	struct liveupdate_session_retrieve_fd rf = {
		.size = sizeof(rf), .token = token,
	};
	int err = luo_ioctl(sfd, LIVEUPDATE_SESSION_RETRIEVE_FD, &rf);

	return err ? err : rf.fd;
}

static inline int luo_finish_session(int sfd)
{
	struct liveupdate_session_finish fin = { .size = sizeof(fin) };

	return luo_ioctl(sfd, LIVEUPDATE_SESSION_FINISH, &fin);
}

/* A value from /proc/meminfo in KiB, or -1. */
static inline long luo_meminfo(const char *key)
{
	char line[128];
	size_t klen = strlen(key);
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			val = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/*
 * One diagnostic line of the memory an allocation failure depends on: free
 * memory, the part of it in CMA (KHO scratch is MIGRATE_CMA: a long-term
 * pin must move a folio out of it), shmem, unevictable (the unpacked
 * initramfs).
 */
static inline void luo_meminfo_diag(const char *when)
{
	gl_diag("memory %s: MemFree %ld kB, CmaTotal %ld kB, CmaFree %ld kB, "
		"Shmem %ld kB, Unevictable %ld kB", when, luo_meminfo("MemFree"),
		luo_meminfo("CmaTotal"), luo_meminfo("CmaFree"), luo_meminfo("Shmem"),
		luo_meminfo("Unevictable"));
}

/*
 * Free memory in KiB as the page allocator holds it: MemFree plus the pages
 * on the per-CPU lists (/proc/zoneinfo "count:" under "pagesets"), which
 * MemFree does not count. A freed 2 MiB folio may sit on such a list, so a
 * test that checks freed memory must count them; -1 when unreadable.
 */
static inline long luo_free_kb(void)
{
	long kb = luo_meminfo("MemFree"), pcp = 0, n;
	char line[160];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (kb < 0 || !f) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pcp += n;
	fclose(f);
	return kb + pcp * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * Keep the session fds open until the kexec: a child that inherits them
 * sleeps forever; the parent returns (and exits) so /init can kexec.
 */
static inline int luo_hold_sessions(void)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid > 0 ? 0 : -errno;
}

/*
 * A memfd of @size bytes whose first @fill bytes (a multiple of LUO_CHUNK,
 * or all of a smaller @size) are the PAT_RANDOM stream of @seed; the rest is
 * a hole. Its fd, or -1.
 */
static inline int luo_memfd_random(const char *name, size_t size, size_t fill,
				   uint64_t seed, unsigned int flags)
{
	size_t chunk = size < LUO_CHUNK ? size : LUO_CHUNK, off;
	uint8_t *buf = malloc(LUO_CHUNK);
	struct luo_gen g;
	int fd;

	fd = memfd_create(name, flags);
	if (fd < 0 || !buf || ftruncate(fd, size))
		goto err;
	luo_gen_init(&g, PAT_RANDOM, seed);
	for (off = 0; off < fill; off += chunk) {
		luo_gen_fill(&g, buf, chunk);
		if (pwrite(fd, buf, chunk, off) != (ssize_t)chunk)
			goto err;
	}
	free(buf);
	return fd;
err:
	free(buf);
	if (fd >= 0)
		close(fd);
	return -1;
}

/* main() of a program in stages: open /dev/liveupdate, run stage 1 or 2. */
static inline int luo_main(int argc, char **argv, int (*stage1)(int luo),
			   int (*stage2)(int luo))
{
	int stage = gl_stage(argc, argv), luo = open(LUO_DEV, O_RDWR);

	if (!gl_ok(luo >= 0, "open %s: %s", LUO_DEV, luo_why(luo < 0 ? -errno : 0)))
		return 1;
	return stage == 1 ? stage1(luo) : stage2(luo);
}

/*
 * Count the kernel log lines that contain @needle (e.g. "WARNING:" or
 * "BUG:"), or -errno. The log holds everything since boot.
 */
static inline int luo_klog_count(const char *needle)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n, hits = 0;
	char *buf, *p;

	if (size <= 0)
		return size < 0 ? -errno : 0;
	buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return -errno;
	}
	buf[n] = 0;
	for (p = strstr(buf, needle); p; p = strstr(p + 1, needle))
		hits++;
	free(buf);
	return hits;
}

/* ---- luo-kexec (loader/) driven from a test: loader_check, luo_demo ---- */

/* A whole file as a NUL-terminated string (malloc()ed), or NULL. */
static inline char *luo_read_text(const char *path)
{
	void *buf;
	long len = gl_read_file(path, &buf);
	char *t;

	if (len < 0)
		return NULL;
	t = realloc(buf, (size_t)len + 1);
	if (!t) {
		free(buf);
		return NULL;
	}
	t[len] = 0;
	return t;
}

/* Run argv; with err_file, its stderr goes there (and is shown as "# |"). */
static inline int luo_run(char *const argv[], const char *err_file)
{
	char *const envp[] = { "PATH=/bin", NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (err_file) {
			int fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			if (fd < 0 || dup2(fd, 2) < 0)
				_exit(126);
		}
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (err_file) {
		char *buf = luo_read_text(err_file), *line, *save = NULL;

		for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			gl_diag("| %s", line);
		free(buf);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * The next kernel's inputs: the initrd read back into /tmp/initrd, and
 * "--command-line=<this one, luo_stage=2>" in cl.
 */
static inline int luo_next_inputs(char *cl, size_t size)
{
	char line[2048], *tok, *save = NULL;
	size_t used = 0;
	void *buf;
	long len;
	int fd;

	len = gl_read_file("/sys/firmware/initrd", &buf);
	if (!gl_ok(len > 0, "read back the initrd: %ld", len))
		return 1;
	fd = open("/tmp/initrd", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, len) != len)
		return gl_ok(0, "write /tmp/initrd"), 1;
	close(fd);
	free(buf);
	len = gl_read_file("/proc/cmdline", &buf);
	if (len <= 0)
		return 1;
	snprintf(line, sizeof(line), "%.*s", (int)len, (char *)buf);
	free(buf);
	used = snprintf(cl, size, "--command-line=");
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (strncmp(tok, "luo_stage=", 10) && strncmp(tok, "luo_stage.", 10))
			used += snprintf(cl + used, size - used, "%s ", tok);
	snprintf(cl + used, size - used, "luo_stage=2");
	return 0;
}

/*
 * The built luo-kexec's --trace: this kernel's phase trace as a table on
 * the console (bench/blackout.py reads it), its stderr as "# |" lines.
 * 0 when it printed a sane trace with each clock monotonic.
 */
static inline int luo_kexec_trace(void)
{
	char *argv_t[] = { "/bin/luo-kexec", "--trace", NULL };

	fflush(stdout);
	return luo_run(argv_t, "/tmp/luo-kexec-trace.err");
}

static inline int luo_kexec_e(void)
{
	char *argv_e[] = { "/bin/luo-kexec", "-e", NULL };
	int rc;

	gl_diag("luo-kexec -e");
	fflush(stdout);
	rc = luo_run(argv_e, NULL);
	return gl_ok(0, "luo-kexec -e returned %d", rc), 1;
}
/* /sys/kernel/kexec_loaded: 1 when a kernel is loaded, -1 unreadable. */
static inline int luo_kexec_loaded(void)
{
	char *t = luo_read_text("/sys/kernel/kexec_loaded");
	int v = t ? atoi(t) : -1;

	free(t);
	return v;
}

#define LUO_KEXEC_ERR		"/tmp/luo-kexec.err"

/* luo-kexec -l KERNEL (default mode) [extra]; its stderr in *err. */
static inline int luo_kexec_l(const char *kernel, const char *extra, char **err)
{
	char cl[2100], kpath[128];
	char *argv[] = { "/bin/luo-kexec", "-l", kpath, "--initrd=/tmp/initrd", cl,
			 (char *)extra, NULL };
	int rc;

	if (luo_next_inputs(cl, sizeof(cl)))
		return -1;
	snprintf(kpath, sizeof(kpath), "%s", kernel);
	gl_diag("luo-kexec -l %s%s%s", kernel, extra ? " " : "", extra ? extra : "");
	rc = luo_run(argv, LUO_KEXEC_ERR);
	*err = luo_read_text(LUO_KEXEC_ERR);
	if (!*err)
		*err = strdup("");
	return rc;
}

#endif /* LUO_COMMON_H */
