// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_prejump: the old kernel checks the frozen handover before the jump
 * (kernel/kernel/liveupdate/luo_rfc_prejump.c) and refuses a bad one while
 * it can still cancel, losing nothing.
 *
 * Command line: luo_prejump_fault=<name> (a class of the kernel's
 * luo_rfc.prejump_fault: fdt-magic, scratch-unaligned, scratch-overlap,
 * kho-data-size, luo-compatible, segment-outside-scratch; "none" or absent:
 * no fault), luo_prejump_expect=refused|ok (default: refused when a fault
 * is set). /init has loaded the next kernel already (kexec_file_load, or
 * /bin/luo-kexec with luo_loader=exec).
 *
 * Stage 1: a 4 MiB memfd with a pseudo-random pattern and its SHA-256 is
 * preserved (token 1). With a fault: the fault is set, reboot(RB_KEXEC) must
 * fail with the documented errno (ERANGE for a segment outside scratch,
 * EBADMSG for the others), the kernel log must name the library's error,
 * the state must be back to normal, /sys/kernel/liveupdate/formats must
 * still count the file and its session, and the memfd must still hash the
 * same in this kernel. Then the fault is cleared and a second memfd is
 * preserved (token 2) before /init kexecs for real.
 * Stage 2: both memfds are retrieved and hash as in stage 1; the second one
 * proves that the jump happened after the refusal, not instead of it.
 */
#include <linux/reboot.h>
#include <sys/klog.h>
#include <sys/syscall.h>

#include "luo_common.h"

#define SESSION		"luo-prejump"
#define SIZE		(4u << 20)
#define FAULT_PARAM	"/sys/module/luo_rfc/parameters/prejump_fault"

/* Fault class -> errno of reboot(RB_KEXEC) and the library's error name. */
static const struct {
	const char *fault;
	int err;
	const char *ho_err;
} faults[] = {
	{ "fdt-magic", EBADMSG, "HO_ERR_BAD_MAGIC" },
	{ "scratch-unaligned", EBADMSG, "HO_ERR_SCRATCH_UNALIGNED" },
	{ "scratch-overlap", EBADMSG, "HO_ERR_SCRATCH_OVERLAP" },
	{ "kho-data-size", EBADMSG, "HO_ERR_FDT_TRUNCATED" },
	{ "luo-compatible", EBADMSG, "HO_ERR_BAD_COMPATIBLE" },
	{ "segment-outside-scratch", ERANGE, "HO_ERR_SEGMENT_OUTSIDE_SCRATCH" },
};

static void pattern_sha(uint64_t seed, char *hex)
{
	uint8_t *buf = malloc(SIZE), d[HO_SHA256_SIZE];
	struct luo_gen g;

	if (!buf) {
		hex[0] = 0;
		return;
	}
	luo_gen_init(&g, PAT_RANDOM, seed);
	luo_gen_fill(&g, buf, SIZE);
	ho_sha256(buf, SIZE, d);
	luo_hex(d, hex);
	free(buf);
}

/* A memfd holding the pattern of @seed, preserved with @token; fd or -errno. */
static int make_memfd(int sfd, uint64_t seed, uint64_t token)
{
	uint8_t *buf = malloc(SIZE);
	struct luo_gen g;
	int fd, err;

	if (!buf)
		return -ENOMEM;
	luo_gen_init(&g, PAT_RANDOM, seed);
	luo_gen_fill(&g, buf, SIZE);
	fd = memfd_create("luo-prejump", 0);
	err = fd < 0 ? -errno : 0;
	if (!err && write(fd, buf, SIZE) != SIZE)
		err = -EIO;
	free(buf);
	if (!err)
		err = luo_preserve(sfd, fd, token);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

/* Does the kernel log hold a line with both @a and @b? */
static bool klog_has(const char *a, const char *b)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save;
	bool found = false;

	if (len <= 0 || !(buf = calloc(1, len + 1)))
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len > 0) {
		buf[len] = 0;
		for (line = strtok_r(buf, "\n", &save); line && !found;
		     line = strtok_r(NULL, "\n", &save))
			found = strstr(line, a) && strstr(line, b);
	}
	free(buf);
	return found;
}

/* "file memfd-rfc-v2 1" and "sessions 1" in /sys/kernel/liveupdate/formats. */
static bool formats_count(unsigned int files, unsigned int sessions)
{
	char want_f[64], want_s[32];
	void *buf;
	long n;
	bool ok;

	n = gl_read_file("/sys/kernel/liveupdate/formats", &buf);
	if (n < 0)
		return false;
	snprintf(want_f, sizeof(want_f), "\nfile %s %u\n", "memfd-rfc-v2", files);
	snprintf(want_s, sizeof(want_s), "\nsessions %u\n", sessions);
	ok = memmem(buf, n, want_f, strlen(want_f)) &&
	     memmem(buf, n, want_s, strlen(want_s));
	free(buf);
	return ok;
}

/*
 * /sys/kernel/liveupdate/handover says what LIVEUPDATE_IOCTL_GET_KHO_INFO
 * says, while this process holds /dev/liveupdate open.
 */
static bool handover_file_matches(int luo)
{
	struct liveupdate_kho_range r[32];
	struct liveupdate_ioctl_kho_info ki = {
		.size = sizeof(ki), .ranges = (uintptr_t)r, .max_ranges = 32,
	};
	char want[32 * 48 + 64];
	size_t at;
	void *buf;
	long n;
	bool ok;
	__u32 i;

	if (luo_ioctl(luo, LIVEUPDATE_IOCTL_GET_KHO_INFO, &ki))
		return false;
	at = snprintf(want, sizeof(want), "fdt 0x%llx 0x%llx\n",
		      (unsigned long long)ki.fdt_phys,
		      (unsigned long long)ki.fdt_size);
	for (i = 0; i < ki.nr_scratch && at < sizeof(want); i++)
		at += snprintf(want + at, sizeof(want) - at,
			       "scratch 0x%llx 0x%llx\n",
			       (unsigned long long)r[i].addr,
			       (unsigned long long)r[i].size);
	n = gl_read_file("/sys/kernel/liveupdate/handover", &buf);
	if (n < 0)
		return false;
	ok = (size_t)n == strlen(want) && !memcmp(buf, want, n);
	if (!ok)
		gl_diag("handover file:\n%.*s\nioctl:\n%s", (int)n, (char *)buf,
			want);
	free(buf);
	return ok;
}

static int stage1(const char *fault, bool expect_refused)
{
	char sha[LUO_HEX], want[LUO_HEX];
	int luo, sfd, fd, err, i, n = sizeof(faults) / sizeof(faults[0]);
	long ret;

	for (i = 0; i < n && strcmp(faults[i].fault, fault); i++)
		;
	if (*fault && !gl_ok(i < n, "stage 1: fault '%s' is known", fault))
		return 1;
	luo = open(LUO_DEV, O_RDWR);
	if (!gl_ok(luo >= 0, "stage 1: open %s (%s)", LUO_DEV,
		   luo < 0 ? strerror(errno) : "ok"))
		return 1;
	sfd = luo_session(luo, SESSION, 0);
	fd = sfd < 0 ? sfd : make_memfd(sfd, 1, 1);
	pattern_sha(1, want);
	if (!gl_ok(fd >= 0, "stage 1: 4 MiB memfd preserved as token 1 (%s)",
		   luo_why(fd < 0 ? fd : 0)))
		return 1;
	gl_ok(handover_file_matches(luo),
	      "stage 1: /sys/kernel/liveupdate/handover = GET_KHO_INFO, device held");

	if (*fault) {
		err = luo_write_str(FAULT_PARAM, fault);
		if (!gl_ok(!err, "stage 1: luo_rfc.prejump_fault=%s (%s)", fault,
			   luo_why(err)))
			return 1;
	}
	if (expect_refused) {
		ret = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1,
			      LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL);
		err = ret < 0 ? errno : 0;
		gl_ok(err == faults[i].err,
		      "stage 1: reboot(RB_KEXEC) refused with %s (%s)",
		      strerrorname_np(faults[i].err),
		      err ? strerrorname_np(err) : "it returned 0");
		gl_ok(klog_has("pre-jump check failed: ", faults[i].ho_err),
		      "stage 1: kernel log names %s", faults[i].ho_err);
		gl_ok(!strcmp(luo_sysfs("state"), "normal"),
		      "stage 1: state back to normal (%s)", luo_sysfs("state"));
		gl_ok(formats_count(1, 1),
		      "stage 1: formats still count 1 memfd in 1 session");
		err = luo_fd_sha(fd, SIZE, sha);
		gl_ok(!err && !strcmp(sha, want),
		      "stage 1: memfd intact after the refusal (sha256 %.16s...)",
		      err ? luo_why(err) : sha);
		err = luo_write_str(FAULT_PARAM, "none");
		gl_ok(!err, "stage 1: fault cleared (%s)", luo_why(err));
	}
	close(fd);
	fd = make_memfd(sfd, 2, 2);
	gl_ok(fd >= 0, "stage 1: second memfd preserved as token 2 (%s)",
	      luo_why(fd < 0 ? fd : 0));
	if (fd >= 0)
		close(fd);
	if (!expect_refused && *fault) {
		/* told to expect the jump: a refusal here is a failure */
		fflush(stdout);
		ret = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1,
			      LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL);
		gl_ok(false, "stage 1: reboot(RB_KEXEC) went ahead (it returned: %s)",
		      ret < 0 ? strerrorname_np(errno) : "0");
		return 1;
	}
	close(luo);
	gl_ok(!luo_hold_sessions(), "stage 1: session held until the kexec");
	return gl_exit_status();
}

static int stage2(void)
{
	char sha[LUO_HEX], want[LUO_HEX];
	int luo, sfd, fd, err;
	uint64_t t;

	luo = open(LUO_DEV, O_RDWR);
	if (!gl_ok(luo >= 0, "stage 2: open %s (%s)", LUO_DEV,
		   luo < 0 ? strerror(errno) : "ok"))
		return 1;
	sfd = luo_session(luo, SESSION, 1);
	if (!gl_ok(sfd >= 0, "stage 2: session retrieved (%s)",
		   luo_why(sfd < 0 ? sfd : 0)))
		return 1;
	for (t = 1; t <= 2; t++) {
		fd = luo_retrieve(sfd, t);
		err = fd < 0 ? fd : luo_fd_sha(fd, SIZE, sha);
		pattern_sha(t, want);
		gl_ok(!err && !strcmp(sha, want),
		      "stage 2: memfd token %llu byte-exact (sha256 %.16s...)",
		      (unsigned long long)t, err ? luo_why(err) : sha);
		if (fd >= 0)
			close(fd);
	}
	err = luo_finish_session(sfd);
	gl_ok(!err, "stage 2: session finished (%s)", luo_why(err));
	close(sfd);
	close(luo);
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv);
	char fault[40] = "", expect[16] = "";
	bool refused;

	gl_cmdline_get("luo_prejump_fault", fault, sizeof(fault));
	if (!strcmp(fault, "none"))
		fault[0] = 0;
	gl_cmdline_get("luo_prejump_expect", expect, sizeof(expect));
	refused = *expect ? !strcmp(expect, "refused") : !!*fault;
	gl_diag("luo_prejump: stage %d, fault '%s', expect %s", stage, fault,
		refused ? "refused" : "ok");
	return stage == 1 ? stage1(fault, refused) : stage2();
}
