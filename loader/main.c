// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo-kexec: load a kernel with kexec_load and carry the running kernel's
 * KHO handover (live update) to it through our purgatory. The image types
 * and the boot protocol are the architecture's (ld_arch, arch.h). Options
 * follow kexec-tools; see usage().
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ho/check.h>
#include <ho/err.h>
#include <ho/trace.h>

#include "handover.h"
#include "ld.h"
#include "sys.h"

#undef PROG
#define PROG		"luo-kexec"
#define VERSION		"0.1"
#define CMDLINE_MAX	(LD_CMDLINE_MAX + 1)	/* the most any kernel may say */

extern const char ld_purgatory[], ld_purgatory_end[];

static int debug;

const char host_prog[] = PROG;

__attribute__((format(printf, 1, 2)))
static void dbg(const char *fmt, ...)
{
	va_list ap;

	if (!debug)
		return;
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The names of the arch's image types, comma separated, for messages. */
static const char *type_names(void)
{
	static char buf[128];
	size_t used = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < ld_arch.ntypes && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 i ? ", " : "", ld_arch.types[i].name);
	return buf;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " [OPTION]... -l KERNEL | -e | -u | --check KERNEL\n"
"Load a kernel for kexec, carrying the live-update handover (KHO).\n"
"\n"
"  -l, --load KERNEL       load KERNEL (kexec_load with our purgatory)\n"
"  -e, --exec              boot the loaded kernel now\n"
"  -u, --unload            unload the loaded kernel\n"
"  -s, --kexec-file-syscall  use kexec_file_load instead (for comparison)\n"
"      --initrd=FILE       initial ramdisk (also --ramdisk=)\n"
"      --append=STRING     append STRING to the command line\n"
"      --command-line=STRING  use STRING as the command line\n"
"      --reuse-cmdline     start from the running kernel's command line\n"
"      --handover          require the KHO handover (default: carry it, refuse\n"
"                          when it is lost), --no-handover: do not carry it\n"
"      --check KERNEL      can KERNEL read this kernel's handover? (--force: load anyway)\n"
"      --trace[=FILE]      print the phase trace (/sys/kernel/liveupdate/trace)\n"
"  -t, --type=TYPE         KERNEL's image type (%s: %s; default: probe)\n"
"      --relocate-handover the purgatory moves the KHO FDT and scratch table to\n"
"                          reserved memory (also done when the FDT is in scratch)\n"
"      --checksum=POLICY   segments hashed: all (default), none, outside-scratch\n"
"      --dry-run           print the segment plan and the handover, load nothing\n"
"  -d, --debug             say what is done (-h, --help: this; -v, --version)\n"
"Testing: --memmap=FILE|DIR, --kho-info=FDT:SIZE,ADDR:SIZE..., --test-fault=NAME,\n"
"--sysfs-root=DIR\n"
"(" PROG " --test-fault=list names them). Exit status 0 only on success.\n",
		ld_arch.name, type_names());
}

static const char *const fault_names[] = {
#define FN_(name, num, msg) [num] = #name,
	PURG_FAULT_LIST(FN_)
#undef FN_
};
static const char *const fault_msgs[] = {
#define FM_(name, num, msg) [num] = msg,
	PURG_FAULT_LIST(FM_)
#undef FM_
};
#define NFAULTS (sizeof(fault_names) / sizeof(fault_names[0]))

/* "scratch-overlap" or "SCRATCH_OVERLAP" */
static int fault_parse(const char *s, uint32_t *f)
{
	char up[64];
	size_t i;

	for (i = 0; s[i] && i < sizeof(up) - 1; i++)
		up[i] = s[i] == '-' ? '_' : (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	up[i] = 0;
	for (i = 0; i < NFAULTS; i++)
		if (fault_names[i] && !strcmp(up, fault_names[i])) {
			*f = (uint32_t)i;
			return 0;
		}
	return -EINVAL;
}

/* Is name one of the arch's image types? */
static bool type_known(const char *name)
{
	unsigned int i;

	for (i = 0; i < ld_arch.ntypes; i++)
		if (!strcmp(name, ld_arch.types[i].name))
			return true;
	return false;
}

/* Does the word list `words` set the key of `word` ("k=v" or "k")? */
static int key_in(const char *word, const char *words)
{
	size_t klen = strcspn(word, "=");
	const char *w = words;

	while (w && *w) {
		w += strspn(w, " ");
		if (!strncmp(w, word, klen) && (w[klen] == '=' || w[klen] == ' ' || !w[klen]))
			return 1;
		w = strchr(w, ' ');
	}
	return 0;
}

/*
 * The running kernel's command line without what a boot loader or our stage
 * added, and without the words --append sets again (so --reuse-cmdline
 * --append=luo_stage=2 replaces luo_stage=1).
 */
static int reuse_cmdline(char *out, size_t size, const char *append,
			 char *init_args, size_t init_size)
{
	size_t iused = 0;
	int after_dashes = 0;

	FILE *f = fopen("/proc/cmdline", "re");
	char line[CMDLINE_MAX], *tok, *save = NULL;
	size_t used = 0;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) || (!strchr(line, '\n') && !feof(f))) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	out[0] = 0;
	init_args[0] = 0;
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		/* After "--": arguments for init, kept apart (they stay last). */
		if (after_dashes || !strcmp(tok, "--")) {
			if (after_dashes++)
				iused += (size_t)snprintf(init_args + iused,
							  iused < init_size ? init_size - iused : 0,
							  "%s%s", iused ? " " : "", tok);
			continue;
		}
		/* What a boot loader or our own stage put there is not reused. */
		if (!strncmp(tok, "BOOT_IMAGE=", 11) || !strncmp(tok, "luo_stage.", 10) ||
		    (append && key_in(tok, append)))
			continue;
		used += (size_t)snprintf(out + used, used < size ? size - used : 0,
					 "%s%s", used ? " " : "", tok);
	}
	return used < size && iused < init_size ? 0 : -E2BIG;
}

static void print_plan(const struct ld_plan *p, const struct ld_plan_in *in,
		       const char *cmdline)
{
	unsigned int i, n;

	printf("kexec_load plan: entry 0x%llx (purgatory), kernel entry 0x%llx, "
	       "%s 0x%llx\n", (unsigned long long)p->entry,
	       (unsigned long long)p->kernel_entry, ld_arch.boot_name,
	       (unsigned long long)p->seg[p->nseg - 1].mem);
	printf("  %-12s %-18s %-18s %12s %12s\n", "segment", "start", "end",
	       "memsz", "bufsz");
	for (i = 0; i < p->nseg; i++) {
		const struct ld_seg *s = &p->seg[i];

		printf("  %-12s 0x%016llx 0x%016llx %12llu %12llu\n", s->name,
		       (unsigned long long)s->mem,
		       (unsigned long long)(s->mem + s->memsz - 1),
		       (unsigned long long)s->memsz,
		       (unsigned long long)s->bufsz);
	}
	if (in->handover) {
		printf("handover: %s fdt 0x%llx size %llu, scratch table "
		       "at 0x%llx (%u ranges)\n", ld_arch.handover_name,
		       (unsigned long long)in->fdt_addr, (unsigned long long)in->fdt_size,
		       (unsigned long long)(p->seg[p->nseg - 1].mem + p->boot.table_off),
		       p->nscratch);
		for (i = 0; i < p->nscratch; i++)
			printf("  scratch 0x%016llx 0x%016llx %12llu\n",
			       (unsigned long long)p->scratch[i].addr,
			       (unsigned long long)(p->scratch[i].addr + p->scratch[i].size - 1),
			       (unsigned long long)p->scratch[i].size);
		if (p->nscratch < in->nscratch)
			printf("  (%u empty range%s dropped)\n", in->nscratch - p->nscratch,
			       in->nscratch - p->nscratch == 1 ? "" : "s");
	} else {
		printf("handover: none\n");
	}
	if (p->boot.reloc_off)
		printf("relocation area: %s at 0x%llx, %u bytes%s\n", ld_arch.reloc_name,
		       (unsigned long long)(p->seg[p->nseg - 1].mem + p->boot.reloc_off),
		       p->boot.reloc_size, in->relocate ? " (relocate always)" : " (when the FDT is in scratch)");
	ld_arch.describe(p, stdout);
	printf("checksum: %s: the purgatory checks the SHA-256 of %u of %u segments",
	       ld_checksum_name(in->checksum), p->hashed, p->nseg - 1);
	for (i = 0, n = 0; i < p->nseg; i++)
		if (p->seg[i].buf != p->purg_buf && !(p->hashed_mask & (1u << i)))
			printf("%s%s", n++ ? ", " : " (not: ", p->seg[i].name);
	printf("%s\n", n ? ")" : "");
	if (in->fault)
		printf("test fault: %s\n", fault_names[in->fault]);
	printf("command line: \"%s\"\n", cmdline);
}

/* Load-time look at the KHO FDT bytes (debugfs), when they can be read. */
static int precheck_fdt(const struct ho_memmap *mm)
{
	struct ho_env env = { .memmap = mm };
	struct ho_report rep;
	size_t len;
	void *fdt;
	int err;

	if (host_read_file("/sys/kernel/debug/kho/out/fdt", HOST_FILE_MAX, &fdt, &len))
		return 0;
	/*
	 * debugfs keeps the size the root FDT had at KHO's init: subtrees
	 * added later (Linux's LUO adds its own at late_initcall) make the
	 * file a truncated copy. Then only the purgatory sees the whole FDT.
	 */
	if (len >= 8) {
		const uint8_t *h = fdt;
		uint32_t total = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
				 (uint32_t)h[6] << 8 | h[7];

		if (total > len) {
			dbg("KHO FDT (debugfs) is a truncated copy (%zu of %u bytes): "
			    "not checked at load time", len, total);
			free(fdt);
			return 0;
		}
	}
	err = ho_kho_check(fdt, len, &env, &rep);
	free(fdt);
	if (err) {
		errmsg("handover rejected at load time: %s (%s) at %s %s",
			ho_errname(err), ho_strerror(err), rep.path, rep.detail);
		return -EINVAL;
	}
	dbg("KHO FDT (debugfs) passes the stage library's check");
	return 0;
}

enum { OPT_INITRD = 256, OPT_APPEND, OPT_CMDLINE, OPT_REUSE, OPT_HANDOVER,
       OPT_NO_HANDOVER, OPT_DRY_RUN, OPT_MEMMAP, OPT_KHO_INFO, OPT_FAULT,
       OPT_RELOCATE, OPT_FORCE, OPT_CHECK, OPT_SYSFS_ROOT, OPT_TRACE, OPT_CHECKSUM,
       OPT_MAX };

static const struct option opts[] = {
	{ "load", no_argument, 0, 'l' },
	{ "exec", no_argument, 0, 'e' },
	{ "unload", no_argument, 0, 'u' },
	{ "kexec-file-syscall", no_argument, 0, 's' },
	{ "kexec-syscall", no_argument, 0, 'c' },
	{ "type", required_argument, 0, 't' },
	{ "initrd", required_argument, 0, OPT_INITRD },
	{ "ramdisk", required_argument, 0, OPT_INITRD },
	{ "append", required_argument, 0, OPT_APPEND },
	{ "command-line", required_argument, 0, OPT_CMDLINE },
	{ "reuse-cmdline", no_argument, 0, OPT_REUSE },
	{ "handover", no_argument, 0, OPT_HANDOVER },
	{ "no-handover", no_argument, 0, OPT_NO_HANDOVER },
	{ "relocate-handover", no_argument, 0, OPT_RELOCATE },
	{ "dry-run", no_argument, 0, OPT_DRY_RUN },
	{ "memmap", required_argument, 0, OPT_MEMMAP },
	{ "kho-info", required_argument, 0, OPT_KHO_INFO },
	{ "test-fault", required_argument, 0, OPT_FAULT },
	{ "force", no_argument, 0, OPT_FORCE },
	{ "check", required_argument, 0, OPT_CHECK },
	{ "sysfs-root", required_argument, 0, OPT_SYSFS_ROOT },
	{ "trace", optional_argument, 0, OPT_TRACE },
	{ "checksum", required_argument, 0, OPT_CHECKSUM },
	{ "debug", no_argument, 0, 'd' },
	{ "help", no_argument, 0, 'h' },
	{ "version", no_argument, 0, 'v' },
	{ 0, 0, 0, 0 },
};

/* "-l/--load" for 'l', "--kho-info" for OPT_KHO_INFO (a static buffer). */
static const char *optname(int c)
{
	static char buf[40];
	size_t i;

	for (i = 0; opts[i].name; i++)
		if (opts[i].val == c) {
			if (c < 256)	/* "-l/--load" */
				snprintf(buf, sizeof(buf), "-%c/--%s", c, opts[i].name);
			else
				snprintf(buf, sizeof(buf), "--%s", opts[i].name);
			return buf;
		}
	return "?";
}

/*
 * Options that exclude each other: an error, never "the last one wins".
 * kexec-tools' habits where it has them (-l/-e/-u are separate steps).
 */
static const int exclusive[][2] = {
	{ 'l', 'e' }, { 'l', 'u' }, { 'e', 'u' }, { 's', 'c' },
	{ OPT_HANDOVER, OPT_NO_HANDOVER },
	{ OPT_CMDLINE, OPT_REUSE },
	{ OPT_NO_HANDOVER, OPT_KHO_INFO }, { OPT_NO_HANDOVER, OPT_FAULT },
	{ OPT_NO_HANDOVER, OPT_RELOCATE },
	/* --check KERNEL only compares, it loads nothing */
	{ OPT_CHECK, 'l' }, { OPT_CHECK, 'e' }, { OPT_CHECK, 'u' },
	/* kexec_file_load: the kernel places and carries the handover itself */
	{ 's', OPT_NO_HANDOVER }, { 's', OPT_KHO_INFO }, { 's', OPT_MEMMAP },
	{ 's', OPT_FAULT }, { 's', OPT_RELOCATE },
	/* ... and its own purgatory decides on checksums (7.3: none with KHO) */
	{ 's', OPT_CHECKSUM },
};

/* Options that only mean something with -l. */
static const int load_only[] = {
	OPT_INITRD, OPT_APPEND, OPT_CMDLINE, OPT_REUSE, OPT_HANDOVER,
	OPT_NO_HANDOVER, OPT_RELOCATE, OPT_MEMMAP, OPT_KHO_INFO, OPT_FAULT,
	OPT_FORCE, OPT_CHECKSUM, 't',
};

/* Options that take a value, which may be given once. */
static const int once[] = {
	OPT_INITRD, OPT_APPEND, OPT_CMDLINE, OPT_MEMMAP, OPT_KHO_INFO, OPT_FAULT,
	OPT_CHECK, OPT_SYSFS_ROOT, OPT_CHECKSUM, 't',
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

/* 0, or 2 (a bad command line) with the message printed. */
static int check_options(const unsigned int *seen)
{
	char a[40];
	size_t i;

	for (i = 0; i < N_(once); i++)
		if (seen[once[i]] > 1) {
			errmsg("%s given %u times: give it once", optname(once[i]),
			       seen[once[i]]);
			return 2;
		}
	for (i = 0; i < N_(exclusive); i++)
		if (seen[exclusive[i][0]] && seen[exclusive[i][1]]) {
			snprintf(a, sizeof(a), "%s", optname(exclusive[i][0]));
			errmsg("%s and %s exclude each other", a, optname(exclusive[i][1]));
			return 2;
		}
	if (seen['l'])
		return 0;
	for (i = 0; i < N_(load_only); i++)
		if (seen[load_only[i]]) {
			errmsg("%s needs -l KERNEL", optname(load_only[i]));
			return 2;
		}
	return 0;
}

/* One number of a numeric option; 0, or -1 with the message printed. */
static int num_arg(const char *opt, const char *what, const char *s, uint64_t *v)
{
	if (!parse_u64(s, v))
		return 0;
	if (*s == '-')
		errmsg("%s: %s '%s' is negative", opt, what, s);
	else if (!*s)
		errmsg("%s: %s missing", opt, what);
	else
		errmsg("%s: %s '%s' is not a number (0x hex or decimal, nothing after it)",
		       opt, what, s);
	return -1;
}

/*
 * --kho-info=FDT:SIZE,ADDR:SIZE,...: the KHO FDT, then the scratch ranges
 * (a size-0 range is allowed: Linux 7.3 reports one, the plan drops it).
 * 0, or -1 with the message printed.
 */
static int kho_info_parse(const char *spec, struct sys_handover *h)
{
	static const char opt[] = "--kho-info";
	char *dup = strdup(spec), *item = dup, *next, *colon;
	unsigned int n = 0;
	uint64_t a, sz;
	int err = -1;

	memset(h, 0, sizeof(*h));
	if (!dup)
		return -1;
	h->scratch = calloc(LD_MAX_SCRATCH, sizeof(*h->scratch));
	if (!h->scratch)
		goto out;
	for (; item; item = next, n++) {
		char what[40];

		next = strchr(item, ',');
		if (next)
			*next++ = 0;
		colon = strchr(item, ':');
		if (!colon || strchr(colon + 1, ':')) {
			errmsg("%s: '%s' is not ADDR:SIZE (item %u)", opt, item, n + 1);
			goto out;
		}
		*colon = 0;
		snprintf(what, sizeof(what), n ? "scratch %u address" : "FDT address", n);
		if (num_arg(opt, what, item, &a))
			goto out;
		snprintf(what, sizeof(what), n ? "scratch %u size" : "FDT size", n);
		if (num_arg(opt, what, colon + 1, &sz))
			goto out;
		if (!ho_range_ok(a, sz)) {
			errmsg("%s: %s 0x%llx + 0x%llx wraps around", opt,
			       n ? "scratch range" : "FDT", (unsigned long long)a,
			       (unsigned long long)sz);
			goto out;
		}
		if (!n) {
			if (!sz) {
				errmsg("%s: FDT size is 0", opt);
				goto out;
			}
			h->fdt_addr = a;
			h->fdt_size = sz;
			continue;
		}
		if (n > LD_MAX_SCRATCH) {
			errmsg("%s: more than %u scratch ranges", opt, LD_MAX_SCRATCH);
			goto out;
		}
		h->scratch[n - 1] = (struct ho_scratch){ a, sz };
	}
	if (n < 2) {
		errmsg("%s: no scratch range after the FDT (FDT:SIZE,ADDR:SIZE,...)", opt);
		goto out;
	}
	h->nscratch = n - 1;
	h->source = opt;
	err = 0;
out:
	free(dup);
	if (err) {
		free(h->scratch);
		h->scratch = NULL;
	}
	return err;
}

/* Milliseconds of a delta d on clock c (cycles need the trace's hz). */
static double trace_ms(uint16_t c, uint64_t d, uint64_t hz)
{
	if (c == LUO_RFC_TRACE_CLOCK_CYCLES)
		return hz ? (double)d * 1e3 / (double)hz : 0;
	return (double)d / 1e6;
}

/*
 * --trace: the phase trace as a table, deltas per clock, and whether each
 * clock is monotonic. 0: a sane, monotonic trace; 1 otherwise.
 */
static int print_trace(const char *path)
{
	struct luo_rfc_trace_hdr h;
	struct luo_rfc_trace_entry e;
	uint64_t last[4] = { 0 }, first_c = 0, out_call = 0, in_start = 0;
	uint64_t in_start_ns = 0;
	int seen[4] = { 0 }, back = 0;
	const char *why;
	size_t len = 0;
	void *t = NULL;
	uint32_t i;
	int err;

	err = host_read_file(path, 1 << 20, &t, &len);
	if (err) {
		errmsg("%s: %s", path, strerror(-err));
		return 1;
	}
	why = ho_trace_bad(t, len);
	if (why) {
		errmsg("%s: trace ignored: %s", path, len ? why : "empty (no live update)");
		free(t);
		return 1;
	}
	memcpy(&h, t, sizeof(h));
	printf("trace %s: %u entries (capacity %u, dropped %u), counter %llu Hz\n",
	       path, h.count, h.capacity, h.dropped, (unsigned long long)h.cycles_hz);
	printf("%4s  %-24s %-6s %10s %20s %12s %12s\n", "#", "event", "clock",
	       "arg", "value", "delta ms", "since ms");
	for (i = 0; ho_trace_entry(t, len, i, &e); i++) {
		uint16_t c = e.clock < 4 ? e.clock : 0;
		uint64_t d = seen[c] && e.value >= last[c] ? e.value - last[c] : 0;
		int bad = seen[c] && e.value < last[c];

		if (c == LUO_RFC_TRACE_CLOCK_CYCLES && !first_c)
			first_c = e.value;
		if (c == LUO_RFC_TRACE_CLOCK_CYCLES &&
		    e.event == LUO_RFC_TRACE_EV_KEXEC_CALL)
			out_call = e.value;
		if (e.event == LUO_RFC_TRACE_EV_IN_LUO_START) {
			if (c == LUO_RFC_TRACE_CLOCK_CYCLES)
				in_start = e.value;
			else if (c == LUO_RFC_TRACE_CLOCK_IN_NS)
				in_start_ns = e.value;
		}
		printf("%4u  %-24s %-6s %#10x %20llu %12.3f %12.3f%s\n", i,
		       ho_trace_event_name(e.event), ho_trace_clock_name(e.clock),
		       e.arg, (unsigned long long)e.value,
		       trace_ms(c, d, h.cycles_hz),
		       c == LUO_RFC_TRACE_CLOCK_CYCLES ?
		       trace_ms(c, e.value - first_c, h.cycles_hz) : 0.0,
		       bad ? "  <- goes back" : "");
		back |= bad || !c;
		seen[c] = 1;
		last[c] = e.value;
	}
	if (out_call && in_start > out_call && h.cycles_hz) {
		double boot_ms = (double)in_start_ns / 1e6;

		printf("kexec call to kernel B's LUO: %.3f ms; kernel B booted %.3f ms before its LUO started\n",
		       trace_ms(LUO_RFC_TRACE_CLOCK_CYCLES, in_start - out_call,
				h.cycles_hz), boot_ms);
	}
	printf("clocks: %s\n", back ? "NOT monotonic (or unknown clock)" : "each monotonic");
	free(t);
	return back ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *initrd = NULL, *append = NULL, *cmdarg = NULL;
	const char *memmap_path = NULL, *kho_info = NULL, *kernel = NULL;
	int load = 0, exec = 0, unload = 0, file = 0, reuse = 0, dry = 0;
	int handover = -1;	/* -1: when available, refuse when it is lost */
	int force = 0;
	const char *check = NULL, *sysfs_root = "/sys", *type = NULL;
	struct handover_pending pend = { 0 };
	char why[LD_WHY_MAX] = "";
	char cmdline[CMDLINE_MAX] = "", init_args[CMDLINE_MAX] = "";
	struct ld_plan_in in = { 0 };
	struct sys_handover h = { 0 };
	struct ld_fw *fw = NULL;
	char fw_words[160];
	struct ld_plan plan = { 0 };
	void *kbuf = NULL, *ibuf = NULL;
	size_t klen = 0, ilen = 0;
	unsigned int seen[OPT_MAX] = { 0 };
	int c, err, rc = 1;

	opterr = 0;	/* our own messages, with our name */
	while ((c = getopt_long(argc, argv, "leuscdhvt:", opts, NULL)) != -1) {
		if (c > 0 && c < OPT_MAX)
			seen[c]++;
		switch (c) {
		case 'l': load = 1; break;
		case 'e': exec = 1; break;
		case 'u': unload = 1; break;
		case 's': file = 1; break;
		case 'c': file = 0; break;
		case 'd': debug = 1; break;
		case 't': type = optarg; break;
		case OPT_INITRD: initrd = optarg; break;
		case OPT_APPEND: append = optarg; break;
		case OPT_CMDLINE: cmdarg = optarg; break;
		case OPT_REUSE: reuse = 1; break;
		case OPT_HANDOVER: handover = 1; break;
		case OPT_NO_HANDOVER: handover = 0; break;
		case OPT_RELOCATE: in.relocate = true; break;
		case OPT_DRY_RUN: dry = 1; break;
		case OPT_MEMMAP: memmap_path = optarg; break;
		case OPT_KHO_INFO: kho_info = optarg; break;
		case OPT_FORCE: force = 1; break;
		case OPT_CHECK: check = optarg; break;
		case OPT_SYSFS_ROOT: sysfs_root = optarg; break;
		case OPT_CHECKSUM:
			if (ld_checksum_parse(optarg, &in.checksum)) {
				errmsg("%s: --checksum=%s: %s (all, none, outside-scratch)",
				       ld_errname(LD_ERR_CHECKSUM), optarg,
				       ld_strerror(LD_ERR_CHECKSUM));
				return 2;
			}
			break;
		case OPT_TRACE:
			return print_trace(optarg ? optarg :
					   "/sys/kernel/liveupdate/trace");
		case OPT_FAULT:
			if (!strcmp(optarg, "list")) {
				for (size_t i = 1; i < NFAULTS; i++)
					printf("%-20s %s\n", fault_names[i], fault_msgs[i]);
				return 0;
			}
			if (fault_parse(optarg, &in.fault)) {
				errmsg("unknown fault '%s' (--test-fault=list)", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'v': printf(PROG " " VERSION "\n"); return 0;
		default:
			if (optopt && optopt < 256)
				errmsg("unknown option '-%c' or missing argument", optopt);
			else
				errmsg("unknown option or missing argument: '%s'",
				       argv[optind - 1]);
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return 2;
		}
	}
	if (load && optind == argc - 1)
		kernel = argv[optind++];
	if (optind < argc) {
		errmsg("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (check && !load && !exec && !unload && optind == argc) {
		handover_pending(sysfs_root, &pend);
		err = host_read_file(check, HOST_FILE_MAX, &kbuf, &klen);
		if (err)
			errmsg("%s: %s", check, strerror(-err));
		else
			rc = handover_preflight(check, kbuf, klen, &pend, false, true) ? 1 : 0;
		goto out;
	}
	if (check) {
		errmsg("--check KERNEL stands alone");
		return 2;
	}
	if (load + exec + unload == 0 || (load && !kernel)) {
		errmsg(load ? "-l needs a KERNEL" : "nothing to do: give -l KERNEL, -e or -u");
		fprintf(stderr, "Try '" PROG " --help'.\n");
		return 2;
	}
	rc = check_options(seen);
	if (rc)
		return rc;
	rc = 1;
	if (type && !type_known(type)) {
		errmsg("unknown image type '%s' (%s knows: %s)", type, ld_arch.name, type_names());
		return 2;
	}
	if (kho_info && kho_info_parse(kho_info, &h))
		return 2;

	if (unload) {
		err = dry ? 0 : sys_kexec_unload(file);
		if (err) {
			errmsg("unload: %s", strerror(-err));
			return 1;
		}
		return 0;
	}
	if (!load)
		goto do_exec;

	/* Command line: --command-line, else --reuse-cmdline, then --append. */
	if (cmdarg) {
		if (strlen(cmdarg) >= sizeof(cmdline)) {
			errmsg("--command-line is %zu bytes, more than any kernel accepts (%u)",
			       strlen(cmdarg), LD_CMDLINE_MAX);
			goto out;
		}
		snprintf(cmdline, sizeof(cmdline), "%s", cmdarg);
	} else if (reuse) {
		err = reuse_cmdline(cmdline, sizeof(cmdline), append, init_args,
				    sizeof(init_args));
		if (err) {
			errmsg("--reuse-cmdline: /proc/cmdline: %s", err == -E2BIG ?
			       "more than any kernel accepts" : strerror(-err));
			goto out;
		}
	}
	if (append && (size_t)snprintf(cmdline + strlen(cmdline),
				       sizeof(cmdline) - strlen(cmdline), "%s%s",
				       cmdline[0] ? " " : "", append) >=
			      sizeof(cmdline) - strlen(cmdline)) {
		errmsg("command line with --append is more than any kernel accepts (%u bytes)",
		       LD_CMDLINE_MAX);
		goto out;
	}
	if (init_args[0] && (size_t)snprintf(cmdline + strlen(cmdline),
					     sizeof(cmdline) - strlen(cmdline), " -- %s",
					     init_args) >= sizeof(cmdline) - strlen(cmdline)) {
		errmsg("command line with init's arguments is more than any kernel accepts "
		       "(%u bytes)", LD_CMDLINE_MAX);
		goto out;
	}

	if (file) {
		/* The kernel says EINVAL for a command line too long; say more. */
		struct ld_image img;

		err = host_read_file(kernel, HOST_FILE_MAX, &kbuf, &klen);
		if (err) {
			errmsg("%s: %s", kernel, strerror(-err));
			goto out;
		}
		if (!ld_image_probe(ld_arch.types, ld_arch.ntypes, type, kbuf, klen, &img) &&
		    strlen(cmdline) > img.cmdline_max) {
			errmsg("%s: command line is %zu bytes, the kernel accepts at most %u (%s)",
			       ld_errname(LD_ERR_CMDLINE_TOO_LONG), strlen(cmdline),
			       img.cmdline_max, img.cmdline_what);
			goto out;
		}
	}
	if (file && dry) {
		printf("kexec_file_load(\"%s\", %s%s%s, \"%s\"): the kernel places the "
		       "segments and carries the handover itself\n", kernel,
		       initrd ? "\"" : "", initrd ? initrd : "no initrd",
		       initrd ? "\"" : "", cmdline);
		rc = 0;
		goto out;
	}
	if (file) {
		if (handover == 1)
			dbg("kexec_file_load carries the handover by itself");
		err = sys_kexec_file_load(kernel, initrd, cmdline);
		if (err) {
			errmsg("kexec_file_load: %s", strerror(-err));
			goto out;
		}
		dbg("loaded %s with kexec_file_load", kernel);
		goto do_exec;
	}

	err = host_read_file(kernel, HOST_FILE_MAX, &kbuf, &klen);
	if (err) {
		errmsg("%s: %s", kernel, strerror(-err));
		goto out;
	}
	if (initrd) {
		err = host_read_file(initrd, HOST_FILE_MAX, &ibuf, &ilen);
		if (err) {
			errmsg("%s: %s", initrd, strerror(-err));
			goto out;
		}
	}
	{
		const char *mp = memmap_path;
		struct stat st;

		/* The readers say what is wrong themselves. */
		if (!mp)
			err = sys_arch_memmap(&in.memmap, &mp);
		else if (!stat(mp, &st) && !S_ISDIR(st.st_mode))
			err = memmap_read_file(mp, &in.memmap);
		else
			err = memmap_read_sysfs(mp, &in.memmap);
		if (err)
			goto out;
		if (!in.memmap.count) {
			errmsg("%s: the memory map has no entries", mp);
			goto out;
		}
	}

	/*
	 * The handover decision (issue 10): carry it when it can be had;
	 * without it, load only when nothing would be lost or --no-handover
	 * says so.
	 */
	handover_pending(sysfs_root, &pend);
	if (handover != 0) {
		err = kho_info ? 0 : handover_query(sysfs_root, &h, why, sizeof(why));
		if (err && handover == 1) {
			errmsg("--handover: no KHO handover available (%s)", why);
			goto out;
		}
		/*
		 * Refused when something would be lost, or when this kernel
		 * cannot say (no formats file) and either holds /dev/liveupdate
		 * or offers a handover (/sys/kernel/kho/out) it fails to give.
		 */
		if (err && (pend.anything || (!pend.fmt && (err == -EBUSY || h.offered)))) {
			char words[LD_WHY_MAX + 96];

			handover_pending_words(&pend, words, sizeof(words));
			errmsg("refused: loading without the handover would lose %s; the "
			       "handover query failed: %s. Nothing loaded (--no-handover "
			       "loads without it)", words, why);
			goto out;
		}
		if (!err) {
			dbg("handover from %s: fdt 0x%llx (%llu bytes), %u scratch ranges",
			    h.source, (unsigned long long)h.fdt_addr,
			    (unsigned long long)h.fdt_size, h.nscratch);
			in.handover = true;
			in.fdt_addr = h.fdt_addr;
			in.fdt_size = h.fdt_size;
			in.scratch = h.scratch;
			in.nscratch = h.nscratch;
		} else if (pend.fmt) {
			errmsg("no handover carried: nothing to hand over (%s)", why);
		} else {
			errmsg("no handover carried: %s; this kernel does not say what is "
			       "preserved (%s)", why, pend.fmt_why);
		}
	} else {
		char words[LD_WHY_MAX + 96];

		/*
		 * With KHO on, the running kernel accepts only segments inside
		 * scratch (memory outside may hold preserved pages): keep them
		 * there, without passing the handover on.
		 */
		if (!kho_info && !handover_query(sysfs_root, &h, why, sizeof(why))) {
			in.scratch = h.scratch;
			in.nscratch = h.nscratch;
		}
		handover_pending_words(&pend, words, sizeof(words));
		errmsg("--no-handover: loading without the handover%s%s%s", pend.anything ?
		       "; not carried: " : "", pend.anything ? words : "",
		       in.nscratch ? " (segments inside KHO scratch)" : "");
	}
	if (in.fault && !in.handover) {
		errmsg("--test-fault needs a handover");
		goto out;
	}
	/* A test memory map describes no real system: no firmware data then. */
	if (!memmap_path && !sys_arch_firmware(&fw, fw_words, sizeof(fw_words))) {
		dbg("%s", fw_words);
		in.fw = fw;
	}
	in.kernel = kbuf;
	in.kernel_size = klen;
	in.type = type;
	in.initrd = ibuf;
	in.initrd_size = ilen;
	in.cmdline = cmdline;
	in.purgatory = ld_purgatory;
	in.purgatory_size = (size_t)(ld_purgatory_end - ld_purgatory);

	err = ld_plan_build(&in, &plan);
	if (err) {
		errmsg("%s: %s", ld_errname(err), plan.why);
		goto out;
	}
	if (in.handover && !kho_info && precheck_fdt(&in.memmap))
		goto out;
	/* Pre-flight: the target reads every format handed over, or --force. */
	if (in.handover && handover_preflight(kernel, kbuf, klen, &pend, force, false))
		goto out;
	if (dry || debug)
		print_plan(&plan, &in, cmdline);
	if (dry) {
		rc = 0;
		goto out;
	}
	err = sys_kexec_load(&plan);
	if (err) {
		errmsg("kexec_load: %s", strerror(-err));
		goto out;
	}
	dbg("loaded %s with kexec_load%s", kernel, in.handover ? " and the handover" : "");
do_exec:
	if (exec && !dry) {
		err = sys_kexec_exec();
		errmsg("kexec: %s", strerror(-err));
		goto out;
	}
	rc = 0;
out:
	ld_plan_free(&plan);
	free(kbuf);
	free(ibuf);
	free(h.scratch);
	sys_arch_firmware_free(fw);
	handover_pending_free(&pend);
	if (in.memmap.ranges)
		memmap_free(&in.memmap);
	return rc;
}
