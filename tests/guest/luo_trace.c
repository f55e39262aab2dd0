// SPDX-License-Identifier: GPL-2.0-only
/*
 * luo_trace: the phase trace of a live update (issue 15), end to end.
 *
 * Stage 1: two memfds (tokens TOK_A, TOK_B) in one session, PREPARE and
 * FREEZE through /dev/liveupdate, then the kexec (init: kexec_file_load, or
 * luo-kexec -l with luo_loader=exec). Stage 2 retrieves both, byte-exact,
 * finishes, reads /sys/kernel/liveupdate/trace and checks with the stage
 * library's trace module (ho/trace.h) that the header is sane, every
 * expected event is there in the order of a live update, per-file events
 * carry the two tokens, and every clock is monotonic. luo_trace_purgatory=1
 * also wants the purgatory's four stamps, luo_trace_purgatory=0 wants none
 * (kexec_file_load has no purgatory of ours).
 *
 * On arm64 the counter is cntvct_el0 in every stage, and the purgatory
 * writes its architected rate into the header: with luo_trace_purgatory=1
 * cycles_hz must equal CNTFRQ_EL0 as this program reads it.
 *
 * Negative control, luo_trace_fault=drop|swap|hz: the program damages the
 * copy it read (drops the freeze-end entries / swaps two events / adds 1 Hz
 * to the header's rate) before checking, and the check must then fail.
 */
#include <ho/trace.h>

#include "luo_common.h"

#define SESSION		"luo-trace"
#define TOK_A		0x7a01
#define TOK_B		0x7a02
#define SIZE		(1u << 20)
#define SEED		0x7ace

static int stage1(int luo)
{
	int sfd = luo_session(luo, SESSION, 0), fa, fb, err;

	fa = luo_memfd_random("trace-a", SIZE, SIZE, SEED, 0);
	fb = luo_memfd_random("trace-b", SIZE, SIZE, SEED + 1, 0);
	if (!gl_ok(sfd >= 0 && fa >= 0 && fb >= 0, "session and two memfds"))
		return 1;
	err = luo_preserve(sfd, fa, TOK_A);
	if (!err)
		err = luo_preserve(sfd, fb, TOK_B);
	gl_ok(!err, "preserve both: %s", luo_why(err));
	err = luo_phase(luo, LIVEUPDATE_IOCTL_PREPARE);
	if (!err)
		err = luo_phase(luo, LIVEUPDATE_IOCTL_FREEZE);
	gl_ok(!err, "PREPARE + FREEZE: %s", luo_why(err));
	gl_ok(!luo_hold_sessions(), "session held until the kexec");
	return gl_exit_status();
}

/* First entry of event ev (any clock), or -1. */
static long first_of(const void *t, uint64_t size, long n, uint16_t ev)
{
	struct luo_rfc_trace_entry e;
	long i;

	for (i = 0; i < n; i++)
		if (ho_trace_entry(t, size, (uint32_t)i, &e) && e.event == ev)
			return i;
	return -1;
}

static int count_arg(const void *t, uint64_t size, long n, uint16_t ev,
		     uint32_t arg)
{
	struct luo_rfc_trace_entry e;
	int c = 0;
	long i;

	for (i = 0; i < n; i++)
		if (ho_trace_entry(t, size, (uint32_t)i, &e) && e.event == ev &&
		    e.clock == LUO_RFC_TRACE_CLOCK_CYCLES && e.arg == arg)
			c++;
	return c;
}

static void fault(uint8_t *t, uint64_t size, const char *how)
{
	struct luo_rfc_trace_hdr *h = (void *)t;
	struct luo_rfc_trace_entry *e = (void *)(t + sizeof(*h)), tmp;
	uint32_t i, j;

	(void)size;
	if (!strcmp(how, "drop")) {
		/* remove every freeze-end entry */
		for (i = j = 0; i < h->count; i++)
			if (e[i].event != LUO_RFC_TRACE_EV_FREEZE_END)
				e[j++] = e[i];
		h->count = j;
	} else if (!strcmp(how, "swap")) {
		/* in-luo-ready before prepare-start */
		long a = -1, b = -1;

		for (i = 0; i < h->count; i++) {
			if (a < 0 && e[i].event == LUO_RFC_TRACE_EV_PREPARE_START)
				a = i;
			if (b < 0 && e[i].event == LUO_RFC_TRACE_EV_IN_LUO_READY)
				b = i;
		}
		if (a >= 0 && b >= 0) {
			tmp = e[a];
			e[a].event = e[b].event;
			e[b].event = tmp.event;
		}
	} else if (!strcmp(how, "hz")) {
		h->cycles_hz++;
	}
	gl_diag("test fault: %s applied to the trace copy", how);
}

static void check_trace(void)
{
	static const uint16_t order[] = {
		LUO_RFC_TRACE_EV_PREPARE_START, LUO_RFC_TRACE_EV_FILE_PREPARE,
		LUO_RFC_TRACE_EV_PREPARE_END, LUO_RFC_TRACE_EV_FREEZE_START,
		LUO_RFC_TRACE_EV_FILE_FREEZE, LUO_RFC_TRACE_EV_FREEZE_END,
		LUO_RFC_TRACE_EV_KEXEC_CALL, LUO_RFC_TRACE_EV_PREJUMP_END,
		LUO_RFC_TRACE_EV_PURG_START, LUO_RFC_TRACE_EV_PURG_SHA_END,
		LUO_RFC_TRACE_EV_PURG_CHECK_END, LUO_RFC_TRACE_EV_PURG_JUMP,
		LUO_RFC_TRACE_EV_IN_LUO_START, LUO_RFC_TRACE_EV_IN_LUO_READY,
		LUO_RFC_TRACE_EV_IN_SESSION_RETRIEVE,
		LUO_RFC_TRACE_EV_IN_FILE_RETRIEVE, LUO_RFC_TRACE_EV_IN_FINISH,
	};
	struct luo_rfc_trace_hdr h;
	struct luo_rfc_trace_entry e;
	uint64_t last[4] = { 0 };
	char want_purg[8] = "", how[16] = "";
	const char *why;
	long prev = -1, pos, n;
	void *t;
	uint32_t i;
	int purg, mono = 1, ok_order = 1;

	n = gl_read_file("/sys/kernel/liveupdate/trace", &t);
	if (!gl_ok(n >= (long)sizeof(h), "trace readable (%ld bytes)", n))
		return;
	if (gl_cmdline_get("luo_trace_fault", how, sizeof(how)))
		fault(t, (uint64_t)n, how);
	why = ho_trace_bad(t, (uint64_t)n);
	if (!gl_ok(!why, "trace header sane: %s", why ? why : "ok"))
		return;
	memcpy(&h, t, sizeof(h));
	gl_ok(h.dropped == 0 && h.cycles_hz > 0,
	      "trace: %u entries, none dropped (%u), counter at %llu Hz",
	      h.count, h.dropped, (unsigned long long)h.cycles_hz);
	purg = gl_cmdline_get("luo_trace_purgatory", want_purg,
			      sizeof(want_purg)) && want_purg[0] == '1';
#ifdef __aarch64__
	if (purg) {
		uint64_t frq;

		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
		if (h.cycles_hz != frq)
			gl_diag("the header's %llu Hz is not CNTFRQ_EL0",
				(unsigned long long)h.cycles_hz);
		gl_ok(h.cycles_hz == frq, "counter rate is CNTFRQ_EL0 (%llu Hz)",
		      (unsigned long long)frq);
	}
#endif
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		bool is_purg = order[i] >= LUO_RFC_TRACE_EV_PURG_START &&
			       order[i] <= LUO_RFC_TRACE_EV_PURG_JUMP;

		pos = first_of(t, (uint64_t)n, h.count, order[i]);
		if (is_purg && !purg) {
			ok_order &= gl_ok(pos < 0, "no purgatory stamp %s (kexec_file_load)",
					  ho_trace_event_name(order[i]));
			continue;
		}
		if (!gl_ok(pos >= 0, "event %s present", ho_trace_event_name(order[i]))) {
			ok_order = 0;
			continue;
		}
		/* stage 1 froze by hand: kexec-call follows freeze-end */
		ok_order &= gl_ok(pos > prev, "event %s at %ld after the previous one (%ld)",
				  ho_trace_event_name(order[i]), pos, prev);
		prev = pos;
	}
	gl_ok(count_arg(t, n, h.count, LUO_RFC_TRACE_EV_FILE_PREPARE, TOK_A) == 1 &&
	      count_arg(t, n, h.count, LUO_RFC_TRACE_EV_FILE_PREPARE, TOK_B) == 1 &&
	      count_arg(t, n, h.count, LUO_RFC_TRACE_EV_FILE_FREEZE, TOK_A) == 1 &&
	      count_arg(t, n, h.count, LUO_RFC_TRACE_EV_FILE_FREEZE, TOK_B) == 1 &&
	      count_arg(t, n, h.count, LUO_RFC_TRACE_EV_IN_FILE_RETRIEVE, TOK_A) == 1 &&
	      count_arg(t, n, h.count, LUO_RFC_TRACE_EV_IN_FILE_RETRIEVE, TOK_B) == 1,
	      "per-file prepare, freeze and retrieve once for each token");
	for (i = 0; i < h.count; i++) {
		if (!ho_trace_entry(t, n, i, &e) || e.clock < 1 || e.clock > 3) {
			mono = 0;
			break;
		}
		gl_diag("%3u %-24s %-6s arg %#x %llu", i, ho_trace_event_name(e.event),
			ho_trace_clock_name(e.clock), e.arg, (unsigned long long)e.value);
		if (e.value < last[e.clock]) {
			gl_diag("clock %s goes back at entry %u", ho_trace_clock_name(e.clock), i);
			mono = 0;
		}
		last[e.clock] = e.value;
	}
	gl_ok(mono, "every clock monotonic across the trace");
	gl_ok(ok_order, "TRACE COMPLETE: every expected event, in order");
	free(t);
}

static int stage2(int luo)
{
	char sa[LUO_HEX], sb[LUO_HEX], wa[LUO_HEX], wb[LUO_HEX];
	int sfd = luo_session(luo, SESSION, 1), fa, fb, err;

	if (!gl_ok(sfd >= 0, "retrieve session %s: %s", SESSION,
		   luo_why(sfd < 0 ? sfd : 0)))
		return 1;
	fa = luo_retrieve(sfd, TOK_A);
	fb = luo_retrieve(sfd, TOK_B);
	if (gl_ok(fa >= 0 && fb >= 0, "retrieve both memfds")) {
		luo_random_sha(SEED, SIZE, wa);
		luo_random_sha(SEED + 1, SIZE, wb);
		luo_fd_sha(fa, SIZE, sa);
		luo_fd_sha(fb, SIZE, sb);
		gl_ok(!strcmp(sa, wa) && !strcmp(sb, wb), "both byte-exact (sha256)");
	}
	err = luo_finish_session(sfd);
	gl_ok(!err, "finish the session: %s", luo_why(err));
	check_trace();
	gl_ok(!luo_kexec_trace(), "luo-kexec --trace: the table, each clock monotonic");
	return gl_exit_status();
}

int main(int argc, char **argv)
{
	return luo_main(argc, argv, stage1, stage2);
}
