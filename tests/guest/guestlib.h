/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guestlib: small helpers shared by the programs that run inside the test VM.
 *
 * Programs print TAP on stdout ("ok N - name" / "not ok N - name"); the
 * harness on the host reads those lines from the serial log. The stage of a
 * multi-kernel test (1 before the first kexec, 2 after it, ...) comes from
 * "-s N" on the command line (upstream selftest grammar) or from
 * luo_stage=N on /proc/cmdline.
 */
#ifndef GUESTLIB_H
#define GUESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse "-s N"; fall back to luo_stage= on /proc/cmdline; default 1. */
int gl_stage(int argc, char **argv);

/*
 * Copy the value of "key=value" from /proc/cmdline into buf. Returns true if
 * the key is present (a bare "key" gives an empty value).
 */
bool gl_cmdline_get(const char *key, char *buf, size_t len);

/* TAP: one result line; returns cond so callers can bail out. */
bool gl_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* TAP: a diagnostic line "# ...". */
void gl_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Number of "not ok" lines printed so far. */
int gl_failures(void);
/* Exit status for main(): 0 if nothing failed. */
int gl_exit_status(void);

/*
 * Read a whole file into a malloc()ed buffer. Returns the length, or -errno
 * (the buffer is NULL then).
 */
long gl_read_file(const char *path, void **buf);

/*
 * The CPU's free-running counter (x86 TSC, arm64 CNTVCT): it runs on across
 * a kexec, so stamps from two kernels of one VM subtract (bench/blackout).
 */
static inline unsigned long long gl_cycles(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (unsigned long long)hi << 32 | lo;
#elif defined(__aarch64__)
	unsigned long long v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return 0;
#endif
}

#endif /* GUESTLIB_H */
