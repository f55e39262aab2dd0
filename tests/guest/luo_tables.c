// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_tables: the next kernel refuses a crafted incoming memfd description
 * and keeps running.
 *
 * Run with luo_rfc.fault=<fault> (CONFIG_LIVEUPDATE_RFC_FAULT_INJECT): kernel
 * A damages, at freeze, the folio table or FDT of the first memfd frozen
 * ("victim", a sparse 64 MiB memfd with 4 pages) or, for dup-data, makes the
 * second file of the blob claim the first one's data. Stage 1 preserves the
 * victim and a good 1 MiB memfd in one session and lets the kexec hook
 * freeze. Stage 2, one row per fault: the victim is refused with EINVAL
 * (twice: the verdict stays) and the kernel log names the rule it broke,
 * the good memfd arrives byte-exact, finish works; for dup-data the whole
 * blob is refused (LUO disabled, EBADMSG). In every case no WARNING or BUG
 * is in the log. Without a fault the victim arrives, which the negative
 * control case expects to fail.
 */
#include "luo_common.h"

#define SESSION		"luo-tables"
#define VICTIM		0x71c
#define GOOD		0x600d
#define VICTIM_SIZE	(64u << 20)
#define GOOD_SIZE	(1u << 20)
#define SEED		0x7ab1e5ULL

static const uint64_t victim_off[] = { 0, 1u << 20, 17u << 20, VICTIM_SIZE - 4096 };

static const struct {
	const char *fault;
	const char *reason;	/* in kernel B's log */
	int disables;		/* the whole blob is refused */
} rows[] = {
	{ "memfd-index-overflow",	"index overflows",		0 },
	{ "memfd-index-unaligned",	"index not aligned",		0 },
	{ "memfd-order",		"order too large",		0 },
	{ "memfd-flags",		"unknown flags",		0 },
	{ "memfd-count",		"entries need",			0 },
	{ "memfd-size",			"not a valid memfd-rfc-v2",		0 },
	{ "dup-data",			"used by another file",		1 },
	{ "none",			"(none)",			0 },
};

static int stage1(int luo)
{
	uint8_t *buf = malloc(GOOD_SIZE);
	struct luo_gen g;
	unsigned int i;
	int sfd, v, gd, ok;

	sfd = luo_session(luo, SESSION, 0);
	v = memfd_create("victim", 0);
	gd = memfd_create("good", 0);
	ok = sfd >= 0 && v >= 0 && gd >= 0 && buf && !ftruncate(v, VICTIM_SIZE);
	for (i = 0; ok && i < 4; i++)
		ok = pwrite(v, "victim", 6, victim_off[i]) == 6;
	luo_gen_init(&g, PAT_RANDOM, SEED);
	luo_gen_fill(&g, buf, GOOD_SIZE);
	ok = ok && pwrite(gd, buf, GOOD_SIZE, 0) == GOOD_SIZE;
	/* the victim first: it is the first memfd frozen, file node 0 */
	ok = ok && !luo_preserve(sfd, v, VICTIM) && !luo_preserve(sfd, gd, GOOD);
	gl_ok(ok, "victim (64 MiB, 4 pages) and good (1 MiB) memfds preserved");
	free(buf);
	close(v);
	close(gd);
	close(luo);
	gl_ok(!luo_hold_sessions(), "session held; the kexec hook freezes (and damages)");
	return gl_exit_status();
}

static int stage2(int luo, int open_err, int row)
{
	char want[LUO_HEX], got[LUO_HEX];
	int sfd, fd, err, warn;

	warn = luo_klog_count("WARNING:") + luo_klog_count("BUG:");
	if (rows[row].disables) {
		gl_ok(luo < 0 && open_err == EBADMSG && !strcmp(luo_sysfs("state"), "disabled"),
		      "%s: LUO disabled, open fails with EBADMSG (state %s)", rows[row].fault,
		      luo_sysfs("state"));
		gl_ok(luo_klog_count(rows[row].reason) > 0, "%s: the log says '%s'",
		      rows[row].fault, rows[row].reason);
		gl_ok(!warn, "%s: no WARNING or BUG in the kernel log (%d)", rows[row].fault,
		      warn);
		return gl_exit_status();
	}
	if (!gl_ok(luo >= 0, "open %s: %s", LUO_DEV, strerror(open_err)))
		return 1;
	sfd = luo_session(luo, SESSION, 1);
	if (!gl_ok(sfd >= 0, "session %s arrived", SESSION))
		return 1;
	fd = luo_retrieve(sfd, VICTIM);
	gl_ok(fd == -EINVAL, "%s: victim refused with EINVAL (%s)", rows[row].fault,
	      luo_why(fd < 0 ? fd : 0));
	err = luo_retrieve(sfd, VICTIM);
	gl_ok(err == -EINVAL, "%s: victim refused again (%s)", rows[row].fault,
	      luo_why(err < 0 ? err : 0));
	gl_ok(luo_klog_count(rows[row].reason) > 0, "%s: the log says '%s'",
	      rows[row].fault, rows[row].reason);
	fd = luo_retrieve(sfd, GOOD);
	luo_random_sha(SEED, GOOD_SIZE, want);
	err = fd < 0 ? fd : luo_fd_sha(fd, GOOD_SIZE, got);
	gl_ok(!err && !strcmp(want, got), "%s: the good memfd is byte-exact (%s)",
	      rows[row].fault, luo_why(err));
	err = luo_finish_session(sfd);
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_NORMAL,
	      "%s: finish: %s, state %s", rows[row].fault, luo_why(err), luo_sysfs("state"));
	gl_ok(!warn, "%s: no WARNING or BUG in the kernel log (%d)", rows[row].fault, warn);
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv), luo, open_err, row;
	char fault[32] = "none";

	gl_cmdline_get("luo_rfc.fault", fault, sizeof(fault));
	for (row = 0; strcmp(rows[row].fault, fault) && strcmp(rows[row].fault, "none");
	     row++)
		;
	luo = open(LUO_DEV, O_RDWR);
	open_err = luo < 0 ? errno : 0;
	if (stage == 1) {
		if (!gl_ok(luo >= 0, "open %s", LUO_DEV))
			return 1;
		return stage1(luo);
	}
	return stage2(luo, open_err, row);
}
