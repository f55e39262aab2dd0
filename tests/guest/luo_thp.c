// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_thp: memfds backed by large folios (shmem THP) across a live update
 * (kernel variant ours-thp).
 *
 * Stage 1 sets /sys/kernel/mm/transparent_hugepage/shmem_enabled to
 * "always" (luo_thp_shmem= overrides it: the negative control leaves it at
 * "never") and preserves, in one session:
 *  - "huge": 16 MiB of random data, in 2 MiB folios (ShmemHugePages grows
 *    by 16 MiB);
 *  - "edge": 5 MiB + 123 bytes, whose last 2 MiB folio straddles the end of
 *    the file (ShmemHugePages grows by 6 MiB).
 * PREPARE splits the folio across the end (ShmemHugePages drops by 2 MiB)
 * unless luo_rfc.fault=memfd-no-split; the kexec hook freezes.
 * Stage 2: both arrive byte-exact (SHA-256) with their sizes, the 2 MiB
 * folios still 2 MiB folios (ShmemHugePages), "edge" grown to 8 MiB reads
 * zeros past its old end; finish; no WARNING or BUG in the log.
 *
 * With a fault (one row each):
 *  - memfd-order0: kernel B copies large folios into pages of order 0
 *    (as a kernel without THP must): byte-exact, ShmemHugePages 0;
 *  - memfd-order (kernel A writes order 31 into the first entry of "huge"):
 *    "huge" is refused with EINVAL and its 16 MiB are freed, not leaked
 *    (free memory, per-CPU lists included, grows by them during the
 *    refused retrieve); "edge" intact;
 *  - memfd-no-split with prejump_fault=skip: kernel B refuses "edge" (a
 *    folio past the end of the file) and frees its 5 MiB; "huge" intact;
 *  - memfd-no-split alone (one stage, luo_load_last=1 so that a kernel is
 *    loaded): the old kernel's pre-jump check (the stage library) refuses
 *    the kexec with EBADMSG, the state is normal again and both memfds are
 *    intact.
 */
#include <linux/reboot.h>
#include <sys/syscall.h>

#include "luo_common.h"

#define SESSION		"luo-thp"
#define HUGE_TOKEN	0x2000
#define EDGE_TOKEN	0xed9e
#define HUGE_SIZE	(16u << 20)
#define EDGE_SIZE	((5u << 20) + 123)
#define EDGE_HUGE_KB	(6 * 1024)	/* three 2 MiB folios */
#define EDGE_GROWN	(8u << 20)
#define HUGE_SEED	0x2a11ULL
#define EDGE_SEED	0xed9eULL
#define SLACK_KB	1024

static char fault[32] = "none";

static int is_fault(const char *name)
{
	return !strcmp(fault, name);
}

static int kexec_now(void)
{
	long ret = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			   LINUX_REBOOT_CMD_KEXEC, NULL);

	return ret < 0 ? -errno : 0;
}

/* A memfd of @len bytes of the stream of @seed, written in one go. */
static int make_memfd(const char *name, size_t len, uint64_t seed)
{
	uint8_t *buf = malloc(len);
	struct luo_gen g;
	int fd = memfd_create(name, 0);

	if (fd >= 0 && buf) {
		luo_gen_init(&g, PAT_RANDOM, seed);
		luo_gen_fill(&g, buf, len);
		if (pwrite(fd, buf, len, 0) != (ssize_t)len) {
			close(fd);
			fd = -1;
		}
	}
	free(buf);
	return fd;
}

static int check_sha(int fd, size_t len, uint64_t seed, const char *what)
{
	char want[LUO_HEX], got[LUO_HEX];
	struct stat st;
	int err;

	luo_random_sha(seed, len, want);
	err = fd < 0 ? fd : fstat(fd, &st) ? -errno : 0;
	if (!err)
		err = luo_fd_sha(fd, len, got);
	return gl_ok(!err && (size_t)st.st_size == len && !strcmp(want, got),
		     "%s: %s is byte-exact, size %zu (%s)", fault, what, len,
		     luo_why(err));
}

static int stage1(int luo)
{
	char mode[16] = "always", now[64];
	long base, kb;
	int sfd, huge, edge, err;

	gl_cmdline_get("luo_thp_shmem", mode, sizeof(mode));
	err = luo_write_str(LUO_SHMEM_ENABLED, mode);
	gl_ok(!err, "shmem_enabled=%s: %s (%s)", mode, luo_why(err),
	      luo_read_line(LUO_SHMEM_ENABLED, now, sizeof(now)));

	base = luo_meminfo("ShmemHugePages");
	huge = make_memfd("huge", HUGE_SIZE, HUGE_SEED);
	kb = luo_meminfo("ShmemHugePages") - base;
	gl_ok(huge >= 0 && kb >= (long)(HUGE_SIZE >> 10),
	      "huge: 16 MiB memfd backed by 2 MiB folios (ShmemHugePages +%ld kB)", kb);
	base += kb;
	edge = make_memfd("edge", EDGE_SIZE, EDGE_SEED);
	kb = luo_meminfo("ShmemHugePages") - base;
	gl_ok(edge >= 0 && kb == EDGE_HUGE_KB,
	      "edge: 5 MiB + 123 memfd, its last 2 MiB folio across the end (ShmemHugePages +%ld kB)",
	      kb);
	base += kb;

	sfd = luo_session(luo, SESSION, 0);
	/* "huge" first: the first memfd frozen, the one memfd-order damages */
	err = sfd < 0 ? sfd : luo_preserve(sfd, huge, HUGE_TOKEN);
	if (!err)
		err = luo_preserve(sfd, edge, EDGE_TOKEN);
	gl_ok(!err, "both preserved in session %s (%s)", SESSION, luo_why(err));
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	kb = base - luo_meminfo("ShmemHugePages");
	/* (pinning may also migrate folios out of KHO scratch, CMA) */
	if (is_fault("memfd-no-split"))
		gl_ok(!err, "PREPARE (%s), the folio across the end left whole (ShmemHugePages -%ld kB)",
		      luo_why(err), kb);
	else
		gl_ok(!err && kb >= 2048, "PREPARE (%s) splits the folio across the end (ShmemHugePages -%ld kB)",
		      luo_why(err), kb);

	if (is_fault("memfd-no-split") && !gl_cmdline_get("luo_rfc.prejump_fault", now, sizeof(now))) {
		err = kexec_now();
		gl_ok(err == -EBADMSG, "the pre-jump check refuses the kexec: %s", luo_why(err));
		gl_ok(luo_klog_count("beyond the file size") > 0,
		      "the log says 'beyond the file size' (the stage library's rule)");
		gl_ok(luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "state normal again (%s)",
		      luo_sysfs("state"));
		check_sha(huge, HUGE_SIZE, HUGE_SEED, "huge");
		check_sha(edge, EDGE_SIZE, EDGE_SEED, "edge");
		return gl_exit_status();
	}
	close(huge);
	close(edge);
	close(luo);
	gl_ok(!luo_hold_sessions(), "session held; the kexec hook freezes");
	return gl_exit_status();
}

/*
 * Retrieve @token expecting EINVAL; free memory (luo_free_kb(): MemFree and
 * the per-CPU lists) must grow by @kb meanwhile.
 */
static void check_refused(int sfd, uint64_t token, long kb, const char *what,
			  const char *reason)
{
	long before = luo_free_kb(), freed;
	int fd = luo_retrieve(sfd, token);

	freed = luo_free_kb() - before;
	gl_ok(fd == -EINVAL, "%s: %s refused with EINVAL (%s)", fault, what,
	      luo_why(fd < 0 ? fd : 0));
	gl_ok(luo_klog_count(reason) > 0, "%s: the log says '%s'", fault, reason);
	gl_ok(freed >= kb - SLACK_KB, "%s: its folios are freed, not leaked (free +%ld kB, want %ld)",
	      fault, freed, kb);
}

static int stage2(int luo)
{
	int sfd, huge = -1, edge = -1, err, warn;
	long kb, base = luo_meminfo("ShmemHugePages");
	uint8_t *tail;

	sfd = luo_session(luo, SESSION, 1);
	if (!gl_ok(sfd >= 0, "session %s arrived", SESSION))
		return 1;
	if (is_fault("memfd-order"))
		check_refused(sfd, HUGE_TOKEN, HUGE_SIZE >> 10, "huge", "order too large");
	else
		huge = luo_retrieve(sfd, HUGE_TOKEN);
	if (is_fault("memfd-no-split"))
		check_refused(sfd, EDGE_TOKEN, EDGE_SIZE >> 10, "edge",
			      "folio past the end of the file");
	else
		edge = luo_retrieve(sfd, EDGE_TOKEN);

	kb = luo_meminfo("ShmemHugePages") - base;
	if (huge >= 0 || edge >= 0) {
		long want = (huge >= 0 ? HUGE_SIZE >> 10 : 0) + (edge >= 0 ? 4096 : 0);

		if (is_fault("memfd-order0"))
			gl_ok(kb == 0, "%s: large folios copied into small pages (ShmemHugePages +%ld kB)",
			      fault, kb);
		else
			gl_ok(kb == want, "%s: the 2 MiB folios arrived as 2 MiB folios (ShmemHugePages +%ld kB, want %ld)",
			      fault, kb, want);
	}
	if (huge >= 0)
		check_sha(huge, HUGE_SIZE, HUGE_SEED, "huge");
	if (edge >= 0 && check_sha(edge, EDGE_SIZE, EDGE_SEED, "edge")) {
		size_t n = EDGE_GROWN - EDGE_SIZE, i;

		tail = malloc(n);
		err = ftruncate(edge, EDGE_GROWN) ? -errno : 0;
		if (!err && pread(edge, tail, n, EDGE_SIZE) != (ssize_t)n)
			err = -EIO;
		for (i = 0; !err && i < n; i++)
			if (tail[i])
				err = -EILSEQ;
		gl_ok(!err, "%s: edge grown to 8 MiB reads zeros past its old end (%s)", fault,
		      luo_why(err));
		free(tail);
	}
	err = luo_finish_session(sfd);
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "%s: finish: %s, state %s",
	      fault, luo_why(err), luo_sysfs("state"));
	warn = luo_klog_count("WARNING:") + luo_klog_count("BUG:");
	gl_ok(!warn, "%s: no WARNING or BUG in the kernel log (%d)", fault, warn);
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	gl_cmdline_get("luo_rfc.fault", fault, sizeof(fault));
	return luo_main(argc, argv, stage1, stage2);
}
