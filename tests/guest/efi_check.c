// SPDX-License-Identifier: GPL-2.0-only
/*
 * efi_check: what a kernel booted by the EFI stage (efi/app, luo-stage.efi)
 * must see. Run by tests/vm/efiapp.sh, one stage, options on the command
 * line:
 *
 *   efi_expect_err=<HO_ERR_NAME>|none   luo_stage.err= on /proc/cmdline
 *                                       (exactly this one, or none)
 *   efi_expect_kho=in|none|any          an incoming KHO handover (debugfs
 *                                       kho/in) and our LUO in state
 *                                       "updated", or neither; any: not
 *                                       checked (efi_then= checks it)
 *   efi_expect_sessions=<N>             with kho=in: the incoming LUO blob's
 *                                       sessions "session-0" .. "session-N-1"
 *                                       can be retrieved, "session-N" cannot
 *   efi_expect_memfd=<token>,<size>,<sha256>
 *                                       session-0 holds a memfd of that token
 *                                       whose size and SHA-256 are these (the
 *                                       folio pages the harness filled)
 *   efi_then=<prog>                     after these checks pass, run
 *                                       /bin/<prog> -s <stage> in this
 *                                       process (execve), e.g. loader_check
 *                                       across a luo-kexec -l live update
 *                                       (luo_stages=2 luo_loader=exec): the
 *                                       EFI checks in every kernel, the
 *                                       memfd by the program that made it
 *
 * Always: the kernel came up through EFI with working runtime services
 * (efivarfs mounted, a variable read: GetNextVariableName and GetVariable
 * are runtime calls). In a kernel started by kexec this holds only when the
 * loader passed the EFI data on (x86: boot_params efi_info, the runtime
 * map, SETUP_EFI); efi=noruntime or a loader that drops them fails it.
 */
#include <dirent.h>
#include <libfdt.h>
#include <sys/mount.h>

#include "luo_common.h"

#define EFIVARS		"/sys/firmware/efi/efivars"
#define KHO_IN		"/sys/kernel/debug/kho/in"

static void check_runtime(void)
{
	struct stat st;
	struct dirent *de;
	char path[512];
	void *buf = NULL;
	long n = -1;
	DIR *d;

	/* "runtime" is x86's (efi_attr_runtime); elsewhere the generic one */
#ifdef __x86_64__
	if (!gl_ok(stat("/sys/firmware/efi/runtime", &st) == 0,
		   "booted through EFI with a runtime services table (/sys/firmware/efi/runtime)"))
		return;
#else
	if (!gl_ok(stat("/sys/firmware/efi/fw_platform_size", &st) == 0,
		   "booted through EFI (/sys/firmware/efi/fw_platform_size)"))
		return;
#endif
	if (mount("efivarfs", EFIVARS, "efivarfs", 0, NULL) && errno != EBUSY) {
		gl_ok(false, "mount efivarfs: %s", strerror(errno));
		return;
	}
	d = opendir(EFIVARS);
	if (!gl_ok(d != NULL, "open %s", EFIVARS))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), EFIVARS "/%s", de->d_name);
		n = gl_read_file(path, &buf);
		break;
	}
	closedir(d);
	gl_ok(n > 4, "EFI runtime services work: read variable %s (%ld bytes)",
	      n >= 0 ? path : "(none listed)", n);
	free(buf);
}

/* Every luo_stage.err= word of /proc/cmdline must be want (none: no word). */
static void check_err(const char *want)
{
	char *cl = NULL, *tok, *save;
	long n = gl_read_file("/proc/cmdline", (void **)&cl);
	int found = 0, bad = 0;

	if (!gl_ok(n > 0, "read /proc/cmdline"))
		return;
	cl[n - 1] = 0;
	for (tok = strtok_r(cl, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (strncmp(tok, "luo_stage.err=", 14))
			continue;
		found++;
		if (strcmp(tok + 14, want))
			bad++;
		gl_diag("command line has %s", tok);
	}
	if (!strcmp(want, "none"))
		gl_ok(!found, "no luo_stage.err= on the command line (%d found)", found);
	else
		gl_ok(found == 1 && !bad, "luo_stage.err=%s on the command line (%d found, %d other)",
		      want, found, bad);
	free(cl);
}

/* The memfd of token in session sfd: its size and SHA-256. */
static void check_memfd(int sfd, const char *spec)
{
	unsigned long long token, size;
	char want[LUO_HEX], got[LUO_HEX];
	struct stat st;
	int fd, err;

	if (!gl_ok(sscanf(spec, "%llx,%llu,%64s", &token, &size, want) == 3,
		   "efi_expect_memfd=%s is <token>,<size>,<sha256>", spec))
		return;
	fd = luo_retrieve(sfd, token);
	if (!gl_ok(fd >= 0, "retrieve memfd token %#llx: %s", token,
		   luo_why(fd < 0 ? fd : 0)))
		return;
	if (fstat(fd, &st))
		st.st_size = -1;
	gl_ok((unsigned long long)st.st_size == size, "memfd size %lld (want %llu)",
	      (long long)st.st_size, size);
	err = luo_fd_sha(fd, size, got);
	gl_ok(!err && !strcmp(got, want), "memfd SHA-256 %s (want %s)",
	      err ? luo_why(err) : got, want);
	close(fd);
}

static void check_kho(const char *want, int sessions, const char *memfd)
{
	struct stat st;
	bool in = stat(KHO_IN, &st) == 0;
	char name[32];
	int luo, state, i, fd;

	if (!strcmp(want, "none")) {
		gl_ok(!in, "no incoming KHO handover (%s absent)", KHO_IN);
		gl_ok(strcmp(luo_sysfs("state"), "updated"),
		      "LUO not in state updated (%s)", luo_sysfs("state"));
		return;
	}
	gl_ok(in, "incoming KHO handover (%s)", KHO_IN);
	if (in) {
		void *fdt = NULL;
		long n = gl_read_file(KHO_IN "/fdt", &fdt);
		int len;
		const void *p = n > 0 ? fdt_getprop(fdt, 0, "preserved-memory-map", &len) : NULL;

		gl_diag("incoming KHO FDT: %ld bytes, preserved-memory-map %#llx", n,
			p && len == 8 ? *(const unsigned long long *)p : 0ull);
		free(fdt);
	}
	luo = open(LUO_DEV, O_RDWR);
	if (!gl_ok(luo >= 0, "open %s: %s", LUO_DEV, luo < 0 ? strerror(errno) : "ok"))
		return;
	state = luo_state(luo);
	gl_ok(state == LIVEUPDATE_STATE_UPDATED, "LUO state updated (%d, sysfs %s)",
	      state, luo_sysfs("state"));
	for (i = 0; i <= sessions; i++) {
		snprintf(name, sizeof(name), "session-%d", i);
		fd = luo_session(luo, name, 1);
		if (i < sessions)
			gl_ok(fd >= 0, "retrieve incoming session %s: %s", name,
			      luo_why(fd < 0 ? fd : 0));
		else
			gl_ok(fd == -ENOENT, "no incoming session %s (%s)", name,
			      luo_why(fd < 0 ? fd : 0));
		if (fd >= 0 && i == 0 && memfd[0])
			check_memfd(fd, memfd);
		if (fd >= 0)
			close(fd);
	}
	if (!sessions)
		gl_ok(luo_phase(luo, LIVEUPDATE_IOCTL_FINISH) == 0 &&
		      luo_state(luo) == LIVEUPDATE_STATE_NORMAL,
		      "FINISH: back to state normal");
	close(luo);
}

/* efi_then=: the next program in this process; returns only on failure. */
static int then(const char *prog, int stage)
{
	char path[96], sarg[16];
	char *const envp[] = { "PATH=/bin", "HOME=/", NULL };

	snprintf(path, sizeof(path), "/bin/%s", prog);
	snprintf(sarg, sizeof(sarg), "%d", stage);
	gl_diag("efi_check: EFI checks passed in stage %d; now %s -s %s", stage, path, sarg);
	fflush(stdout);
	execve(path, (char *const[]){ path, "-s", sarg, NULL }, envp);
	gl_ok(false, "exec %s: %s", path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char err[64] = "none", kho[16] = "none", sessions[16] = "0", memfd[128] = "";
	char next[64] = "";
	int stage = gl_stage(argc, argv);

	gl_cmdline_get("efi_then", next, sizeof(next));
	gl_cmdline_get("efi_expect_err", err, sizeof(err));
	gl_cmdline_get("efi_expect_kho", kho, sizeof(kho));
	gl_cmdline_get("efi_expect_sessions", sessions, sizeof(sessions));
	gl_cmdline_get("efi_expect_memfd", memfd, sizeof(memfd));
	gl_diag("efi_check: stage %d: expecting luo_stage.err=%s, KHO %s, %s session(s)%s%s",
		stage, err, kho, sessions, next[0] ? ", then " : "", next);
	check_runtime();
	check_err(err);
	if (strcmp(kho, "any"))
		check_kho(kho, atoi(sessions), memfd);
	if (next[0] && !gl_failures())
		return then(next, stage);
	return gl_exit_status();
}
