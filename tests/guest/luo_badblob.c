// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_badblob: the next kernel rejects a damaged handover blob cleanly.
 *
 * Run with luo_rfc.fault=compatible|truncate on the command line (needs
 * CONFIG_LIVEUPDATE_RFC_FAULT_INJECT): stage 1 preserves a memfd and lets
 * the kexec hook freeze, which damages the blob on its way into KHO.
 * Stage 2 must be running at all (no panic), report LUO as disabled in
 * /sys/kernel/liveupdate/state, and fail open(/dev/liveupdate) with EBADMSG.
 * The kernel log has the reason (pr_err "luo: incoming blob: ...").
 * With liveupdate=off instead: there is no /dev/liveupdate and the state is
 * "disabled".
 */
#include "luo_common.h"

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv), luo, sfd, fd, err;
	char fault[32] = "";

	if (gl_cmdline_get("liveupdate", fault, sizeof(fault)) &&
	    !strcmp(fault, "off")) {
		/* liveupdate=off: no device at all, state disabled */
		luo = open(LUO_DEV, O_RDWR);
		gl_ok(luo < 0 && errno == ENOENT, "liveupdate=off: no %s (%s)",
		      LUO_DEV, luo < 0 ? strerror(errno) : "it opened");
		gl_ok(!strcmp(luo_sysfs("state"), "disabled"),
		      "liveupdate=off: state disabled (%s)", luo_sysfs("state"));
		return gl_exit_status();
	}
	gl_cmdline_get("luo_rfc.fault", fault, sizeof(fault));
	gl_diag("luo_badblob: stage %d, fault '%s'", stage, fault);
	luo = open(LUO_DEV, O_RDWR);
	err = luo < 0 ? -errno : 0;
	if (stage == 1) {
		if (!gl_ok(!err, "stage 1: open %s: %s", LUO_DEV, luo_why(err)))
			return 1;
		sfd = luo_session(luo, "luo-badblob", 0);
		fd = memfd_create("luo-badblob", 0);
		gl_ok(sfd >= 0 && fd >= 0 && write(fd, "data", 4) == 4 &&
		      !luo_preserve(sfd, fd, 1), "stage 1: memfd preserved");
		close(fd);
		close(luo);
		gl_ok(!luo_hold_sessions(), "stage 1: session held until the kexec");
		return gl_exit_status();
	}
	gl_ok(1, "stage 2: the kernel booted after a damaged handover");
	gl_ok(!strcmp(luo_sysfs("state"), "disabled"),
	      "stage 2: /sys/kernel/liveupdate/state is disabled (%s)",
	      luo_sysfs("state"));
	gl_ok(err == -EBADMSG, "stage 2: open %s fails with EBADMSG (%s)", LUO_DEV,
	      luo_why(err));
	if (luo >= 0)
		close(luo);
	return gl_exit_status();
}
