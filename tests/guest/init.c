// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the test VM: runs one test program per kernel across kexecs.
 *
 * Grammar (as upstream's tools/testing/selftests/liveupdate/init.c):
 * the kernel command line names the program and the stages,
 *
 *	luo_test=<prog> luo_stages=<N> [luo_stage=<K>] [luo_loader=file|exec|none]
 *
 * In stage K < N, init first loads the next kernel (the same bzImage, from
 * /boot, and the same initramfs, read back from /sys/firmware/initrd, which
 * exists because the harness boots with retain_initrd) with luo_stage=K+1,
 * then runs "/bin/<prog> -s K". If the program exits 0, init kexecs. In the
 * last stage it runs the program and reboots, which ends QEMU (-no-reboot).
 * luo_loader=exec loads with /bin/luo-kexec (kexec_load, loader/) instead
 * of kexec_file_load; luo_kexec_args=a,b,... adds arguments to it.
 * luo_next_drop=<word> leaves that word off the next kernel's command line
 * (e.g. luo_next_drop=liveupdate=on boots the next kernel with LUO off).
 * luo_load_last=1 loads a next kernel in the last stage too, for programs
 * whose last stage asks for a kexec that must be refused (it never runs).
 *
 * The host decides from these lines on the console:
 *	# luo-vm: stage K of N ...       progress
 *	luo-vm: PASS stages=N            every stage's program exited 0
 *	luo-vm: FAIL stage K: <reason>   anything else
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guestlib.h"

#define KERNEL_IMAGE	"/boot/bzImage"
#define INITRD_SYSFS	"/sys/firmware/initrd"
#define INITRD_COPY	"/initrd.img"
#define CMDLINE_MAX	2048

static int stage = 1, stages = 1;

static void console_setup(void)
{
	int fd = open("/dev/console", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void mount_one(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		fprintf(stderr, "# luo-vm: mount %s on %s: %s\n", type, dir, strerror(errno));
}

static void __attribute__((noreturn)) finish(int pass, const char *fmt, ...)
{
	va_list ap;

	if (pass) {
		printf("luo-vm: PASS stages=%d\n", stages);
	} else {
		printf("luo-vm: FAIL stage %d: ", stage);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

/*
 * The current command line without luo_stage= (and without the word that
 * luo_next_drop=<word> names), plus luo_stage=<next>.
 */
static int next_cmdline(char *out, size_t len, int next)
{
	char line[CMDLINE_MAX], drop[64] = "", *tok, *save = NULL;
	size_t used = 0;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			fclose(f);
		return -EIO;
	}
	fclose(f);
	gl_cmdline_get("luo_next_drop", drop, sizeof(drop));
	out[0] = '\0';
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (strncmp(tok, "luo_stage=", 10) == 0 || (drop[0] && !strcmp(tok, drop)))
			continue;
		used += snprintf(out + used, used < len ? len - used : 0, "%s ", tok);
	}
	used += snprintf(out + used, used < len ? len - used : 0, "luo_stage=%d", next);
	return used < len ? 0 : -E2BIG;
}

/* Copy the retained initrd to rootfs so kexec_file_load gets a plain file. */
static int initrd_copy(void)
{
	void *buf;
	long len = gl_read_file(INITRD_SYSFS, &buf);
	int fd;

	if (len < 0)
		return (int)len;
	fd = open(INITRD_COPY, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, len) != len) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	free(buf);
	close(fd);
	return 0;
}

/* luo_loader=exec: /bin/luo-kexec -l ... with the same inputs. */
static int load_with_luo_kexec(const char *cmdline)
{
	char cl[CMDLINE_MAX + 16], extra[256], *argv[24], *save = NULL, *tok;
	char *const envp[] = { "PATH=/bin", NULL };
	int argc = 0, status;
	pid_t pid;

	snprintf(cl, sizeof(cl), "--command-line=%s", cmdline);
	argv[argc++] = "/bin/luo-kexec";
	argv[argc++] = "-l";
	argv[argc++] = KERNEL_IMAGE;
	argv[argc++] = "--initrd=" INITRD_COPY;
	argv[argc++] = cl;
	if (gl_cmdline_get("luo_kexec_args", extra, sizeof(extra)))
		for (tok = strtok_r(extra, ",", &save); tok && argc < 23;
		     tok = strtok_r(NULL, ",", &save))
			argv[argc++] = tok;
	argv[argc] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ENOEXEC;
}

static int load_next_kernel(int exec)
{
	char cmdline[CMDLINE_MAX];
	int kfd = -1, ifd = -1, err;

	err = next_cmdline(cmdline, sizeof(cmdline), stage + 1);
	if (err)
		return err;
	err = initrd_copy();
	if (err)
		return err;
	if (exec) {
		err = load_with_luo_kexec(cmdline);
		goto out;
	}
	kfd = open(KERNEL_IMAGE, O_RDONLY);
	ifd = open(INITRD_COPY, O_RDONLY);
	if (kfd < 0 || ifd < 0) {
		err = -errno;
		goto out;
	}
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, 0UL))
		err = -errno;
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	unlink(INITRD_COPY);
	return err;
}

static int run_test(const char *prog)
{
	char path[128], sarg[16];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "/bin/%s", prog);
	snprintf(sarg, sizeof(sarg), "%d", stage);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *const argv[] = { path, "-s", sarg, NULL };
		char *const envp[] = { "PATH=/bin", "HOME=/", NULL };

		execve(path, argv, envp);
		fprintf(stderr, "# luo-vm: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(void)
{
	char prog[64], val[64], loader[16] = "file";
	int rc, load_last;

	mount_one("devtmpfs", "/dev", "devtmpfs");
	console_setup();
	mount_one("proc", "/proc", "proc");
	mount_one("sysfs", "/sys", "sysfs");
	mount_one("debugfs", "/sys/kernel/debug", "debugfs");
	mount_one("tmpfs", "/tmp", "tmpfs");

	if (gl_cmdline_get("luo_stages", val, sizeof(val)))
		stages = atoi(val);
	stage = gl_stage(0, NULL);
	gl_cmdline_get("luo_loader", loader, sizeof(loader));
	if (!gl_cmdline_get("luo_test", prog, sizeof(prog)) || !prog[0])
		finish(0, "no luo_test= on the command line");
	if (stage < 1 || stages < 1 || stage > stages)
		finish(0, "bad stage %d of %d", stage, stages);

	printf("# luo-vm: stage %d of %d: %s\n", stage, stages, prog);
	load_last = gl_cmdline_get("luo_load_last", val, sizeof(val)) && !strcmp(val, "1");
	if ((stage < stages || load_last) &&
	    (!strcmp(loader, "file") || !strcmp(loader, "exec"))) {
		const char *how = strcmp(loader, "exec") ? "kexec_file_load" : "luo-kexec";

		rc = load_next_kernel(!strcmp(loader, "exec"));
		if (rc)
			finish(0, "%s: %s", how, strerror(-rc));
		printf("# luo-vm: stage %d: next kernel loaded (%s)\n", stage, how);
	}

	rc = run_test(prog);
	printf("# luo-vm: stage %d: %s exited %d\n", stage, prog, rc);
	if (rc)
		finish(0, "%s exited %d", prog, rc);
	if (stage == stages)
		finish(1, NULL);

	printf("# luo-vm: stage %d: kexec (cycles %llu)\n", stage, gl_cycles());
	fflush(stdout);
	sync();
	reboot(RB_KEXEC);
	finish(0, "reboot(RB_KEXEC): %s", strerror(errno));
}
