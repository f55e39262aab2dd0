// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfd_bench: what preserving and retrieving one memfd costs, against a
 * memcpy of the same size, on our LUO (luo-rfc-v1) and on Linux's own
 * (luo-v5). Driven by bench/memfd.py (make bench-memfd); numbers only, no
 * VM case of make check.
 *
 * Stage 1 (kernel A) fills a memfd of memfd_bench_mb= MiB (default 64)
 * through a shared mapping with the PAT_RANDOM stream, hashes it
 * (SHA-256, "before"), times a memcpy of the mapping into an anonymous
 * buffer of the same size (touched first, so that no page fault is timed),
 * then preserves the memfd in a session and times each ioctl:
 *  - both LUOs: PRESERVE_FD;
 *  - ours also PREPARE and FREEZE (where our memfd handler pins and
 *    describes the folios; upstream's does that in PRESERVE_FD).
 *    memfd_bench_reprepare=1 then CANCELs and PREPAREs again: the folios
 *    pinning migrated out of KHO scratch (CMA) stay out, so the second
 *    PREPARE shows what PREPARE costs without the migration.
 * It then writes a marker into the kernel log and kexecs itself (init has
 * loaded the next kernel): the host takes what the kexec call costs before
 * "Starting new kernel" from the kernel's own timestamps (upstream's
 * session serialization runs there; ours verifies and runs the pre-jump
 * check).
 * memfd_bench_thp=1 sets shmem_enabled=always first (kernel variant
 * ours-thp), so the memfd is backed by 2 MiB folios (ShmemHugePages).
 *
 * Stage 2 (kernel B) times RETRIEVE_SESSION, RETRIEVE_FD and FINISH, checks
 * the size and every byte against the regenerated stream (memcmp) while it
 * hashes the memfd again ("after"; bench/memfd.py compares both digests),
 * and on our LUO prints the phase trace (luo_rfc.trace=1).
 *
 * Lines for bench/memfd.py ("memfd-bench: " then words key=value):
 *	memfd-bench: info luo=ours|upstream size=BYTES thp=0|1 ...
 *	memfd-bench: time op=OP ns=NS cycles=CYCLES
 *	memfd-bench: sha when=before|after hex=DIGEST
 *	memfd-bench: mem what=... kb=KB
 *	memfd-bench: trace ev=NAME clock=NAME arg=ARG value=VALUE hz=HZ
 *	memfd-bench: kexec cycles=CYCLES		(stdout and the kernel log)
 *	memfd-bench: done ok=1
 * A failed check prints "not ok" (TAP) and the stage exits 1.
 * memfd_bench_fault=flip (negative control) changes one byte of the memfd
 * after the "before" digest: stage 2 must then fail its check.
 */
#include <linux/reboot.h>
#include <sys/syscall.h>
#include <time.h>


#include "luo_common.h"

#define SESSION		"memfd-bench"
#define TOKEN		0xbe4c
#define SEED		0xbe4c5eedULL

static size_t size = 64u << 20;
static int thp, ours;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

struct stamp {
	uint64_t ns;
	unsigned long long cycles;
};

static void stamp_start(struct stamp *s)
{
	s->ns = now_ns();
	s->cycles = gl_cycles();
}

/* One "time" line for @op since @s. */
static void stamp_print(const struct stamp *s, const char *op)
{
	unsigned long long c = gl_cycles();
	uint64_t ns = now_ns();

	printf("memfd-bench: time op=%s ns=%llu cycles=%llu\n", op,
	       (unsigned long long)(ns - s->ns), c - s->cycles);
}

static void mem_print(const char *what, long kb)
{
	printf("memfd-bench: mem what=%s kb=%ld\n", what, kb);
}

/* An ioctl of a phase, timed; 0 or -errno. */
static int timed_phase(int luo, unsigned long cmd, const char *op)
{
	struct stamp s;
	int err;

	stamp_start(&s);
	err = luo_phase(luo, cmd);
	stamp_print(&s, op);
	gl_ok(!err, "%s: %s", op, luo_why(err));
	return err;
}

static int kexec_now(void)
{
	char line[96];
	int fd = open("/dev/kmsg", O_WRONLY);

	snprintf(line, sizeof(line), "memfd-bench: kexec cycles=%llu\n", gl_cycles());
	fputs(line, stdout);
	fflush(stdout);
	if (fd >= 0) {
		if (write(fd, line, strlen(line)) < 0)
			gl_diag("write /dev/kmsg: %s", strerror(errno));
		close(fd);
	}
	sync();
	if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_KEXEC, NULL) < 0)
		return -errno;
	return 0;
}

/* The memfd, filled through a shared mapping (timed); its fd or -errno. */
static int make_memfd(void)
{
	struct luo_gen g;
	struct stamp s;
	void *map;
	int fd = memfd_create("memfd-bench", 0), err;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size)) {
		err = -errno;
		close(fd);
		return err;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	luo_gen_init(&g, PAT_RANDOM, SEED);
	stamp_start(&s);
	luo_gen_fill(&g, map, size);
	stamp_print(&s, "fill");
	munmap(map, size);
	return fd;
}

/*
 * KiB of the memfd that lie in KHO scratch (/sys/kernel/kho/out/scratch,
 * struct kho_scratch entries: address, size), from the physical addresses
 * /proc/self/pagemap gives for a mapping of it; -errno on failure.
 * Scratch is CMA: pinning for the handover migrates these pages out.
 */
static long scratch_kb(int fd)
{
	long n, i, pages, kb = 0, page = sysconf(_SC_PAGESIZE);
	uint64_t (*sc)[2], *pm = NULL;
	void *buf = NULL, *map;
	int pfd = -1;

	n = gl_read_file("/sys/kernel/kho/out/scratch", &buf);
	if (n < 0)
		return n;
	sc = buf;
	map = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	pages = size / page;
	pm = malloc(pages * sizeof(*pm));
	pfd = open("/proc/self/pagemap", O_RDONLY);
	if (map == MAP_FAILED || !pm || pfd < 0 ||
	    pread(pfd, pm, pages * sizeof(*pm), (uintptr_t)map / page * sizeof(*pm)) !=
	    (ssize_t)(pages * sizeof(*pm))) {
		kb = -EIO;
		goto out;
	}
	for (i = 0, kb = 0; i < n / 16; i++)
		kb += sc[i][1] >> 10;
	gl_diag("KHO scratch: %ld range(s), %ld MiB", n / 16, kb >> 10);
	for (i = 0, kb = 0; i < pages; i++) {
		uint64_t phys = (pm[i] & ((1ULL << 55) - 1)) * page;
		long k;

		if (!(pm[i] >> 63))
			continue;
		for (k = 0; k < n / 16; k++)
			if (phys >= sc[k][0] && phys - sc[k][0] < sc[k][1])
				kb += page / 1024;
	}
out:
	if (pfd >= 0)
		close(pfd);
	if (map != MAP_FAILED)
		munmap(map, size);
	free(pm);
	free(buf);
	return kb;
}

/* memcpy of the memfd's mapping into touched anonymous memory, timed. */
static int time_memcpy(int fd)
{
	void *src, *dst;
	struct stamp s;
	int same;

	src = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	dst = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		gl_ok(0, "map %zu MiB for the memcpy: %s", size >> 20, strerror(errno));
		return -ENOMEM;
	}
	memset(dst, 0, size);
	stamp_start(&s);
	memcpy(dst, src, size);
	stamp_print(&s, "memcpy");
	same = !memcmp(dst, src, size);
	munmap(dst, size);
	munmap(src, size);
	return gl_ok(same, "memcpy of %zu MiB copied every byte", size >> 20) ? 0 : -EIO;
}

static int stage1(int luo)
{
	long huge0 = luo_meminfo("ShmemHugePages");
	char sha[LUO_HEX], val[16], now[64];
	struct stamp s;
	int fd, sfd, err;

	if (thp) {
		err = luo_write_str(LUO_SHMEM_ENABLED, "always");
		if (!gl_ok(!err, "shmem_enabled=always: %s (%s)", luo_why(err),
			   luo_read_line(LUO_SHMEM_ENABLED, now, sizeof(now))))
			return 1;
	}
	fd = make_memfd();
	if (!gl_ok(fd >= 0, "memfd of %zu MiB: %s", size >> 20, luo_why(fd < 0 ? fd : 0)))
		return 1;
	mem_print("in-scratch-before-pin", scratch_kb(fd));
	mem_print("shmem-huge", luo_meminfo("ShmemHugePages") - huge0);
	if (thp && !gl_ok(luo_meminfo("ShmemHugePages") - huge0 >= (long)(size >> 10),
			  "the memfd is backed by 2 MiB folios"))
		return 1;

	stamp_start(&s);
	err = luo_fd_sha(fd, size, sha);
	stamp_print(&s, "sha");
	if (!gl_ok(!err, "SHA-256 of the memfd: %s", luo_why(err)))
		return 1;
	printf("memfd-bench: sha when=before hex=%s\n", sha);
	if (time_memcpy(fd))
		return 1;

	sfd = luo_session(luo, SESSION, 0);
	if (!gl_ok(sfd >= 0, "create session: %s", luo_why(sfd < 0 ? sfd : 0)))
		return 1;
	stamp_start(&s);
	err = luo_preserve(sfd, fd, TOKEN);
	stamp_print(&s, "preserve_fd");
	if (!gl_ok(!err, "PRESERVE_FD: %s", luo_why(err)))
		return 1;
	if (ours) {
		err = timed_phase(luo, LIVEUPDATE_IOCTL_PREPARE, "prepare");
		if (!err && gl_cmdline_get("memfd_bench_reprepare", val, sizeof(val)) &&
		    !strcmp(val, "1")) {
			err = timed_phase(luo, LIVEUPDATE_IOCTL_CANCEL, "cancel");
			if (!err)
				err = timed_phase(luo, LIVEUPDATE_IOCTL_PREPARE, "prepare_again");
		}
		if (!err)
			err = timed_phase(luo, LIVEUPDATE_IOCTL_FREEZE, "freeze");
		if (err)
			return 1;
	}
	mem_print("in-scratch-after-pin", scratch_kb(fd));
	if (gl_cmdline_get("memfd_bench_fault", val, sizeof(val)) && !strcmp(val, "flip")) {
		uint8_t b;

		gl_diag("memfd_bench_fault=flip: one byte changed after the digest");
		if (pread(fd, &b, 1, size / 2) != 1)
			return 1;
		b ^= 0x01;
		if (pwrite(fd, &b, 1, size / 2) != 1)
			return 1;
	}
	err = kexec_now();
	gl_ok(0, "kexec: %s", luo_why(err));
	return 1;
}

/* Every byte against the stream, hashing the memfd on the way. */
static int check_memfd(int fd)
{
	uint8_t *buf = malloc(LUO_CHUNK), *want = malloc(LUO_CHUNK), d[HO_SHA256_SIZE];
	size_t off = 0, bad = (size_t)-1;
	char sha[LUO_HEX];
	struct ho_sha256 h;
	struct luo_gen g;
	struct stamp s;
	ssize_t n;

	if (!buf || !want)
		return gl_ok(0, "check buffers"), 1;
	luo_gen_init(&g, PAT_RANDOM, SEED);
	ho_sha256_init(&h);
	stamp_start(&s);
	while (off < size) {
		size_t len = size - off < LUO_CHUNK ? size - off : LUO_CHUNK, i;

		n = pread(fd, buf, len, off);
		if (n != (ssize_t)len)
			break;
		luo_gen_fill(&g, want, len);
		if (bad == (size_t)-1 && memcmp(buf, want, len))
			for (i = 0; i < len && bad == (size_t)-1; i++)
				if (buf[i] != want[i])
					bad = off + i;
		ho_sha256_update(&h, buf, len);
		off += len;
	}
	stamp_print(&s, "check");
	ho_sha256_final(&h, d);
	luo_hex(d, sha);
	free(buf);
	free(want);
	printf("memfd-bench: sha when=after hex=%s\n", sha);
	if (!gl_ok(off == size, "read %zu of %zu bytes back", off, size))
		return 1;
	if (bad != (size_t)-1)
		gl_diag("first wrong byte at offset %zu", bad);
	return gl_ok(bad == (size_t)-1, "every byte as written (%s)",
		     bad == (size_t)-1 ? "byte-exact" : "MISMATCH") ? 0 : 1;
}

static int stage2(int luo)
{
	long huge0 = luo_meminfo("ShmemHugePages");
	struct stamp s;
	struct stat st;
	int sfd, fd, err;

	stamp_start(&s);
	sfd = luo_session(luo, SESSION, 1);
	stamp_print(&s, "retrieve_session");
	if (!gl_ok(sfd >= 0, "retrieve session: %s", luo_why(sfd < 0 ? sfd : 0)))
		return 1;
	stamp_start(&s);
	fd = luo_retrieve(sfd, TOKEN);
	stamp_print(&s, "retrieve_fd");
	if (!gl_ok(fd >= 0, "RETRIEVE_FD: %s", luo_why(fd < 0 ? fd : 0)))
		return 1;
	mem_print("shmem-huge", luo_meminfo("ShmemHugePages") - huge0);
	if (!gl_ok(!fstat(fd, &st) && (size_t)st.st_size == size,
		   "size %zu (got %lld)", size, (long long)st.st_size))
		return 1;
	if (check_memfd(fd))
		return 1;
	close(fd);
	stamp_start(&s);
	err = luo_finish_session(sfd);
	stamp_print(&s, "finish");
	if (!gl_ok(!err, "FINISH: %s", luo_why(err)))
		return 1;
	close(sfd);
	/* our phase trace, by the built luo-kexec (bench/memfd.py reads it) */
	if (ours && luo_kexec_trace())
		gl_diag("no usable phase trace (luo_rfc.trace=1?)");
	printf("memfd-bench: done ok=1\n");
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	int stage = gl_stage(argc, argv), luo = open(LUO_DEV, O_RDWR);
	char val[32];

	if (gl_cmdline_get("memfd_bench_mb", val, sizeof(val)))
		size = (size_t)strtoull(val, NULL, 0) << 20;
	thp = gl_cmdline_get("memfd_bench_thp", val, sizeof(val)) && !strcmp(val, "1");
	if (!gl_ok(luo >= 0, "open %s: %s", LUO_DEV, luo_why(luo < 0 ? -errno : 0)))
		return 1;
	/* GET_STATE is ours (<linux/liveupdate_rfc.h>); upstream has no such ioctl */
	ours = luo_state(luo) > 0;
	printf("memfd-bench: info luo=%s size=%zu thp=%d stage=%d pagesize=%ld\n",
	       ours ? "ours" : "upstream", size, thp, stage, sysconf(_SC_PAGESIZE));
	return stage == 1 ? stage1(luo) : stage2(luo);
}
