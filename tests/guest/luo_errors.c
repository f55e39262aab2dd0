// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_errors: every misuse of /dev/liveupdate gets a clear errno, and
 * nothing already preserved is lost by it. One stage, no kexec; the
 * incoming-side errors (unknown token, ...) are in luo_memfd's stage 2.
 *
 * Table-driven: each row is one call and the errno it must give.
 */
#include <sys/socket.h>

#include <libfdt.h>

#include "luo_common.h"

#define GOOD_TOKEN	0x600d
#define BLOB		"/sys/kernel/debug/kho/out/sub_fdts/luo-rfc"

static int luo, sess, sess2, good, other, nullfd, pipefd[2], linked, sockfd;

static int create_named(const char *name)
{
	int fd = luo_session(luo, name, 0);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

static int e_second_open(void)
{
	int fd = open(LUO_DEV, O_RDWR);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -errno : 0;
}

static int e_null(void) { return luo_preserve(sess, nullfd, 0x10); }
static int e_pipe(void) { return luo_preserve(sess, pipefd[0], 0x11); }
static int e_socket(void) { return luo_preserve(sess, sockfd, 0x12); }
static int e_linked(void) { return luo_preserve(sess, linked, 0x13); }
static int e_badfd(void) { return luo_preserve(sess, 9999, 0x14); }
static int e_twice_same(void) { return luo_preserve(sess, good, 0x15); }
static int e_twice_other(void) { return luo_preserve(sess2, good, 0x16); }

static int e_twice_dup(void)
{
	int fd = dup(good), err = luo_preserve(sess2, fd, 0x17);

	close(fd);
	return err;
}

/* Another struct file of the same memfd: a reopen through /proc. */
static int e_twice_reopen(void)
{
	char path[64];
	int fd, err;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", good);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return 1000 + errno;
	err = luo_preserve(sess2, fd, 0x18);
	close(fd);
	return err;
}

/*
 * CREATE_SESSION whose result cannot be copied back (read-only argument):
 * EFAULT, and no session is left behind under that name.
 */
static int e_create_efault(void)
{
	struct liveupdate_ioctl_create_session *cs;
	int err;

	cs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cs == MAP_FAILED)
		return 1000 + errno;
	cs->size = sizeof(*cs);
	snprintf((char *)cs->name, sizeof(cs->name), "luo-errors-efault");
	mprotect(cs, 4096, PROT_READ);
	err = luo_ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, cs);
	munmap(cs, 4096);
	return err;
}

static int e_efault_name_free(void) { return create_named("luo-errors-efault"); }

static int e_dup_token(void) { return luo_preserve(sess, other, GOOD_TOKEN); }
static int e_dup_session(void) { return create_named("luo-errors"); }
static int e_empty_name(void) { return create_named(""); }

static int e_unterminated(void)
{
	struct liveupdate_ioctl_create_session cs = { .size = sizeof(cs) };

	memset(cs.name, 'x', sizeof(cs.name));
	return luo_ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &cs);
}

static int e_retrieve_out(void) { return luo_retrieve(sess, GOOD_TOKEN); }
static int e_finish_out(void) { return luo_finish_session(sess); }
static int e_freeze_normal(void) { return luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE); }
static int e_cancel_normal(void) { return luo_phase(luo, LIVEUPDATE_IOCTL_CANCEL); }
static int e_finish_normal(void) { return luo_phase(luo, LIVEUPDATE_IOCTL_FINISH); }

static int e_prepare_twice(void)
{
	int err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);

	if (err)
		return 1000 + -err;	/* the first one must work */
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	luo_phase(luo, LIVEUPDATE_IOCTL_CANCEL);
	return err;
}

static int e_finish_prepared(void)
{
	int err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);

	if (err)
		return 1000 + -err;
	err = luo_phase(luo, LIVEUPDATE_IOCTL_FINISH);
	luo_phase(luo, LIVEUPDATE_IOCTL_CANCEL);
	return err;
}

static int e_small_size(void)
{
	struct liveupdate_ioctl_get_state gs = { .size = 4 };

	return luo_ioctl(luo, LIVEUPDATE_IOCTL_GET_STATE, &gs);
}

static int e_trailing(void)
{
	struct {
		struct liveupdate_ioctl_get_state gs;
		uint64_t extra;
	} big = { .gs.size = sizeof(big), .extra = 1 };

	return luo_ioctl(luo, LIVEUPDATE_IOCTL_GET_STATE, &big);
}

static int e_reserved(void)
{
	struct liveupdate_ioctl_phase ph = { .size = sizeof(ph), .reserved = 1 };

	return luo_ioctl(luo, LIVEUPDATE_IOCTL_PREPARE, &ph);
}

static int e_unknown_cmd(void)
{
	struct liveupdate_ioctl_phase ph = { .size = sizeof(ph) };

	return luo_ioctl(luo, _IO(LIVEUPDATE_IOCTL_TYPE, 0x9f), &ph);
}

static int e_kho_nospace(void)
{
	struct liveupdate_kho_range r;
	struct liveupdate_ioctl_kho_info ki = {
		.size = sizeof(ki), .ranges = (uintptr_t)&r, .max_ranges = 0,
	};

	return luo_ioctl(luo, LIVEUPDATE_IOCTL_GET_KHO_INFO, &ki);
}

static const struct {
	const char *what;
	int (*call)(void);
	int want;
} rows[] = {
	{ "second opener of /dev/liveupdate",	e_second_open,	-EBUSY },
	{ "preserve /dev/null",			e_null,		-ENOENT },
	{ "preserve a pipe",			e_pipe,		-ENOENT },
	{ "preserve a socket",			e_socket,	-ENOENT },
	{ "preserve a linked tmpfs file",	e_linked,	-ENOENT },
	{ "preserve a closed fd number",	e_badfd,	-EBADF },
	{ "same memfd twice, same session",	e_twice_same,	-EBUSY },
	{ "same memfd twice, other session",	e_twice_other,	-EBUSY },
	{ "same memfd through a dup()ed fd",	e_twice_dup,	-EBUSY },
	{ "same memfd reopened via /proc/self/fd", e_twice_reopen, -EBUSY },
	{ "token used twice in a session",	e_dup_token,	-EEXIST },
	{ "session name used twice",		e_dup_session,	-EEXIST },
	{ "empty session name",			e_empty_name,	-EINVAL },
	{ "session name without NUL",		e_unterminated,	-EINVAL },
	{ "RETRIEVE_FD on an outgoing session",	e_retrieve_out,	-EINVAL },
	{ "FINISH on an outgoing session",	e_finish_out,	-EINVAL },
	{ "FREEZE in normal",			e_freeze_normal, -EBUSY },
	{ "CANCEL in normal",			e_cancel_normal, -EBUSY },
	{ "FINISH (global) in normal",		e_finish_normal, -EBUSY },
	{ "PREPARE twice",			e_prepare_twice, -EBUSY },
	{ "FINISH (global) in prepared",	e_finish_prepared, -EBUSY },
	{ "ioctl size below the minimum",	e_small_size,	-EINVAL },
	{ "non-zero bytes past the structure",	e_trailing,	-E2BIG },
	{ "reserved field set",			e_reserved,	-EINVAL },
	{ "unknown ioctl number",		e_unknown_cmd,	-ENOTTY },
	{ "KHO info with too few ranges",	e_kho_nospace,	-ENOSPC },
	{ "CREATE_SESSION, result not copyable", e_create_efault, -EFAULT },
	{ "... and its name is free again",	e_efault_name_free, 0 },
};

static void check_kho_info(void)
{
	struct liveupdate_kho_range r[16];
	struct liveupdate_ioctl_kho_info ki = {
		.size = sizeof(ki), .ranges = (uintptr_t)r, .max_ranges = 16,
	};
	unsigned int i, aligned = 1;
	int err;

	err = luo_ioctl(luo, LIVEUPDATE_IOCTL_GET_KHO_INFO, &ki);
	gl_ok(!err && ki.fdt_phys && !(ki.fdt_phys & 4095) && ki.fdt_size == 4096,
	      "GET_KHO_INFO: root FDT at %#llx, %llu bytes (%s)",
	      (unsigned long long)ki.fdt_phys, (unsigned long long)ki.fdt_size,
	      luo_why(err));
	for (i = 0; !err && i < ki.nr_scratch && i < 16; i++) {
		gl_diag("scratch %u: %#llx + %#llx", i, (unsigned long long)r[i].addr,
			(unsigned long long)r[i].size);
		if ((r[i].addr | r[i].size) & 4095)
			aligned = 0;
	}
	gl_ok(!err && ki.nr_scratch >= 1 && aligned,
	      "GET_KHO_INFO: %u page-aligned scratch ranges", ki.nr_scratch);
}

/* After all the errors the good memfd is still the one file in the blob. */
static void check_nothing_lost(void)
{
	int err, node, off, n = 0;
	const uint64_t *tok;
	void *blob = NULL;
	long len;

	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	if (!err)
		err = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
	gl_ok(!err, "PREPARE + FREEZE after the errors: %s", luo_why(err));
	len = gl_read_file(BLOB, &blob);
	node = len > 0 ? fdt_path_offset(blob, "/file-descriptors") : -1;
	if (gl_ok(node >= 0, "blob has /file-descriptors")) {
		fdt_for_each_subnode(off, blob, node) {
			tok = fdt_getprop(blob, off, "token", NULL);
			if (tok && *tok == GOOD_TOKEN)
				n++;
			else
				n += 100;
		}
		gl_ok(n == 1, "exactly the good memfd is preserved (%d)", n);
	}
	free(blob);
	err = luo_phase(luo, LIVEUPDATE_IOCTL_CANCEL);
	gl_ok(!err, "CANCEL: %s", luo_why(err));
}

int main(void)
{
	struct liveupdate_session_get_name gn = { .size = sizeof(gn) };
	unsigned int i;
	int err;

	luo = open(LUO_DEV, O_RDWR);
	if (!gl_ok(luo >= 0, "open %s", LUO_DEV))
		return 1;
	sess = luo_session(luo, "luo-errors", 0);
	sess2 = luo_session(luo, "luo-errors-2", 0);
	good = memfd_create("good", 0);
	other = memfd_create("other", 0);
	nullfd = open("/dev/null", O_RDWR);
	linked = open("/tmp/luo-errors", O_RDWR | O_CREAT, 0600);
	sockfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (!gl_ok(sess >= 0 && sess2 >= 0 && good >= 0 && other >= 0 && nullfd >= 0 &&
		   linked >= 0 && !pipe(pipefd), "set up sessions and files"))
		return 1;
	if (sockfd < 0)
		gl_diag("no AF_UNIX socket in this kernel; that row tests EBADF");
	gl_ok(write(good, "good", 4) == 4, "write the good memfd");
	err = luo_preserve(sess, good, GOOD_TOKEN);
	gl_ok(!err, "preserve the good memfd: %s", luo_why(err));
	err = luo_ioctl(sess, LIVEUPDATE_SESSION_GET_NAME, &gn);
	gl_ok(!err && !strcmp((char *)gn.name, "luo-errors"), "GET_NAME: %s", gn.name);

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int want = rows[i].want;

		if (rows[i].call == e_socket && sockfd < 0)
			want = -EBADF;
		err = rows[i].call();
		gl_ok(err == want, "%s: %s (want %s)", rows[i].what, luo_why(err),
		      strerror(-want));
	}
	gl_ok(luo_state(luo) == LIVEUPDATE_STATE_NORMAL, "state still normal");
	check_kho_info();
	check_nothing_lost();
	return gl_exit_status();
}
