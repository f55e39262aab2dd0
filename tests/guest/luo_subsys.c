// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_subsys: subsystem callbacks, unwinding and a subsystem's data across
 * the kexec, through the kernel's "selftest" subsystem
 * (CONFIG_LIVEUPDATE_RFC_FAULT_INJECT, kernel/liveupdate/luo_rfc_test.c).
 *
 * Stage 1: with a memfd preserved, the selftest subsystem (registered after
 * "files") is told to fail prepare: PREPARE returns EAGAIN, the state stays
 * normal and the memfd is thawed again (the files subsystem, prepared
 * before, was cancelled). The same for freeze. Then the kexec hook prepares
 * and freezes with no failure. Stage 2: the selftest subsystem found its
 * page ("ok"), the memfd is there, and finishing the last session finishes
 * the update. With luo_stages=3, stage 2 instead preserves the retrieved
 * memfd again in a new session of the same name and kexecs without any
 * finish: the kexec hook finishes the pending update, then prepares the
 * next one; stage 3 checks the same things again.
 */
#include "luo_common.h"

#define PARAM	"/sys/module/luo_rfc/parameters/"
#define SESSION	"luo-subsys"
#define TOKEN	0x5b5

static int set_param(const char *name, const char *val)
{
	int fd = open(name, O_WRONLY), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

static const char *get_param(const char *name)
{
	static char val[32];

	return luo_read_line(name, val, sizeof(val));
}

static void fail_in(int luo, int fd, const char *phase)
{
	int err;

	err = set_param(PARAM "fail", phase);
	gl_ok(!err, "ask the selftest subsystem to fail %s: %s", phase, luo_why(err));
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	if (!strcmp(phase, "freeze")) {
		gl_ok(!err, "PREPARE: %s", luo_why(err));
		err = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
		gl_ok(err == -EAGAIN, "FREEZE returns the subsystem's EAGAIN (%s)",
		      luo_why(err));
	} else {
		gl_ok(err == -EAGAIN, "PREPARE returns the subsystem's EAGAIN (%s)",
		      luo_why(err));
	}
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "state normal after the failed %s",
	      phase);
	gl_ok(ftruncate(fd, 8192) == 0 && ftruncate(fd, 4096) == 0,
	      "files were cancelled too: the memfd can change size");
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv), stages = 2, luo, sfd, fd, err, s2;
	char buf[8] = "", val[16];

	if (gl_cmdline_get("luo_stages", val, sizeof(val)))
		stages = atoi(val);
	luo = open(LUO_DEV, O_RDWR);
	if (!gl_ok(luo >= 0, "open %s", LUO_DEV))
		return 1;
	if (stage == 1) {
		gl_ok(!strcmp(get_param(PARAM "selftest"), "none"),
		      "cold boot: no selftest data came in (%s)", get_param(PARAM "selftest"));
		sfd = luo_session(luo, SESSION, 0);
		fd = memfd_create("luo-subsys", 0);
		if (!gl_ok(sfd >= 0 && fd >= 0 && ftruncate(fd, 4096) == 0 &&
			   pwrite(fd, "subsys", 6, 0) == 6 && !luo_preserve(sfd, fd, TOKEN),
			   "memfd preserved"))
			return 1;
		fail_in(luo, fd, "prepare");
		fail_in(luo, fd, "freeze");
		err = set_param(PARAM "fail", "none");
		gl_ok(!err, "selftest failures off: %s", luo_why(err));
		close(fd);
		close(luo);
		gl_ok(!luo_hold_sessions(), "session held until the kexec");
		return gl_exit_status();
	}
	gl_ok(!strcmp(get_param(PARAM "selftest"), "ok"),
	      "the selftest subsystem got its page back (%s)", get_param(PARAM "selftest"));
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_UPDATED, "state updated");
	sfd = luo_session(luo, SESSION, 1);
	fd = sfd < 0 ? sfd : luo_retrieve(sfd, TOKEN);
	gl_ok(fd >= 0 && pread(fd, buf, 6, 0) == 6 && !memcmp(buf, "subsys", 6),
	      "memfd retrieved with its contents");
	if (stage < stages) {
		/*
		 * Carry the retrieved memfd on without finishing: a new
		 * outgoing session of the same name, then kexec. The hook
		 * finishes this update first, then prepares the next.
		 */
		s2 = luo_session(luo, SESSION, 0);
		err = s2 < 0 ? s2 : luo_preserve(s2, fd, TOKEN);
		gl_ok(!err, "stage %d: re-preserve the retrieved memfd in a new session "
		      "\"%s\" without finishing: %s", stage, SESSION, luo_why(err));
		close(fd);
		close(luo);
		gl_ok(!luo_hold_sessions(), "sessions held until the kexec");
		return gl_exit_status();
	}
	err = sfd < 0 ? sfd : luo_finish_session(sfd);
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_NORMAL,
	      "finish the last session: update finished (%s)", luo_why(err));
	return gl_exit_status();
}
