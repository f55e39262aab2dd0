// SPDX-License-Identifier: GPL-2.0-only
/*
 * kho_blob_check: the handover blobs our kernel emits pass `luo-fdt check`.
 *
 * Stage 1 preserves a memfd in a /dev/liveupdate session (so the LUO blob
 * has a session and a file node), takes the LUO through prepare and freeze
 * (which writes the handover blob), and runs the same luo-fdt tool as on the
 * host (a static build in /bin) on the LUO FDT the kernel will hand over
 * (debugfs kho/out/sub_fdts/luo-rfc). As a control, a copy of that blob with
 * one byte of its compatible changed must be rejected. The session is kept
 * open and the kexec goes ahead from the frozen state.
 * Stage 2 checks what kernel B received, the KHO root FDT (kho/in/fdt) and
 * the LUO FDT (kho/in/sub_fdts/luo-rfc, kept by our LUO until finish), and
 * that the session and the memfd arrived. Addresses are not followed (no physical
 * memory access from userspace here).
 */
#include <sys/wait.h>

#include "luo_common.h"

#define KHO_IN		"/sys/kernel/debug/kho/in"
#define LUO_BLOB	"/sys/kernel/debug/kho/out/sub_fdts/luo-rfc"
#define SESSION		"blob-check"
#define TOKEN		0x77

/* Run /bin/luo-fdt with args; its output goes to the console as "# " lines. */
static int luo_fdt(const char *const *args)
{
	char *argv[8] = { "/bin/luo-fdt" }, line[256];
	int pfd[2], status, i;
	pid_t pid;
	FILE *out;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	out = fdopen(pfd[0], "r");
	while (out && fgets(line, sizeof(line), out)) {
		line[strcspn(line, "\n")] = '\0';
		gl_diag("  %s", line);
	}
	if (out)
		fclose(out);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* luo-fdt on the outgoing LUO FDT, and on a copy with a damaged compatible. */
static void check_out_blob(void)
{
	const char *luo_args[] = { "check", LUO_BLOB, NULL };
	const char *bad_args[] = { "check", "/tmp/luo-bad.dtb", NULL };
	const char *dump_args[] = { "dump", LUO_BLOB, NULL };
	void *blob;
	long len;
	char *p;
	int fd, rc;

	rc = luo_fdt(luo_args);
	gl_ok(rc == 0, "luo-fdt check: the LUO FDT the kernel hands over is valid (exit %d)", rc);
	rc = luo_fdt(dump_args);
	gl_ok(rc == 0, "luo-fdt dump of the LUO FDT (exit %d)", rc);
	len = gl_read_file(LUO_BLOB, &blob);
	if (!gl_ok(len > 0, "read %s (%ld)", LUO_BLOB, len))
		return;
	p = memmem(blob, len, "luo-rfc-v1", 10);
	if (gl_ok(p != NULL, "the LUO FDT carries its compatible string")) {
		p[0] = 'X';
		fd = open("/tmp/luo-bad.dtb", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		rc = fd >= 0 && write(fd, blob, len) == len ? luo_fdt(bad_args) : -EIO;
		gl_ok(rc == 1, "control: a changed compatible is rejected (exit %d)", rc);
		if (fd >= 0)
			close(fd);
	}
	free(blob);
}

static int stage1(void)
{
	int luo, mfd, sfd, rc;

	luo = open(LUO_DEV, O_RDWR);
	mfd = memfd_create("blob-check", 0);
	if (!gl_ok(luo >= 0 && mfd >= 0 && ftruncate(mfd, 1 << 20) == 0,
		   "open " LUO_DEV ", 1 MiB memfd"))
		return 1;
	sfd = luo_session(luo, SESSION, 0);
	if (!gl_ok(sfd >= 0, "create session \"%s\" (%d)", SESSION, sfd < 0 ? sfd : 0))
		return 1;
	rc = luo_preserve(sfd, mfd, TOKEN);
	if (!gl_ok(rc == 0, "preserve the memfd, token %#x (%d)", TOKEN, rc))
		return 1;
	rc = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	gl_ok(rc == 0, "LUO prepare (%d)", rc);
	rc = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
	gl_ok(rc == 0, "LUO freeze: handover blob written (%d)", rc);
	check_out_blob();
	rc = luo_hold_sessions();
	gl_ok(rc == 0, "session held open until the kexec");
	return gl_exit_status();
}

static int stage2(void)
{
	const char *kho_args[] = { "check", "--no-luo", KHO_IN "/fdt", NULL };
	const char *luo_args[] = { "check", KHO_IN "/sub_fdts/luo-rfc", NULL };
	int luo, sfd, fd, rc;

	rc = luo_fdt(kho_args);
	gl_ok(rc == 0, "luo-fdt check: KHO root FDT kernel B received is valid (exit %d)", rc);
	rc = luo_fdt(luo_args);
	gl_ok(rc == 0, "luo-fdt check: LUO FDT kernel B received is valid (exit %d)", rc);
	luo = open(LUO_DEV, O_RDWR);
	sfd = luo_session(luo, SESSION, 1);
	if (gl_ok(sfd >= 0, "session \"%s\" arrived (%d)", SESSION, sfd < 0 ? sfd : 0)) {
		fd = luo_retrieve(sfd, TOKEN);
		gl_ok(fd >= 0, "memfd with token %#x arrived (%d)", TOKEN, fd < 0 ? fd : 0);
	}
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	return gl_stage(argc, argv) == 1 ? stage1() : stage2();
}
