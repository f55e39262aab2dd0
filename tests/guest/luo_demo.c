// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_demo: the live update that `make demo` shows, also a VM test.
 *
 * Stage 1 fills a memfd with a deterministic pseudo-random pattern, prints its
 * SHA-256, preserves it in a /dev/liveupdate session and keeps the session
 * open in a background process until the kexec (as upstream's selftests do).
 * Stage 2, in the new kernel, retrieves the session and the memfd by token,
 * hashes what it finds and compares with the hash of the pattern.
 *
 * Command line: luo_demo_mb=<MiB> (default 64); luo_demo_skip_preserve makes
 * stage 1 not preserve anything, a negative control whose stage 2 must fail.
 * luo_demo_loader (with luo_loader=none): stage 1 loads the next kernel
 * itself with luo-kexec while it holds /dev/liveupdate, first one that
 * cannot read the memfd (/boot/bzImage-ours-nomemfd: refused, nothing
 * loaded, the memfd checked again), then the real one with the handover.
 * luo_demo_capture: stage 1 also prints where the outgoing KHO FDT lies,
 * "# capture: kho-fdt ADDR SIZE" (tests/vm/capture.sh stops the guest in the
 * purgatory and checks that handover in the guest's RAM).
 */
#include "luo_common.h"

#define DEMO_SESSION	"demo"
#define DEMO_TOKEN	0x1001
#define DEMO_SEED	0x5eed5eedULL

/* SHA-256 of the pattern, computed in a scratch buffer. */
static int pattern_hash(size_t bytes, char *out)
{
	uint8_t *buf = malloc(bytes ? bytes : 8), d[HO_SHA256_SIZE];
	struct luo_gen g;

	if (!buf)
		return -ENOMEM;
	luo_gen_init(&g, PAT_RANDOM, DEMO_SEED);
	luo_gen_fill(&g, buf, bytes);
	ho_sha256(buf, bytes, d);
	free(buf);
	luo_hex(d, out);
	return 0;
}

/* luo_demo_loader: a refused update, then the real one (see the top). */
static int demo_load(int mfd, size_t bytes, const char *h)
{
	const char *bad = "/boot/bzImage-ours-nomemfd";
	char h2[LUO_HEX] = "", *err = NULL;
	int rc;

	printf("demo: old kernel: first a next kernel that cannot read the memfd "
	       "(built without our memfd handler): luo-kexec -l %s\n", bad);
	rc = luo_kexec_l(bad, NULL, &err);
	gl_ok(rc == 1 && strstr(err, "cannot read 1 format"),
	      "luo-kexec refused it (exit %d)", rc);
	free(err);
	gl_ok(luo_kexec_loaded() == 0, "nothing loaded (kexec_loaded %d)", luo_kexec_loaded());
	luo_fd_sha(mfd, bytes, h2);
	if (!gl_ok(!strcmp(h, h2), "the memfd is unchanged after the refusal"))
		return 1;
	printf("demo: old kernel: refused before anything was loaded; the memfd is still "
	       "here, sha256 %s\n", h2);
	printf("demo: old kernel: now the real update: luo-kexec -l /boot/bzImage, "
	       "carrying the handover\n");
	rc = luo_kexec_l("/boot/bzImage", NULL, &err);
	gl_ok(rc == 0 && strstr(err, "carrying the handover"), "luo-kexec loaded it (exit %d)", rc);
	free(err);
	return gl_ok(luo_kexec_loaded() == 1, "next kernel loaded (kexec_loaded %d)",
		     luo_kexec_loaded()) ? 0 : 1;
}

/*
 * luo_demo_capture: where the outgoing KHO FDT lies (patch 0003's
 * /sys/kernel/kho/out), for the host to read it out of the guest's RAM once
 * the purgatory has stopped (tests/vm/capture.sh).
 */
static void print_capture(void)
{
	char a[32], l[32];

	luo_read_line("/sys/kernel/kho/out/fdt_phys", a, sizeof(a));
	luo_read_line("/sys/kernel/kho/out/fdt_len", l, sizeof(l));
	printf("# capture: kho-fdt %s %s\n", a, l);
}

static int stage1(size_t bytes, int skip)
{
	char h[LUO_HEX];
	struct luo_gen g;
	int luo, mfd, sfd, err;
	void *map;

	luo = open(LUO_DEV, O_RDWR);
	err = luo < 0 ? -errno : 0;
	if (!gl_ok(!err, "open " LUO_DEV ": %s", luo_why(err)))
		return 1;
	mfd = memfd_create("demo-data", MFD_ALLOW_SEALING);
	if (!gl_ok(mfd >= 0 && ftruncate(mfd, bytes) == 0, "memfd of %zu MiB", bytes >> 20))
		return 1;
	map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (!gl_ok(map != MAP_FAILED, "map the memfd"))
		return 1;
	luo_gen_init(&g, PAT_RANDOM, DEMO_SEED);
	luo_gen_fill(&g, map, bytes);
	munmap(map, bytes);
	luo_fd_sha(mfd, bytes, h);
	printf("demo: old kernel: wrote %zu MiB into a memfd, sha256 %s\n", bytes >> 20, h);

	sfd = luo_session(luo, DEMO_SESSION, 0);
	if (!gl_ok(sfd >= 0, "create session \"%s\": %s", DEMO_SESSION,
		   luo_why(sfd < 0 ? sfd : 0)))
		return 1;
	if (skip) {
		gl_diag("luo_demo_skip_preserve: NOT preserving the memfd (negative control)");
		close(sfd);
	} else {
		err = luo_preserve(sfd, mfd, DEMO_TOKEN);
		if (!gl_ok(!err, "preserve the memfd with token %#x: %s", DEMO_TOKEN,
			   luo_why(err)))
			return 1;
		printf("demo: old kernel: memfd preserved in session \"%s\" (token %#x); "
		       "handing over to the new kernel\n", DEMO_SESSION, DEMO_TOKEN);
	}
	if (gl_cmdline_get("luo_demo_loader", NULL, 0) && demo_load(mfd, bytes, h))
		return 1;
	if (gl_cmdline_get("luo_demo_capture", NULL, 0))
		print_capture();
	/* The session lives as long as its fd: keep it open until the kexec. */
	err = luo_hold_sessions();
	return gl_ok(!err, "session held open until the kexec: %s", luo_why(err)) ? 0 : 1;
}

static int stage2(size_t bytes)
{
	char want[LUO_HEX], got[LUO_HEX];
	int luo, sfd, fd, err;
	struct stat st;

	luo = open(LUO_DEV, O_RDWR);
	err = luo < 0 ? -errno : 0;
	if (!gl_ok(!err, "new kernel: open " LUO_DEV ": %s", luo_why(err)))
		return 1;
	sfd = luo_session(luo, DEMO_SESSION, 1);
	if (!gl_ok(sfd >= 0, "new kernel: retrieve session \"%s\": %s", DEMO_SESSION,
		   luo_why(sfd < 0 ? sfd : 0)))
		return 1;
	fd = luo_retrieve(sfd, DEMO_TOKEN);
	if (!gl_ok(fd >= 0, "new kernel: retrieve memfd by token %#x: %s", DEMO_TOKEN,
		   luo_why(fd < 0 ? fd : 0)))
		return 1;
	if (!gl_ok(fstat(fd, &st) == 0 && (size_t)st.st_size == bytes,
		   "memfd size is %zu bytes", bytes))
		return 1;
	pattern_hash(bytes, want);
	luo_fd_sha(fd, bytes, got);
	printf("demo: new kernel: memfd has %zu MiB, sha256 %s\n", bytes >> 20, got);
	if (gl_ok(strcmp(want, got) == 0, "contents byte-exact across the kexec (sha256 %.16s...)",
		  want))
		printf("demo: the data survived the kernel switch unchanged\n");
	err = luo_finish_session(sfd);
	gl_ok(!err, "finish the session: %s", luo_why(err));
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv);
	char val[32];
	size_t mb = 64;

	if (gl_cmdline_get("luo_demo_mb", val, sizeof(val)))
		mb = strtoul(val, NULL, 0);
	if (stage == 1)
		return stage1(mb << 20, gl_cmdline_get("luo_demo_skip_preserve", NULL, 0));
	return stage2(mb << 20);
}
