// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_selftest: run a one-stage kselftest program that takes no "-s N".
 *
 * The VM /init runs "/bin/<prog> -s K"; kselftest harness programs (upstream's
 * liveupdate) reject unknown options. This wrapper runs
 * /bin/<luo_selftest=NAME> without arguments and passes its exit status on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guestlib.h"

int main(void)
{
	char name[64], path[96];
	int status;
	pid_t pid;

	if (!gl_cmdline_get("luo_selftest", name, sizeof(name)) || !name[0] ||
	    strchr(name, '/')) {
		fprintf(stderr, "luo_selftest: no luo_selftest=NAME on the command line\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/bin/%s", name);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "luo_selftest: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		char *const argv[] = { path, NULL };
		char *const envp[] = { "PATH=/bin", "HOME=/", NULL };

		execve(path, argv, envp);
		fprintf(stderr, "luo_selftest: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "luo_selftest: wait: %s\n", strerror(errno));
		return 2;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "luo_selftest: %s killed by signal %d\n", name,
			WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
