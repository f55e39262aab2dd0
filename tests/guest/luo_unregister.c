// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_unregister: a file handler cannot go away while a file needs it,
 * outgoing or incoming (test hook /sys/module/luo_rfc/parameters/unregister,
 * which calls liveupdate_unregister_file_ops() as the handler's owner
 * would).
 *
 * Stage 1: a 1 MiB memfd preserved; unregistering "memfd-rfc-v2" fails with
 * EBUSY (an outgoing file of its type); the kexec hook freezes.
 * Stage 2: unregistering fails with EBUSY again: the incoming file, not
 * retrieved yet, needs the handler (a scan of outgoing sessions alone lets
 * it go, and the retrieve then runs a freed handler); the memfd arrives
 * byte-exact; after finish debugfs kho/in still shows the incoming blob,
 * the handler can be unregistered, a new memfd then has no handler
 * (PRESERVE_FD: ENOENT) and a second unregister finds none (ENOENT).
 * No WARNING or BUG in the log.
 */
#include <libfdt.h>

#include "luo_common.h"

#define SESSION		"luo-unregister"
#define TOKEN		0x0e6
#define SIZE		(1u << 20)
#define SEED		0x0e6ULL
#define UNREGISTER	"/sys/module/luo_rfc/parameters/unregister"
#define IN_BLOB		"/sys/kernel/debug/kho/in/sub_fdts/luo-rfc"

/* Write "memfd-rfc-v2" to the hook: 0 or -errno. */
static int unregister_memfd(void)
{
	return luo_write_str(UNREGISTER, "memfd-rfc-v2");
}

static int stage1(int luo)
{
	int sfd, fd, err;

	sfd = luo_session(luo, SESSION, 0);
	fd = luo_memfd_random("victim", SIZE, SIZE, SEED, 0);
	err = sfd < 0 ? sfd : fd < 0 ? -EIO : luo_preserve(sfd, fd, TOKEN);
	gl_ok(!err, "1 MiB memfd preserved (%s)", luo_why(err));
	err = unregister_memfd();
	gl_ok(err == -EBUSY, "unregister memfd-rfc-v2 with an outgoing memfd: EBUSY (%s)",
	      luo_why(err));
	close(fd);
	close(luo);
	gl_ok(!luo_hold_sessions(), "session held; the kexec hook freezes");
	return gl_exit_status();
}

static int stage2(int luo)
{
	char want[LUO_HEX], got[LUO_HEX];
	int sfd, fd, err, warn;
	void *blob;
	long len;

	err = unregister_memfd();
	gl_ok(err == -EBUSY, "unregister memfd-rfc-v2 with an incoming memfd not retrieved: EBUSY (%s)",
	      luo_why(err));
	sfd = luo_session(luo, SESSION, 1);
	fd = sfd < 0 ? sfd : luo_retrieve(sfd, TOKEN);
	err = fd < 0 ? fd : luo_fd_sha(fd, SIZE, got);
	luo_random_sha(SEED, SIZE, want);
	gl_ok(!err && !strcmp(want, got), "the memfd arrives byte-exact (%s)", luo_why(err));
	err = unregister_memfd();
	gl_ok(err == -EBUSY, "unregister with the incoming session not finished: EBUSY (%s)",
	      luo_why(err));
	err = sfd < 0 ? sfd : luo_finish_session(sfd);
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "finish: %s, state %s",
	      luo_why(err), luo_sysfs("state"));
	if (fd >= 0)
		close(fd);

	len = gl_read_file(IN_BLOB, &blob);
	gl_ok(len > 0 && !fdt_check_header(blob) && fdt_totalsize(blob) <= (size_t)len,
	      "after finish debugfs kho/in still shows the incoming blob (%ld bytes)", len);
	if (len > 0)
		free(blob);

	err = unregister_memfd();
	gl_ok(!err, "after finish memfd-rfc-v2 unregisters (%s)", luo_why(err));
	sfd = luo_session(luo, "luo-unregister-new", 0);
	fd = memfd_create("new", 0);
	err = sfd < 0 ? sfd : fd < 0 ? -EIO : luo_preserve(sfd, fd, TOKEN);
	gl_ok(err == -ENOENT, "a new memfd has no handler any more: PRESERVE_FD ENOENT (%s)",
	      luo_why(err));
	err = unregister_memfd();
	gl_ok(err == -ENOENT, "a second unregister finds none: ENOENT (%s)", luo_why(err));
	warn = luo_klog_count("WARNING:") + luo_klog_count("BUG:");
	gl_ok(!warn, "no WARNING or BUG in the kernel log (%d)", warn);
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	return luo_main(argc, argv, stage1, stage2);
}
