// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_holes: a memfd that changes after freeze is refused, never handed
 * over with data missing; a sparse memfd costs memory for its pages only.
 *
 * Stage 1, one row per way to change a frozen memfd (8 MiB, data in its
 * first half, mapped MAP_SHARED):
 *  - a write through the mapping into a hole after FREEZE,
 *  - a seal added after FREEZE,
 *  - a thread writing into holes through the mapping all the time, during
 *    PREPARE and FREEZE (either may refuse) and after FREEZE;
 * each time reboot(RB_KEXEC) must fail with EBUSY, the state must be normal
 * again and the memfd's contents (with every write made) intact.
 * Then a 1 TiB memfd with 4 pages: PREPARE must cost memory for 4 pages,
 * not for 2^28 (MemFree before/after). It is left prepared; the kexec hook
 * freezes it. Stage 2: it arrives with its size, exactly its 4 data pages
 * (SEEK_DATA/SEEK_HOLE) and their contents; the changed memfds' sessions
 * are not there; after finish debugfs kho/in still shows the incoming blob;
 * no WARNING/BUG in the kernel log.
 */
#include <linux/reboot.h>
#include <pthread.h>
#include <sys/syscall.h>

#include <libfdt.h>

#include "luo_common.h"

#define SIZE		(8u << 20)
#define HOLES		(SIZE / 2)	/* [HOLES, SIZE) is a hole at first */
#define SEED		0x401e5ULL
#define TOKEN		0x401
#define SPARSE_SIZE	(1ULL << 40)
#define SPARSE_TOKEN	0x1713
#define SPARSE_SESSION	"luo-holes-sparse"
#define SPARSE_SLACK_KB	(4 * 1024)
#define IN_BLOB		"/sys/kernel/debug/kho/in/sub_fdts/luo-rfc"

static const uint64_t sparse_off[] = {
	0, (1ULL << 30) + 4096 * 3, 1ULL << 39, SPARSE_SIZE - 4096,
};

struct victim {
	int sfd, fd;
	uint8_t *map, *want;	/* the mapping; what the memfd must hold */
};

static volatile int stop, writer_done;
static volatile unsigned long written;	/* hole pages the writer filled */
static struct victim *writer_v;

static int kexec_now(void)
{
	long ret = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			   LINUX_REBOOT_CMD_KEXEC, NULL);

	return ret < 0 ? -errno : 0;
}

static int victim_open(int luo, struct victim *v, const char *name)
{
	struct luo_gen g;

	v->sfd = luo_session(luo, name, 0);
	v->fd = memfd_create(name, MFD_ALLOW_SEALING);
	v->want = calloc(1, SIZE);
	if (v->sfd < 0 || v->fd < 0 || !v->want || ftruncate(v->fd, SIZE))
		return -1;
	luo_gen_init(&g, PAT_RANDOM, SEED);
	luo_gen_fill(&g, v->want, HOLES);
	if (pwrite(v->fd, v->want, HOLES, 0) != HOLES)
		return -1;
	v->map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->map == MAP_FAILED)
		return -1;
	return luo_preserve(v->sfd, v->fd, TOKEN);
}

static void victim_write(struct victim *v, size_t off, const char *what)
{
	size_t len = strlen(what);

	memcpy(v->map + off, what, len);
	memcpy(v->want + off, what, len);
}

/* After a refused kexec: state normal and the contents as written. */
static void victim_check(int luo, struct victim *v, const char *row)
{
	char want[LUO_HEX], got[LUO_HEX];
	uint8_t d[HO_SHA256_SIZE];

	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "%s: state normal again (%s)",
	      row, luo_sysfs("state"));
	ho_sha256(v->want, SIZE, d);
	luo_hex(d, want);
	gl_ok(!luo_fd_sha(v->fd, SIZE, got) && !strcmp(want, got),
	      "%s: contents intact after cancel, incl. the late writes (sha256 %.16s)",
	      row, got);
	gl_ok(ftruncate(v->fd, SIZE) == 0, "%s: memfd thawed", row);
}

static void victim_close(struct victim *v)
{
	munmap(v->map, SIZE);
	close(v->fd);
	close(v->sfd);
	free(v->want);
}

static int change_write(struct victim *v)
{
	victim_write(v, HOLES + (1u << 20) + 100, "written into a hole after freeze");
	return 0;
}

static int change_seal(struct victim *v)
{
	return fcntl(v->fd, F_ADD_SEALS, F_SEAL_SHRINK) ? -errno : 0;
}

/* Ways to change a frozen memfd; each must make the kexec hook refuse. */
static const struct {
	const char *row;
	const char *session;
	int (*change)(struct victim *v);
} after_freeze[] = {
	{ "write into a hole through the mapping", "luo-holes-write", change_write },
	{ "F_SEAL_SHRINK added",		     "luo-holes-seal",  change_seal },
};

static void row_after_freeze(int luo, unsigned int r)
{
	const char *row = after_freeze[r].row;
	struct victim v;
	int err;

	if (!gl_ok(!victim_open(luo, &v, after_freeze[r].session),
		   "%s: memfd preserved", row))
		return;
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	if (!err)
		err = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
	gl_ok(!err, "%s: PREPARE + FREEZE: %s", row, luo_why(err));
	err = after_freeze[r].change(&v);
	gl_ok(!err, "%s after FREEZE: %s", row, luo_why(err));
	err = kexec_now();
	gl_ok(err == -EBUSY, "%s: kexec refused with EBUSY (%s)", row, luo_why(err));
	victim_check(luo, &v, row);
	victim_close(&v);
}

/* Fill hole pages one after the other, each with its own text. */
static void *writer(void *arg)
{
	char text[32];

	(void)arg;
	while (!stop && HOLES + (written + 1) * 4096 <= SIZE) {
		snprintf(text, sizeof(text), "hole page %lu", written);
		victim_write(writer_v, HOLES + written * 4096 + 64, text);
		written++;
		usleep(2000);
	}
	writer_done = 1;
	return NULL;
}

static void row_write_during_freeze(int luo)
{
	int err, tries, refused = 0, kexec_refused = 0;
	unsigned long mark;
	struct victim v;
	pthread_t th;

	if (!gl_ok(!victim_open(luo, &v, "luo-holes-during"), "during: memfd preserved"))
		return;
	writer_v = &v;
	pthread_create(&th, NULL, writer, NULL);
	for (tries = 0; tries < 4; tries++) {
		err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
		if (!err)
			err = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
		if (err) {
			/* refused while the writer ran: fine, state must be normal */
			refused += err == -EBUSY &&
				   luo_state(luo) == LIVEUPDATE_STATE_NORMAL;
			continue;
		}
		/*
		 * frozen: make sure one more hole page is written, one whose
		 * write began after FREEZE. The writer counts a page after
		 * writing it, so the next count may be for a write made
		 * before PREPARE (writer preempted between the two); the one
		 * after that is not.
		 */
		mark = written;
		while (written < mark + 2 && !writer_done)
			usleep(100);
		if (writer_done) {
			/* nothing changes any more: a kexec would go ahead */
			gl_ok(0, "during: the writer ran out of holes");
			luo_phase(luo, LIVEUPDATE_IOCTL_CANCEL);
			break;
		}
		err = kexec_now();
		kexec_refused += err == -EBUSY;
	}
	stop = 1;
	pthread_join(th, NULL);
	gl_ok(refused + kexec_refused == tries,
	      "during: %d tries, %d refused at PREPARE/FREEZE, %d at the kexec hook, all EBUSY",
	      tries, refused, kexec_refused);
	gl_diag("during: the writer filled %lu hole pages", written);
	victim_check(luo, &v, "during");
	victim_close(&v);
}

static int sparse_preserve(int luo)
{
	long free0, free1;
	unsigned int i;
	char page[4096];
	int sfd, fd, err;

	sfd = luo_session(luo, SPARSE_SESSION, 0);
	fd = memfd_create("luo-holes-sparse", 0);
	if (!gl_ok(sfd >= 0 && fd >= 0 && !ftruncate(fd, SPARSE_SIZE),
		   "sparse: 1 TiB memfd"))
		return -1;
	for (i = 0; i < 4; i++) {
		memset(page, 'a' + i, sizeof(page));
		if (pwrite(fd, page, sizeof(page), sparse_off[i]) != sizeof(page))
			return -1;
	}
	err = luo_preserve(sfd, fd, SPARSE_TOKEN);
	gl_ok(!err, "sparse: 4 pages written, preserved: %s", luo_why(err));
	free0 = luo_meminfo("MemFree");
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	free1 = luo_meminfo("MemFree");
	gl_ok(!err && free0 - free1 < SPARSE_SLACK_KB,
	      "sparse: PREPARE of 1 TiB with 4 pages costs %ld KiB (< %d KiB): %s",
	      free0 - free1, SPARSE_SLACK_KB, luo_why(err));
	close(fd);
	return 0;
}

static int stage1(int luo)
{
	unsigned int r;

	for (r = 0; r < sizeof(after_freeze) / sizeof(after_freeze[0]); r++)
		row_after_freeze(luo, r);
	row_write_during_freeze(luo);
	if (sparse_preserve(luo))
		return 1;
	close(luo);
	gl_ok(!luo_hold_sessions(), "sparse memfd left prepared; the kexec hook freezes");
	return gl_exit_status();
}

/* After finish the incoming blob debugfs shows is still the blob. */
static void check_in_blob(void)
{
	void *blob;
	long n = gl_read_file(IN_BLOB, &blob);

	gl_ok(n > 0 && !fdt_check_header(blob) && fdt_totalsize(blob) <= (size_t)n &&
	      !fdt_node_check_compatible(blob, 0, "luo-rfc-v1"),
	      "after finish, debugfs kho/in still shows a valid luo-rfc-v1 blob (%ld bytes)",
	      n);
	if (n > 0)
		free(blob);
}

static int stage2(int luo)
{
	static const char *const gone[] = {
		"luo-holes-write", "luo-holes-seal", "luo-holes-during",
	};
	unsigned int i, pages = 0, good = 0;
	char page[4096], want[4096];
	off_t data, hole = 0;
	struct stat st;
	int sfd, fd, err;

	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_UPDATED, "state updated");
	/* first: a kexec that went ahead with a changed memfd shows here */
	for (i = 0; i < 3; i++) {
		err = luo_session(luo, gone[i], 1);
		gl_ok(err == -ENOENT, "session %s (changed, cancelled) not handed over",
		      gone[i]);
	}
	sfd = luo_session(luo, SPARSE_SESSION, 1);
	fd = sfd < 0 ? sfd : luo_retrieve(sfd, SPARSE_TOKEN);
	if (!gl_ok(fd >= 0, "sparse memfd retrieved: %s", luo_why(fd < 0 ? fd : 0)))
		return 1;
	if (fstat(fd, &st))
		st.st_size = -errno;
	gl_ok((uint64_t)st.st_size == SPARSE_SIZE, "sparse: size 1 TiB (%lld)",
	      (long long)st.st_size);
	for (;;) {
		data = lseek(fd, hole, SEEK_DATA);
		if (data < 0)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		for (; data < hole; data += 4096, pages++) {
			for (i = 0; i < 4 && sparse_off[i] != (uint64_t)data; i++)
				;
			if (i == 4)
				continue;
			memset(want, 'a' + i, sizeof(want));
			good += pread(fd, page, sizeof(page), data) == sizeof(page) &&
				!memcmp(page, want, sizeof(page));
		}
	}
	gl_ok(pages == 4 && good == 4,
	      "sparse: exactly its 4 data pages, contents intact (%u pages, %u good)",
	      pages, good);
	err = luo_finish_session(sfd);
	gl_ok(!err && luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "finish: %s, state %s",
	      luo_why(err), luo_sysfs("state"));
	check_in_blob();
	err = luo_klog_count("WARNING:") + luo_klog_count("BUG:");
	gl_ok(!err, "no WARNING or BUG in the kernel log (%d)", err);
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	return luo_main(argc, argv, stage1, stage2);
}
