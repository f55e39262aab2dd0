// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_race: the commit point. One thread kexecs while others close session
 * fds and issue CANCEL (and PREPARE/FREEZE) in a loop.
 *
 * Stage 1 preserves NSESS sessions of two memfds each, plus a ledger memfd
 * in a session nobody closes. Two closer threads close the sessions one by
 * one at random moments, writing into the ledger (in place, so the write
 * itself crosses the kexec) "closing" before close() and "closed" after it
 * returns; a third thread loops CANCEL, PREPARE, FREEZE. The main thread
 * calls reboot(RB_KEXEC) in the middle of it. A refused kexec is allowed
 * (then the state must be normal, and the kexec is retried alone); a half
 * handover is not.
 *
 * Stage 2 checks what arrived: the state is "updated", the ledger session is
 * there, every session that arrived has both memfds byte-exact (SHA-256),
 * no session whose close() had returned arrived, every session that did not
 * arrive had a close() started, and the kernel log has no WARNING/BUG.
 * luo_race_seed=N varies the timing between runs.
 */
#include <linux/reboot.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "luo_common.h"

#define NSESS		8
#define NFILES		2
#define FILE_SIZE	(256u << 10)
#define LEDGER		"luo-race-ledger"
#define LEDGER_TOKEN	0x1ed
#define TOKEN		0x100
#define SEED		0x7ace00ULL

enum { SLOT_OPEN, SLOT_CLOSING, SLOT_CLOSED };

static int luo, ledger, sfd[NSESS];
static volatile int stop;
static unsigned int seed = 1;

static uint64_t file_seed(int s, int f)
{
	return SEED + s * NFILES + f;
}

static void want_sha(int s, int f, char *out)
{
	uint8_t *buf = malloc(FILE_SIZE), d[HO_SHA256_SIZE];
	struct luo_gen g;

	luo_gen_init(&g, PAT_RANDOM, file_seed(s, f));
	luo_gen_fill(&g, buf, FILE_SIZE);
	ho_sha256(buf, FILE_SIZE, d);
	luo_hex(d, out);
	free(buf);
}

static void ledger_mark(int s, uint8_t v)
{
	if (pwrite(ledger, &v, 1, s) != 1)
		gl_diag("ledger write %d failed: %s", s, strerror(errno));
}

static int closed_any(void)
{
	uint8_t slot[NSESS];
	int s;

	if (pread(ledger, slot, NSESS, 0) != NSESS)
		return 0;
	for (s = 0; s < NSESS; s++)
		if (slot[s] == SLOT_CLOSED)
			return 1;
	return 0;
}

static void *closer(void *arg)
{
	unsigned int r = seed * 7919 + (uintptr_t)arg;
	int s;

	for (s = (uintptr_t)arg; s < NSESS && !stop; s += 2) {
		usleep(1000 * (rand_r(&r) % 20));
		ledger_mark(s, SLOT_CLOSING);
		close(sfd[s]);
		ledger_mark(s, SLOT_CLOSED);
	}
	return NULL;
}

static void *canceller(void *arg)
{
	unsigned int r = seed * 104729;

	(void)arg;
	while (!stop) {
		switch (rand_r(&r) % 3) {
		case 0:
			luo_phase(luo, LIVEUPDATE_IOCTL_CANCEL);
			break;
		case 1:
			luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
			break;
		default:
			luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
		}
		usleep(rand_r(&r) % 2000);
	}
	return NULL;
}

static int kexec_now(void)
{
	long ret = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			   LINUX_REBOOT_CMD_KEXEC, NULL);

	return ret < 0 ? -errno : 0;
}

static int stage1(int fd_luo)
{
	pthread_t th[3];
	char name[32];
	int s, f, fd, lsfd, err, ok = 1;
	uint8_t zero[4096] = { 0 };

	luo = fd_luo;
	lsfd = luo_session(luo, LEDGER, 0);
	ledger = memfd_create("luo-race-ledger", 0);
	gl_ok(lsfd >= 0 && ledger >= 0 && pwrite(ledger, zero, sizeof(zero), 0) ==
	      (ssize_t)sizeof(zero) && !luo_preserve(lsfd, ledger, LEDGER_TOKEN),
	      "ledger memfd preserved in session %s", LEDGER);
	for (s = 0; s < NSESS; s++) {
		snprintf(name, sizeof(name), "luo-race-%d", s);
		sfd[s] = luo_session(luo, name, 0);
		for (f = 0; f < NFILES; f++) {
			fd = luo_memfd_random("luo-race", FILE_SIZE, FILE_SIZE,
					      file_seed(s, f), 0);
			if (sfd[s] < 0 || fd < 0 || luo_preserve(sfd[s], fd, TOKEN + f))
				ok = 0;
			if (fd >= 0)
				close(fd);
		}
	}
	if (!gl_ok(ok, "%d sessions of %d memfds of %u KiB preserved", NSESS, NFILES,
		   FILE_SIZE >> 10))
		return 1;

	pthread_create(&th[0], NULL, closer, (void *)0);
	pthread_create(&th[1], NULL, closer, (void *)1);
	pthread_create(&th[2], NULL, canceller, NULL);
	/* at least one session closed before, the rest racing the kexec */
	for (s = 0; s < 2000 && !closed_any(); s++)
		usleep(1000);
	usleep(1000 * (seed * 17 % 60));
	printf("# luo_race: kexec while closing and cancelling (seed %u)\n", seed);
	fflush(stdout);
	err = kexec_now();
	/* still here: the kexec was refused */
	stop = 1;
	for (s = 0; s < 3; s++)
		pthread_join(th[s], NULL);
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_NORMAL,
	      "kexec refused (%s): state normal, nothing half done (%s)", luo_why(err),
	      luo_sysfs("state"));
	err = kexec_now();
	gl_ok(0, "kexec without the racing threads: %s", luo_why(err));
	return 1;
}

static int stage2(int fd_luo)
{
	char want[LUO_HEX], got[LUO_HEX], name[32];
	int s, f, fd, lsfd, lfd, err, arrived = 0;
	uint8_t slot[NSESS];

	luo = fd_luo;
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_UPDATED,
	      "state updated: a handover arrived (%s)", luo_sysfs("state"));
	lsfd = luo_session(luo, LEDGER, 1);
	lfd = lsfd < 0 ? lsfd : luo_retrieve(lsfd, LEDGER_TOKEN);
	if (!gl_ok(lfd >= 0 && pread(lfd, slot, NSESS, 0) == NSESS,
		   "ledger session and memfd arrived"))
		return 1;
	for (s = 0; s < NSESS; s++) {
		snprintf(name, sizeof(name), "luo-race-%d", s);
		fd = luo_session(luo, name, 1);
		if (fd < 0) {
			gl_ok(fd == -ENOENT && slot[s] != SLOT_OPEN,
			      "session %d absent (%s): its close() had started (ledger %u)",
			      s, luo_why(fd), slot[s]);
			continue;
		}
		arrived++;
		gl_ok(slot[s] != SLOT_CLOSED,
		      "session %d arrived: its close() had not returned (ledger %u)", s,
		      slot[s]);
		for (f = 0; f < NFILES; f++) {
			int mfd = luo_retrieve(fd, TOKEN + f);

			want_sha(s, f, want);
			err = mfd < 0 ? mfd : luo_fd_sha(mfd, FILE_SIZE, got);
			gl_ok(!err && !strcmp(want, got),
			      "session %d memfd %d byte-exact (%s, sha256 %.16s)", s, f,
			      luo_why(err), err ? "-" : got);
			if (mfd >= 0)
				close(mfd);
		}
		err = luo_finish_session(fd);
		gl_ok(!err, "session %d finished: %s", s, luo_why(err));
		close(fd);
	}
	gl_diag("%d of %d sessions arrived", arrived, NSESS);
	err = luo_finish_session(lsfd);
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_NORMAL,
	      "ledger finished, state normal (%s, %s)", luo_why(err), luo_sysfs("state"));
	err = luo_klog_count("WARNING:") + luo_klog_count("BUG:");
	gl_ok(!err, "no WARNING or BUG in the kernel log (%d)", err);
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	char val[16];

	if (gl_cmdline_get("luo_race_seed", val, sizeof(val)))
		seed = atoi(val);
	return luo_main(argc, argv, stage1, stage2);
}
