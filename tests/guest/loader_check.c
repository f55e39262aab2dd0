// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader_check: what the next kernel got from a loader and its stage.
 *
 * Stage 1 preserves a 4 MiB memfd in a /dev/liveupdate session (held open
 * until the kexec) and, with luo_loader_peer=, loads the next kernel itself
 * with Debian's kexec-tools (/sbin/kexec when the image has it: arm64,
 * Debian's arm64 package with its libraries in /lib; else the host's
 * /bin/kexec through its own dynamic loader from /bin: x86_64):
 *   luo_loader_peer=kexec-l     kexec -l   (kexec_load, no handover)
 *   luo_loader_peer=kexec-s     kexec -s -l (kexec_file_load, KHO by the kernel)
 *   luo_loader_peer=luo-kexec   luo-kexec -l --handover, and after preserving
 *                               luo-kexec -e (the session still open)
 * The next kernel is loaded before /dev/liveupdate is opened: the device has
 * one opener at a time, and the loader's KHO query needs it.
 * (otherwise init loads it, e.g. luo_loader=exec: luo-kexec).
 *
 * Nothing lost (issue 10), luo_loader_case= (luo_loader=none), luo-kexec in
 * its default mode (neither --handover nor --no-handover), its stderr checked:
 *   held        the memfd preserved and /dev/liveupdate held open by this
 *               process (another opener gets EBUSY) while luo-kexec -l and
 *               -e run: the handover comes from /sys/kernel/liveupdate/handover
 *   unreadable  that file made unreadable (/dev/null bound over it): -l
 *               refuses, says what would be lost and why, nothing is loaded
 *               (kexec_loaded 0), the memfd is intact; then the file comes
 *               back and the update goes through as "held"
 *   nothing     no session (kho=off): -l loads and says in one line that no
 *               handover is carried
 *   peer-only   with luo_loader_peer: the peer's load and nothing preserved,
 *               then the kexec (bench/blackout.py's plain kexec -l baseline;
 *               with KHO on it goes ahead: nothing to hand over, the image
 *               carries no handover)
 *   target      -l /boot/bzImage-<luo_loader_target> (a kernel that cannot
 *               read the handover, or has no format record; on Linux's own
 *               LUO, ours: no luo-v5): refused with
 *               the lines of the table below, nothing loaded, memfd intact;
 *               with luo_loader_force, -l --force says so and -e boots it
 *               (luo_loader_target=self, this kernel: a negative control)
 * luo_loader_expect=refused (one stage): the kexec itself is refused by the
 * old kernel's pre-jump check (a loader that put the segments outside KHO
 * scratch, e.g. kexec -l): reboot(RB_KEXEC) fails with ERANGE (or the errno
 * luo_loader_errno= names: ENODATA for luo_loader_peer=luo-kexec-nohandover,
 * luo-kexec -l --no-handover, which keeps the segments in scratch but
 * carries no handover), the live update is cancelled (state normal) and
 * the memfd is intact.
 * Stage 2 then also knows luo_loader_expect=lost: nothing restored, and
 * with luo_loader_klog=<text> the kernel log says why (spaces as '_').
 *
 * A stale handover (three stages, luo_loader_then=kexec-l): stage 2, after
 * its checks, loads kernel 3 with Debian's plain kexec -l, which builds the
 * DTB from /sys/firmware/fdt: its /chosen still has the linux,kho-fdt and
 * linux,kho-scratch kernel 2 was booted with (pointing at kernel 1's
 * handover). Their raw bytes go on kernel 3's command line
 * (luo_loader_kho2=<hex>). Stage 3 says what kernel 3 did with them (its
 * /chosen, the kernel log's KHO lines, debugfs kho/in, the session) and
 * checks luo_loader_stale=:
 *   passed      kexec-tools passed the old properties on (kernel 3's
 *               /chosen equals kernel 2's), kernel 3 took the stale
 *               handover ("KHO: found kexec handover data"), but no
 *               session is restored from it
 *   restored    as passed, and kernel 1's session is restored again
 *   dropped     kernel 3 has no linux,kho-* in /chosen and no handover
 * With luo_loader_then=kexec-l-refused (two stages, kernel 2 ours) kernel 2
 * itself refuses that kexec: reboot(RB_KEXEC) fails with ESTALE, its log
 * says "a stale handover", and there is no stage 3.
 *
 * Stage 2 checks luo_loader_expect=:
 *   ok          session restored byte-exact, luo_stage.cycles= on the command line
 *               (and with luo_loader_sha=<ni|ce|c|none>, luo_stage.sha= says that
 *               SHA-256 implementation checked the segments, none: no segment
 *               was hashed; with luo_loader_checksum=<policy>, luo_stage.checksum=
 *               names that luo-kexec --checksum= policy)
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
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ho/sha256.h>
#include <libfdt.h>

#include "guestlib.h"
#include "luo_common.h"

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

/* What luo-kexec must say when it refuses a target kernel. */
static const struct target_row {
	const char *variant, *words[3];
} target_rows[] = {
	{ "ours-luov2", { "refused: /boot/bzImage-ours-luov2 cannot read 1 format",
			  "MISMATCH", "luo-rfc-v2" } },
	{ "ours-nomemfd", { "refused: /boot/bzImage-ours-nomemfd cannot read 1 format",
			    "MISSING", "nothing loaded, the sessions stay" } },
	/* no record: its image searched for luo-rfc-v1 ... (not there) */
	{ "upstream", { "no LUO-FORMATS-V1 record: its decoded image searched",
			"LD_ERR_TARGET_FORMAT: refused: /boot/bzImage-upstream cannot read",
			"--force loads it anyway" } },
	/* On Linux's own LUO (upstream-targets): luo-v5 and memfd-v2 vs ours. */
	{ "ours", { "LD_ERR_TARGET_FORMAT: refused: /boot/bzImage-ours cannot read 2 "
		    "formats of the handover (luo luo-v5, file memfd-v2)",
		    "MISMATCH", "nothing loaded, the sessions stay" } },
	/* Negative control: this kernel itself (/boot/bzImage) reads it all. */
	{ "self", { "cannot read 1 format", "MISMATCH", "nothing loaded" } },
};

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int run(char *const argv[])
{
	return luo_run(argv, NULL);
}

#define PEER_DTB	"/tmp/fdt"

/*
 * kexec-tools' arm64 kexec -l refuses a DTB whose /chosen kaslr-seed is
 * not 0 ("kaslr-seed is not wiped to 0": a KASLR kernel zeroes the seed it
 * used; ours has no RANDOMIZE_BASE and QEMU virt puts a seed there). Then
 * it gets PEER_DTB: /sys/firmware/fdt byte for byte except that seed
 * zeroed, as a KASLR kernel would leave it (kexec-tools refills it); 1:
 * PEER_DTB written, 0: not needed, -1: failed. drop_kho (a negative
 * control of the stale-handover row): PEER_DTB also without /chosen
 * linux,kho-fdt and linux,kho-scratch.
 */
static int peer_dtb(bool drop_kho)
{
	void *dtb;
	long len = gl_read_file("/sys/firmware/fdt", &dtb);
	const fdt64_t *seed;
	int chosen, plen, fd, ret = 0;

	if (len <= 0 || fdt_check_header(dtb))
		return -1;
	chosen = fdt_path_offset(dtb, "/chosen");
	seed = chosen < 0 ? NULL : fdt_getprop(dtb, chosen, "kaslr-seed", &plen);
	if (drop_kho && chosen >= 0) {
		gl_diag("kexec -l gets " PEER_DTB " without /chosen linux,kho-*");
		fdt_nop_property(dtb, chosen, "linux,kho-fdt");
		fdt_nop_property(dtb, chosen, "linux,kho-scratch");
		ret = 1;
	}
	if (seed && plen == 8 && fdt64_to_cpu(*seed)) {
		gl_diag("/chosen kaslr-seed is not 0 (no KASLR here): kexec -l gets "
			PEER_DTB ", /sys/firmware/fdt with the seed zeroed");
		ret = fdt_setprop_inplace_u64(dtb, chosen, "kaslr-seed", 0) ? -1 : 1;
	}
	if (ret > 0) {
		fd = ret < 0 ? -1 : open(PEER_DTB, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, dtb, len) != len)
			ret = -1;
		if (fd >= 0)
			close(fd);
	}
	free(dtb);
	return ret;
}

/*
 * Debian's kexec-tools loads /boot/bzImage with /tmp/initrd and cl
 * (--command-line=...): kexec -l, or kexec -s -l for peer "kexec-s".
 */
static int kexec_tools(const char *peer, char *cl)
{
	/* arm64: Debian's own layout; x86_64: the host's binary and libraries in /bin. */
	bool sbin = access("/sbin/kexec", X_OK) == 0;
	char *argv[12];
	int argc = 0, rc, dtb = 0;
	const char *p = strcmp(peer, "kexec-s") ? "kexec -l" : "kexec -s -l";

	if (sbin && strcmp(peer, "kexec-s")) {
		dtb = peer_dtb(!strcmp(peer, "kexec-l-clean"));
		if (!gl_ok(dtb >= 0, "the DTB for kexec -l"))
			return 1;
	}

	if (!sbin) {
		argv[argc++] = "/bin/ld-linux-x86-64.so.2";
		argv[argc++] = "--library-path";
		argv[argc++] = "/bin";
	}
	argv[argc++] = sbin ? "/sbin/kexec" : "/bin/kexec";
	if (sbin)
		argv[argc++] = "-d";	/* its DTB edits and segments in the log */
	if (!strcmp(peer, "kexec-s"))
		argv[argc++] = "-s";
	argv[argc++] = "-l";
	argv[argc++] = "/boot/bzImage";
	argv[argc++] = "--initrd=/tmp/initrd";
	argv[argc++] = cl;
	if (dtb > 0)
		argv[argc++] = "--dtb=" PEER_DTB;
	argv[argc] = NULL;
	gl_diag("%s: %s", argv[sbin ? 0 : 3], p);
	rc = run(argv);
	return gl_ok(rc == 0, "Debian kexec-tools: %s exited %d", p, rc) ? 0 : 1;
}

/* kexec-tools loads the next kernel: same kernel, initrd, command line. */
static int peer_load(const char *peer, bool exec_now)
{
	char cl[2100];
	int rc;

	if (exec_now)
		return luo_kexec_e();
	if (luo_next_inputs(cl, sizeof(cl)))
		return 1;
	if (!strcmp(peer, "luo-kexec") || !strcmp(peer, "luo-kexec-nohandover")) {
		char *argv_l[] = { "/bin/luo-kexec", "-l", "/boot/bzImage",
				   strcmp(peer, "luo-kexec") ? "--no-handover" : "--handover",
				   "--initrd=/tmp/initrd", cl, NULL };
		rc = run(argv_l);
		return gl_ok(rc == 0, "luo-kexec -l %s exited %d", argv_l[3], rc) ? 0 : 1;
	}
	return kexec_tools(peer, cl);
}

static int data_check(int fd);

/* The names luo_loader_errno= takes: the pre-jump check's refusals. */
static const char *errno_name(int err)
{
	switch (err) {
	case ERANGE: return "ERANGE";
	case ENODATA: return "ENODATA";
	case ESTALE: return "ESTALE";
	case EBADMSG: return "EBADMSG";
	default: return "other";
	}
}

#define HANDOVER_FILE	"/sys/kernel/liveupdate/handover"

static bool says(const char *err, const char *words)
{
	return gl_ok(strstr(err, words) != NULL, "luo-kexec says \"%s\"", words);
}

/* Refused: exit 1, nothing loaded, the memfd intact in this kernel. */
static void refused(int rc, int mfd)
{
	int r = data_check(mfd);

	gl_ok(rc == 1, "luo-kexec -l refused: exit %d", rc);
	gl_ok(luo_kexec_loaded() == 0, "nothing loaded: kexec_loaded %d", luo_kexec_loaded());
	gl_ok(r == 0, "the memfd is intact in the old kernel: %s", r ? strerror(-r) : "ok");
}

/* luo_loader_case= (see the top of this file); returns only on failure. */
static int loader_case(const char *cse, int mfd)
{
	char target[32] = "", kpath[64], *err = NULL;
	int rc;

	if (!strcmp(cse, "nothing")) {
		rc = luo_kexec_l("/boot/bzImage", NULL, &err);
		gl_ok(rc == 0, "luo-kexec -l with nothing to hand over: exit %d", rc);
		says(err, "luo-kexec: no handover carried: nothing to hand over (");
		gl_ok(strchr(err, '\n') == err + strlen(err) - 1, "in one line");
		gl_ok(luo_kexec_loaded() == 1, "loaded: kexec_loaded %d", luo_kexec_loaded());
		free(err);
		return gl_failures() ? 1 : luo_kexec_e();
	}
	if (!strcmp(cse, "held")) {
		int fd = open("/dev/liveupdate", O_RDWR);

		/* This process holds it (luo); a second opener is refused. */
		gl_ok(fd < 0 && errno == EBUSY, "/dev/liveupdate is held: a second open "
		      "gets %s", fd < 0 ? strerror(errno) : "a descriptor");
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(cse, "unreadable")) {
		if (!gl_ok(!mount("/dev/null", HANDOVER_FILE, NULL, MS_BIND, NULL),
			   "/dev/null bound over " HANDOVER_FILE ": %s", strerror(errno)))
			return 1;
		rc = luo_kexec_l("/boot/bzImage", NULL, &err);
		refused(rc, mfd);
		says(err, "refused: loading without the handover would lose 1 session, "
		     "1 preserved file");
		says(err, "the handover query failed: " HANDOVER_FILE ": ");
		free(err);
		if (!gl_ok(!umount(HANDOVER_FILE), "unbind " HANDOVER_FILE ": %s",
			   strerror(errno)))
			return 1;
	} else if (!strcmp(cse, "target")) {
		const struct target_row *t = NULL;
		unsigned int i;

		gl_cmdline_get("luo_loader_target", target, sizeof(target));
		for (i = 0; i < sizeof(target_rows) / sizeof(target_rows[0]); i++)
			if (!strcmp(target_rows[i].variant, target))
				t = &target_rows[i];
		if (!gl_ok(t != NULL, "luo_loader_target=%s is known", target))
			return 1;
		snprintf(kpath, sizeof(kpath), strcmp(target, "self") ? "/boot/bzImage-%s" :
			 "/boot/bzImage", target);
		rc = luo_kexec_l(kpath, NULL, &err);
		refused(rc, mfd);
		for (i = 0; i < 3 && t->words[i]; i++)
			says(err, t->words[i]);
		free(err);
		if (!gl_cmdline_get("luo_loader_force", target, sizeof(target)))
			return gl_exit_status();	/* the last stage */
		rc = luo_kexec_l(kpath, "--force", &err);
		gl_ok(rc == 0, "luo-kexec -l --force: exit %d", rc);
		says(err, "luo-kexec: --force: loading ");
		gl_ok(luo_kexec_loaded() == 1, "loaded: kexec_loaded %d", luo_kexec_loaded());
		free(err);
		return gl_failures() ? 1 : luo_kexec_e();
	} else {
		return gl_ok(0, "unknown luo_loader_case=%s", cse), 1;
	}
	rc = luo_kexec_l("/boot/bzImage", NULL, &err);
	gl_ok(rc == 0, "luo-kexec -l while /dev/liveupdate is held: exit %d", rc);
	says(err, "luo-kexec: carrying the handover (1 session, 1 preserved file");
	gl_ok(luo_kexec_loaded() == 1, "loaded: kexec_loaded %d", luo_kexec_loaded());
	free(err);
	return gl_failures() ? 1 : luo_kexec_e();
}

static int stage1(void)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };
	struct liveupdate_session_preserve_fd pf = { .size = sizeof(pf) };
	char peer[32] = "", cse[16] = "", want_errno[16] = "ERANGE";
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
	if (gl_cmdline_get("luo_loader_case", cse, sizeof(cse)) && !strcmp(cse, "peer-only"))
		return gl_exit_status();
	if (gl_cmdline_get("luo_loader_case", cse, sizeof(cse)) && !strcmp(cse, "nothing"))
		return loader_case(cse, -1);
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
	if (gl_cmdline_get("luo_loader_expect", cse, sizeof(cse)) && !strcmp(cse, "refused")) {
		fflush(stdout);
		sync();
		gl_cmdline_get("luo_loader_errno", want_errno, sizeof(want_errno));
		err = reboot(RB_KEXEC) ? errno : 0;
		gl_ok(err && !strcmp(errno_name(err), want_errno),
		      "the old kernel refuses the kexec with %s: %s", want_errno,
		      err ? strerror(err) : "it went ahead");
		gl_ok(!strcmp(luo_sysfs("state"), "normal"), "live update cancelled: state %s",
		      luo_sysfs("state"));
		err = data_check(mfd);
		gl_ok(!err, "the memfd is intact: %s", err ? strerror(-err) : "ok");
		return gl_exit_status();
	}
	cse[0] = 0;
	gl_cmdline_get("luo_loader_case", cse, sizeof(cse));
	if (cse[0])
		return loader_case(cse, mfd);	/* luo stays open: held */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	return gl_ok(pid > 0, "session held open until the kexec") ? 0 : 1;
}

/* 0: the memfd holds the pattern (SHA-256); -EFBIG, -EILSEQ, -errno. */
static int data_check(int fd)
{
	uint8_t want[HO_SHA256_SIZE], got[HO_SHA256_SIZE], *buf, *map;
	struct stat st;

	if (fstat(fd, &st) || st.st_size != BYTES)
		return -EFBIG;
	buf = malloc(BYTES);
	pattern(buf, BYTES);
	ho_sha256(buf, BYTES, want);
	free(buf);
	map = mmap(NULL, BYTES, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	ho_sha256(map, BYTES, got);
	munmap(map, BYTES);
	return memcmp(want, got, sizeof(want)) ? -EILSEQ : 0;
}

/* 0: restored byte-exact; -errno of the first step that failed. */
static int restore(void)
{
	struct liveupdate_ioctl_retrieve_session rs = { .size = sizeof(rs) };
	struct liveupdate_session_retrieve_fd rf = { .size = sizeof(rf) };
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
	return data_check(rf.fd);
}

/* Does the kernel log (/dev/kmsg, from the start) have text? */
static bool klog_has(const char *text)
{
	char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	bool found = false;
	ssize_t n;

	if (fd < 0)
		return false;
	while (!found && ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE))) {
		if (n <= 0)
			continue;	/* overwritten records: read on */
		rec[n] = 0;
		found = strstr(rec, text) != NULL;
	}
	close(fd);
	return found;
}

/*
 * --force took a kernel that cannot read the handover: it booted (this
 * program runs), nothing is restored, and its log says why.
 */
static int stage2_lost(const char *cyc, bool kho_in)
{
	char klog[128] = "", *p;
	int r = restore();

	gl_diag("kernel B after --force: luo_stage.cycles=%s, KHO handover %s",
		cyc ? cyc : "(none)", kho_in ? "received" : "not received");
	gl_ok(r != 0, "nothing restored from the handover it cannot read (%s)",
	      r ? strerror(-r) : "restored!");
	if (gl_cmdline_get("luo_loader_klog", klog, sizeof(klog))) {
		for (p = klog; *p; p++)
			if (*p == '_')
				*p = ' ';
		gl_ok(klog_has(klog), "the kernel log says \"%s\"", klog);
	}
	return gl_exit_status();
}

static int stage2(void)
{
	char expect[64] = "ok", err_word[64], cyc[32], sha[16] = "(none)", want_sha[16], word[8];
	char sum[24] = "(none)", want_sum[24];
	bool has_err = gl_cmdline_get("luo_stage.err", err_word, sizeof(err_word));
	bool has_cyc = gl_cmdline_get("luo_stage.cycles", cyc, sizeof(cyc));
	bool kho_in = access("/sys/kernel/debug/kho/in", F_OK) == 0;
	int r;

	gl_cmdline_get("luo_loader_expect", expect, sizeof(expect));
	if (!strcmp(expect, "lost"))
		return stage2_lost(has_cyc ? cyc : NULL, kho_in);
	gl_diag("expect %s: luo_stage.err=%s luo_stage.cycles=%s, KHO handover %s", expect,
		has_err ? err_word : "(none)", has_cyc ? cyc : "(none)",
		kho_in ? "received" : "not received");
	r = restore();
	gl_diag("memfd check done (cycles %llu)", gl_cycles());
	/* the phase breakdown for bench/blackout.py (luo_rfc.trace=1 in A) */
	if (gl_cmdline_get("luo_loader_trace", word, sizeof(word)) && word[0] == '1')
		gl_ok(!luo_kexec_trace(), "luo-kexec --trace: the table, each clock monotonic");
	if (!strcmp(expect, "ok") || !strcmp(expect, "restored")) {
		gl_ok(!has_err, "no luo_stage.err on the command line");
		if (!strcmp(expect, "ok")) {
			gl_ok(has_cyc && strtoull(cyc, NULL, 10) > 0,
			      "the stage passed its time: luo_stage.cycles=%s", has_cyc ? cyc : "");
			if (gl_cmdline_get("luo_loader_sha", want_sha, sizeof(want_sha)))
				gl_ok(gl_cmdline_get("luo_stage.sha", sha, sizeof(sha)) &&
				      !strcmp(sha, want_sha), "luo_stage.sha=%s (wanted %s)",
				      sha, want_sha);
			if (gl_cmdline_get("luo_loader_checksum", want_sum, sizeof(want_sum)))
				gl_ok(gl_cmdline_get("luo_stage.checksum", sum, sizeof(sum)) &&
				      !strcmp(sum, want_sum), "luo_stage.checksum=%s (wanted %s)",
				      sum, want_sum);
		} else {
			gl_ok(!has_cyc, "no luo_stage.cycles (no stage of ours)");
		}
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

/*
 * The raw bytes of /chosen linux,kho-fdt then linux,kho-scratch in the DTB
 * this kernel booted with (/sys/firmware/fdt), as hex; "" when neither is
 * there. 0, or 1 when the DTB cannot be read.
 */
static int chosen_kho(char *hex, size_t size)
{
	static const char *const props[] = { "linux,kho-fdt", "linux,kho-scratch" };
	const uint8_t *v;
	void *dtb;
	long len = gl_read_file("/sys/firmware/fdt", &dtb);
	size_t used = 0;
	int chosen, plen, i, k;

	hex[0] = 0;
	if (!gl_ok(len > 0 && !fdt_check_header(dtb) && fdt_totalsize(dtb) <= (size_t)len,
		   "/sys/firmware/fdt is an FDT (%ld bytes)", len))
		return 1;
	chosen = fdt_path_offset(dtb, "/chosen");
	for (i = 0; chosen >= 0 && i < 2; i++) {
		v = fdt_getprop(dtb, chosen, props[i], &plen);
		for (k = 0; v && k < plen && used + 3 < size; k++)
			used += snprintf(hex + used, size - used, "%02x", v[k]);
		if (v && used + 2 < size)
			used += snprintf(hex + used, size - used, "_");
	}
	free(dtb);
	return 0;
}

/* Print the kernel log's lines that contain text; how many there were. */
static int klog_lines(const char *text)
{
	char rec[2048], *msg;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK), n_found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (!strstr(rec, text))
			continue;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = 0;
		gl_diag("kernel: %s", msg);
		n_found++;
	}
	close(fd);
	return n_found;
}

/* Stage 2 of luo_loader_then=kexec-l: kernel 3 through Debian's kexec -l. */
static int then_kexec_l(const char *how)
{
	char cl[2100], mine[256];
	size_t n;

	if (chosen_kho(mine, sizeof(mine)) || luo_next_inputs(cl, sizeof(cl)))
		return 1;
	gl_diag("kernel 2's /chosen linux,kho-fdt_linux,kho-scratch: %s", mine[0] ? mine : "(none)");
	/* luo_next_inputs ends with luo_stage=2: this one goes to stage 3. */
	n = strlen(cl);
	if (!gl_ok(n > 2 && !strcmp(cl + n - 2, "=2") && n + strlen(mine) + 32 < sizeof(cl),
		   "kernel 3's command line"))
		return 1;
	snprintf(cl + n - 1, sizeof(cl) - n + 1, "3 luo_loader_kho2=%s", mine[0] ? mine : "none");
	return kexec_tools(how, cl);
}

/*
 * Stage 2 of luo_loader_then=kexec-l-refused: kernel 2 (ours) refuses the
 * kexec of the image with the stale /chosen, before the jump.
 */
static int then_refused(void)
{
	int err;

	if (then_kexec_l("kexec-l"))
		return 1;
	fflush(stdout);
	sync();
	err = reboot(RB_KEXEC) ? errno : 0;
	gl_ok(err == ESTALE, "kernel 2 refuses the kexec -l with the stale /chosen: %s",
	      err ? strerror(err) : "it went ahead");
	gl_ok(klog_has("a stale handover"), "the kernel log says \"a stale handover\"");
	gl_ok(!strcmp(luo_sysfs("state"), "normal"), "state %s", luo_sysfs("state"));
	return gl_exit_status();
}

/* Stage 3 of luo_loader_then=kexec-l: what kernel 3 made of the stale handover. */
static int stage3(void)
{
	char want[16] = "", mine[256], prev[256] = "";
	bool kho_in = access("/sys/kernel/debug/kho/in", F_OK) == 0, same, found;
	int r;

	gl_cmdline_get("luo_loader_stale", want, sizeof(want));
	gl_cmdline_get("luo_loader_kho2", prev, sizeof(prev));
	if (chosen_kho(mine, sizeof(mine)))
		return 1;
	same = mine[0] && !strcmp(mine, prev);
	gl_diag("kernel 3's /chosen linux,kho-fdt_linux,kho-scratch: %s (kernel 2's: %s)",
		mine[0] ? mine : "(none)", prev);
	found = klog_lines("KHO") && klog_has("found kexec handover data");
	r = restore();
	gl_diag("kernel 3: KHO handover %s, debugfs kho/in %s, kernel 1's session: %s",
		found ? "taken" : "not taken", kho_in ? "present" : "absent",
		r ? strerror(-r) : "restored byte-exact");
	if (!strcmp(want, "dropped")) {
		gl_ok(!mine[0], "kexec -l dropped linux,kho-* from /chosen");
		gl_ok(!found && !kho_in, "kernel 3 took no handover");
	} else if (!strcmp(want, "passed") || !strcmp(want, "restored")) {
		gl_ok(same, "kexec -l passed kernel 2's stale linux,kho-* on to kernel 3");
		gl_ok(found, "kernel 3 took the stale handover (\"found kexec handover data\")");
		if (!strcmp(want, "restored"))
			gl_ok(r == 0, "kernel 1's session restored again in kernel 3: %s",
			      r ? strerror(-r) : "ok");
		else
			gl_ok(r != 0, "no session restored from the stale handover (%s)",
			      r ? strerror(-r) : "restored!");
	} else {
		gl_ok(0, "unknown luo_loader_stale=%s", want);
	}
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	char then[16] = "";
	int stage = gl_stage(argc, argv), rc;

	if (stage == 1)
		return stage1();
	if (stage >= 3)
		return stage3();
	rc = stage2();
	if (rc || !gl_cmdline_get("luo_loader_then", then, sizeof(then)))
		return rc;
	if (!strcmp(then, "kexec-l-refused"))
		return then_refused();
	if (!gl_ok(!strcmp(then, "kexec-l") || !strcmp(then, "kexec-l-clean"),
		   "luo_loader_then=%s is known", then))
		return 1;
	return then_kexec_l(then);
}
