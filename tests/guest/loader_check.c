// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader_check: what the next kernel got from a loader and its stage.
 *
 * Stage 1 preserves a 4 MiB memfd in a /dev/liveupdate session (held open
 * until the kexec) and, with luo_loader_peer=, loads the next kernel itself
 * with Debian's kexec-tools (run through its own dynamic loader from /bin):
 *   luo_loader_peer=kexec-l     kexec -l   (kexec_load, no handover)
 *   luo_loader_peer=kexec-s     kexec -s -l (kexec_file_load, KHO by the kernel)
 *   luo_loader_peer=luo-kexec   luo-kexec -l --handover, and after preserving
 *                               luo-kexec -e (the session still open)
 * The next kernel is loaded before /dev/liveupdate is opened: the device has
 * one opener at a time, and the loader's KHO query needs it.
 * (otherwise init loads it, e.g. luo_loader=exec: luo-kexec).
 *
 * Stage 2 checks luo_loader_expect=:
 *   ok          session restored byte-exact, luo_stage.cycles= on the command line
 *   restored    session restored byte-exact, no luo_stage.* (a loader without our stage)
 *   none        nothing restored, no handover received, no luo_stage.*
 *   HO_ERR_...  the stage rejected the handover: luo_stage.err=<that>, the
 *               kernel received no handover and userspace sees no session
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/liveupdate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ho/sha256.h>

#include "guestlib.h"

#define SESSION	"loader"
#define TOKEN	0x10ad
#define BYTES	(4u << 20)

static void pattern(uint8_t *p, size_t len)
{
	uint64_t x = 0x10adc0de, i;

	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int run(char *const argv[])
{
	char *const envp[] = { "PATH=/bin", NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* kexec-tools loads the next kernel: same kernel, initrd, command line. */
static int peer_load(const char *peer, bool exec_now)
{
	char line[2048], cl[2100], *p, *tok, *save = NULL;
	size_t used = 0;
	void *buf;
	long len;
	int fd, rc;

	if (exec_now) {
		char *argv_e[] = { "/bin/luo-kexec", "-e", NULL };

		gl_diag("luo-kexec -e");
		fflush(stdout);
		rc = run(argv_e);
		return gl_ok(0, "luo-kexec -e returned %d", rc), 1;
	}
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
	used = snprintf(cl, sizeof(cl), "--command-line=");
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (strncmp(tok, "luo_stage=", 10) && strncmp(tok, "luo_stage.", 10))
			used += snprintf(cl + used, sizeof(cl) - used, "%s ", tok);
	snprintf(cl + used, sizeof(cl) - used, "luo_stage=2");
	if (!strcmp(peer, "luo-kexec")) {
		char *argv_l[] = { "/bin/luo-kexec", "-l", "/boot/bzImage", "--handover",
				   "--initrd=/tmp/initrd", cl, NULL };
		rc = run(argv_l);
		return gl_ok(rc == 0, "luo-kexec -l --handover exited %d", rc) ? 0 : 1;
	} else {
		char *argv_l[] = { "/bin/ld-linux-x86-64.so.2", "--library-path", "/bin",
				   "/bin/kexec", "-l", "/boot/bzImage",
				   "--initrd=/tmp/initrd", cl, NULL };
		char *argv_s[] = { "/bin/ld-linux-x86-64.so.2", "--library-path", "/bin",
				   "/bin/kexec", "-s", "-l", "/boot/bzImage",
				   "--initrd=/tmp/initrd", cl, NULL };

		p = strcmp(peer, "kexec-s") ? "kexec -l" : "kexec -s -l";
		rc = run(strcmp(peer, "kexec-s") ? argv_l : argv_s);
	}
	return gl_ok(rc == 0, "Debian kexec-tools: %s exited %d", p, rc) ? 0 : 1;
}

static int stage1(void)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	char peer[16] = "";
	int luo, mfd, err;
	uint8_t *map;
	void *buf;
	long len;
	pid_t pid;

	len = gl_read_file("/proc/cpuinfo", &buf);
	if (len > 0) {
		gl_diag("cpu: /proc/cpuinfo %s sha_ni", memmem(buf, len, " sha_ni", 7) ?
			"has" : "lacks");
		free(buf);
	}
	if (gl_cmdline_get("luo_loader_peer", peer, sizeof(peer)) && peer_load(peer, false))
		return 1;
	luo = open("/dev/liveupdate", O_RDWR);
	if (!gl_ok(luo >= 0, "open /dev/liveupdate"))
		return 1;
	mfd = memfd_create("loader-data", 0);
	if (!gl_ok(mfd >= 0 && !ftruncate(mfd, BYTES), "memfd of %u MiB", BYTES >> 20))
		return 1;
	map = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (!gl_ok(map != MAP_FAILED, "map the memfd"))
		return 1;
	pattern(map, BYTES);
	munmap(map, BYTES);
	snprintf((char *)cs.name, sizeof(cs.name), SESSION);
	err = xioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs);
	if (!gl_ok(!err, "create session: %s", strerror(-err)))
		return 1;
	pf.fd = mfd;
	pf.token = TOKEN;
	err = xioctl(cs.fd, LIVEUPDATE_SESSION_PRESERVE_FD, &pf);
	if (!gl_ok(!err, "preserve the memfd: %s", strerror(-err)))
		return 1;
	if (!strcmp(peer, "luo-kexec"))
		return peer_load(peer, true);	/* returns only on failure */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	return gl_ok(pid > 0, "session held open until the kexec") ? 0 : 1;
}

/* 0: restored byte-exact; -errno of the first step that failed. */
static int restore(void)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rf = { .size = sizeof(rf) };
	uint8_t want[HO_SHA256_SIZE], got[HO_SHA256_SIZE], *buf, *map;
	struct stat st;
	int luo = open("/dev/liveupdate", O_RDWR), err;

	if (luo < 0)
		return -errno;
	snprintf((char *)rs.name, sizeof(rs.name), SESSION);
	err = xioctl(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &rs);
	if (err)
		return err;
	rf.token = TOKEN;
	err = xioctl(rs.fd, LIVEUPDATE_SESSION_RETRIEVE_FD, &rf);
	if (err)
		return err;
	if (fstat(rf.fd, &st) || st.st_size != BYTES)
		return -EFBIG;
	buf = malloc(BYTES);
	pattern(buf, BYTES);
	ho_sha256(buf, BYTES, want);
	free(buf);
	map = mmap(NULL, BYTES, PROT_READ, MAP_SHARED, rf.fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	ho_sha256(map, BYTES, got);
	munmap(map, BYTES);
	return memcmp(want, got, sizeof(want)) ? -EILSEQ : 0;
}

static int stage2(void)
{
	char expect[64] = "ok", err_word[64], cyc[32];
	bool has_err = gl_cmdline_get("luo_stage.err", err_word, sizeof(err_word));
	bool has_cyc = gl_cmdline_get("luo_stage.cycles", cyc, sizeof(cyc));
	bool kho_in = access("/sys/kernel/debug/kho/in", F_OK) == 0;
	int r;

	gl_cmdline_get("luo_loader_expect", expect, sizeof(expect));
	gl_diag("expect %s: luo_stage.err=%s luo_stage.cycles=%s, KHO handover %s", expect,
		has_err ? err_word : "(none)", has_cyc ? cyc : "(none)",
		kho_in ? "received" : "not received");
	r = restore();
	gl_diag("memfd check done (cycles %llu)", gl_cycles());
	if (!strcmp(expect, "ok") || !strcmp(expect, "restored")) {
		gl_ok(!has_err, "no luo_stage.err on the command line");
		if (!strcmp(expect, "ok"))
			gl_ok(has_cyc && strtoull(cyc, NULL, 10) > 0,
			      "the stage passed its time: luo_stage.cycles=%s", has_cyc ? cyc : "");
		else
			gl_ok(!has_cyc, "no luo_stage.cycles (no stage of ours)");
		gl_ok(kho_in, "the kernel received the KHO handover");
		gl_ok(r == 0, "memfd restored byte-exact: %s", r ? strerror(-r) : "ok");
	} else {
		if (!strcmp(expect, "none"))
			gl_ok(!has_err && !has_cyc, "no luo_stage.* on the command line");
		else
			gl_ok(has_err && !strcmp(err_word, expect),
			      "luo_stage.err=%s (wanted %s)", has_err ? err_word : "(none)", expect);
		gl_ok(!kho_in, "the kernel booted clean, without handover");
		gl_ok(r != 0, "userspace sees no restored session (%s)",
		      r ? strerror(-r) : "restored!");
	}
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	return gl_stage(argc, argv) == 1 ? stage1() : stage2();
}
