// SPDX-License-Identifier: GPL-2.0-only
/* The handover query (sysfs first, /dev/liveupdate as fallback). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "handover.h"
#include "ld.h"

static void path_of(char *buf, size_t size, const char *root, const char *name)
{
	snprintf(buf, size, "%s/kernel/liveupdate/%s", root, name);
}

/* The parsed handover into h (which then owns the scratch table). */
static int handover_set(struct sys_handover *h, const struct ld_handover_text *t,
			const char *source)
{
	h->fdt_addr = t->fdt_addr;
	h->fdt_size = t->fdt_size;
	h->scratch = t->scratch;
	h->nscratch = t->nscratch;
	h->source = source;
	return 0;
}

/*
 * <root>/kernel/kho/out (the KHO patch): -ENOENT when the directory is not
 * there (no patch, or KHO off), else 0 or -errno with why.
 */
static int kho_sysfs_query(const char *root, struct sys_handover *h, char *why,
			   size_t whysize)
{
	static const char *const names[] = { "fdt_phys", "fdt_len", "scratch" };
	struct ld_handover_text t;
	char path[256], dir[224], pwhy[200];
	void *buf[3] = { 0 };
	size_t len[3] = { 0 };
	unsigned int i;
	int err = 0;

	snprintf(dir, sizeof(dir), "%s/kernel/kho/out", root);
	for (i = 0; i < 3 && !err; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		err = host_read_file(path, HOST_FILE_MAX, &buf[i], &len[i]);
		if (err == -ENOENT && !i)
			break;	/* no such directory, or no such file in it */
		if (err)
			snprintf(why, whysize, "%s: %s", path, strerror(-err));
	}
	if (!err) {
		err = ld_kho_sysfs_parse(buf[0], len[0], buf[1], len[1], buf[2], len[2],
					 &t, pwhy, sizeof(pwhy));
		if (err)
			snprintf(why, whysize, "%s: %s", dir, pwhy);
	}
	for (i = 0; i < 3; i++)
		free(buf[i]);
	h->offered = err != 0;
	if (err)
		return err;
	return handover_set(h, &t, "/sys/kernel/kho/out");
}

int handover_query(const char *root, struct sys_handover *h, char *why,
		   size_t whysize)
{
	struct ld_handover_text t;
	char path[256], pwhy[200];
	size_t len;
	void *buf;
	int err;

	memset(h, 0, sizeof(*h));
	path_of(path, sizeof(path), root, "handover");
	err = host_read_file(path, HOST_FILE_MAX, &buf, &len);
	if (err == -ENOENT) {
		/* Any LUO on a kernel with the KHO patch (Linux's own LUO). */
		err = kho_sysfs_query(root, h, why, whysize);
		if (err != -ENOENT)
			return err;
		/* An older kernel of ours: the /dev/liveupdate ioctl. */
		err = sys_handover_ioctl(h);
		if (err)
			snprintf(why, whysize, "no %s/kernel/kho/out nor %s; /dev/liveupdate: %s",
				 root, path,
				 err == -ENODEV ? "none, or KHO is off" :
				 err == -EBUSY ? "held open by another process" :
				 err == -ENOTTY || err == -EINVAL ?
				 "no KHO query in this kernel" : strerror(-err));
		return err;
	}
	if (err) {
		snprintf(why, whysize, "%s: %s", path,
			 err == -ENODEV ? "KHO is off" : strerror(-err));
		return err;
	}
	err = ld_handover_parse(buf, len, &t, pwhy, sizeof(pwhy));
	free(buf);
	if (err) {
		snprintf(why, whysize, "%s: %s", path, pwhy);
		return err;
	}
	return handover_set(h, &t, "/sys/kernel/liveupdate/handover");
}

/* ld_fmt_parse of a formats file (the running kernel's list, not a record) */
static int parse_formats_file(const void *buf, size_t len, struct ld_formats *f,
			      char *why, size_t whysize)
{
	return ld_fmt_parse(buf, len, false, f, why, whysize);
}

/*
 * The list that parse makes of the file at path: malloc()ed, or NULL with
 * "path: reason" in why (*errp the error: -ENOENT when there is no file).
 */
static struct ld_formats *formats_read(const char *path,
				       int (*parse)(const void *, size_t,
						    struct ld_formats *, char *, size_t),
				       char *why, size_t whysize, int *errp)
{
	struct ld_formats *f = NULL;
	char reason[200] = "";
	size_t len;
	void *buf;
	int err;

	err = host_read_file(path, HOST_FILE_MAX, &buf, &len);
	if (!err) {
		f = malloc(sizeof(*f));
		err = f ? parse(buf, len, f, reason, sizeof(reason)) : -ENOMEM;
		free(buf);
	}
	if (err) {
		snprintf(why, whysize, "%s: %s", path,
			 err == -ENOMEM || !reason[0] ? strerror(-err) : reason);
		free(f);
		f = NULL;
	}
	*errp = err;
	return f;
}

void handover_pending(const char *root, struct handover_pending *p)
{
	char path[256];
	size_t len;
	void *buf;
	int err;

	memset(p, 0, sizeof(*p));
	path_of(path, sizeof(path), root, "state");
	if (!host_read_file(path, HOST_FILE_MAX, &buf, &len)) {
		const char *nl = memchr(buf, '\n', len);
		size_t l = nl ? (size_t)(nl - (char *)buf) : len;

		if (l < sizeof(p->state))
			memcpy(p->state, buf, l);
		free(buf);
	}
	path_of(path, sizeof(path), root, "formats");
	p->fmt = formats_read(path, parse_formats_file, p->fmt_why, sizeof(p->fmt_why), &err);
	if (p->fmt) {
		p->sessions = p->fmt->sessions;
		p->files = ld_fmt_files(p->fmt);
	} else if (err == -ENOENT) {
		/*
		 * No formats file: Linux's own LUO names its format in the
		 * blob of its KHO entry (debugfs shows the outgoing blobs
		 * under kho/out/sub_fdts/).
		 */
		snprintf(path, sizeof(path), "%s/kernel/debug/kho/out/sub_fdts/%s", root,
			 HO_LUO_V5_ENTRY);
		p->kho = formats_read(path, ld_fmt_from_luo_blob, p->kho_why,
				      sizeof(p->kho_why), &err);
	}
	/* Who this kernel is: the build ID of its notes, the release. */
	snprintf(path, sizeof(path), "%s/kernel/notes", root);
	if (!host_read_file(path, HOST_FILE_MAX, &buf, &len)) {
		ld_kernel_scan(buf, len, &p->self);
		free(buf);
	}
	{
		struct utsname u;

		if (!uname(&u))
			snprintf(p->self.release, sizeof(p->self.release), "%s", u.release);
	}
	/*
	 * Prepared, frozen: an update is under way; updated: restored state
	 * may still wait to be retrieved. Normal and disabled (LUO off) hold
	 * nothing by themselves.
	 */
	p->anything = p->sessions || p->files ||
		(p->state[0] && strcmp(p->state, "normal") && strcmp(p->state, "disabled"));
}

void handover_pending_free(struct handover_pending *p)
{
	free(p->fmt);
	p->fmt = NULL;
	free(p->kho);
	p->kho = NULL;
}

void handover_pending_words(const struct handover_pending *p, char *buf,
			    size_t size)
{
	if (p->fmt)
		snprintf(buf, size, "%" PRIu64 " session%s, %" PRIu64 " preserved file%s, "
			 "LUO state %s", p->sessions, p->sessions == 1 ? "" : "s",
			 p->files, p->files == 1 ? "" : "s", p->state[0] ? p->state : "unknown");
	else if (p->kho)	/* Linux's own LUO: its KHO blob names the LUO only */
		snprintf(buf, size, "Linux's own LUO %s: sessions and files not listed",
			 p->kho->ent[1].compat);
	else if (p->state[0])
		snprintf(buf, size, "LUO state %s, sessions and files unknown (%s)",
			 p->state, p->fmt_why);
	else	/* Linux's own LUO lists neither */
		snprintf(buf, size, "sessions and files unknown (%s)", p->fmt_why);
}

/* "7.3.4, build ID 99118c3e..." or what is unknown */
static void kernel_words(const struct ld_kernel_id *k, char *buf, size_t size)
{
	char hex[2 * LD_BUILD_ID_MAX + 1] = "";

	if (k->nids)
		ld_build_id_hex(&k->ids[0], hex, sizeof(hex));
	snprintf(buf, size, "release %s, build ID %s", k->release[0] ? k->release : "unknown",
		 hex[0] ? hex : "unknown");
}

int handover_preflight(const char *kernel, const void *img, size_t len,
		       const struct handover_pending *p, bool force, bool check)
{
	FILE *out = check ? stdout : stderr;
	struct ld_formats *tgt = calloc(1, sizeof(*tgt));	/* kid empty on any error */
	const struct ld_formats *run = p->fmt ? p->fmt : p->kho;
	char why[LD_WHY_MAX] = "", words[LD_WHY_MAX + 96];
	char self_w[200], tgt_w[200], miss[LD_WHY_MAX] = "";
	unsigned int bad = 0;
	bool same, known;
	int err, rc;

	if (!tgt) {
		errmsg("%s: %s", ld_errname(LD_ERR_TARGET_UNKNOWN), strerror(ENOMEM));
		return LD_ERR_TARGET_UNKNOWN;
	}
	/* Without a record the target's image is searched for run's compatibles. */
	tgt->scan_for = run;
	err = ld_image_formats(img, len, tgt, why, sizeof(why));
	known = !err || (err == -ENOENT && tgt->scanned);
	/* A decoded image without record still says who it is (err -ENOENT). */
	same = (!err || err == -ENOENT) && ld_kernel_same_build(&p->self, &tgt->kid);
	if (run)
		bad = ld_fmt_compare(run, known ? tgt : NULL, NULL, "");
	if (bad)
		ld_fmt_missing(run, tgt, miss, sizeof(miss));
	handover_pending_words(p, words, sizeof(words));
	kernel_words(&p->self, self_w, sizeof(self_w));
	if (!err || err == -ENOENT)
		kernel_words(&tgt->kid, tgt_w, sizeof(tgt_w));
	else
		snprintf(tgt_w, sizeof(tgt_w), "unknown");
	/*
	 * Rule 1: the target is this kernel's own build, which reads every
	 * format it writes (a record, when both lists exist, is still
	 * compared: it must agree with the formats file).
	 */
	if (same && (err || !p->fmt)) {
		if (check)
			printf("luo-kexec: compatible: %s is this kernel's own build (%s): "
			       "it reads every format this kernel hands over\n", kernel, self_w);
		else
			fprintf(stderr, "luo-kexec: carrying the handover (%s); %s is this "
				"kernel's own build (%s): it reads every format of it\n", words,
				kernel, self_w);
		free(tgt);
		return 0;
	}
	/* Rule 2: every format handed over is in the record or the image. */
	if (!check && known && run && !bad) {
		fprintf(stderr, "luo-kexec: carrying the handover (%s); %s reads every "
			"format of it%s\n", words, kernel, err ?
			" (its compatibles found in its decoded image)" : "");
		free(tgt);
		return 0;
	}
	if (!run)
		fprintf(out, "luo-kexec: what this kernel hands over is unknown: %s%s%s\n",
			p->fmt_why, p->kho_why[0] ? "; " : "", p->kho_why);
	if (err && known)
		fprintf(out, "luo-kexec: %s: %s: its decoded image searched for the "
			"compatibles handed over\n", kernel, why);
	else if (err)
		fprintf(out, "luo-kexec: %s: handover formats unknown: %s\n", kernel, why);
	if (!known || !run)
		fprintf(out, "luo-kexec: not the same build: this kernel %s; %s %s "
			"(a release name proves nothing: the configuration decides what "
			"a kernel reads)\n", self_w, kernel, tgt_w);
	if (run) {
		fprintf(out, "luo-kexec: handover of this kernel (%s) vs what %s reads%s:\n",
			words, kernel,
			err && known ? " (found in its image)" : "");
		ld_fmt_compare(run, known ? tgt : NULL, out, "  ");
	}
	free(tgt);
	rc = !known || !run ? LD_ERR_TARGET_UNKNOWN : bad ? LD_ERR_TARGET_FORMAT : 0;
	if (check) {
		if (!rc)
			printf("luo-kexec: compatible: %s reads every format this kernel "
			       "hands over\n", kernel);
		else if (bad)
			printf("luo-kexec: NOT compatible: %s cannot read %u format%s (%s)\n",
			       kernel, bad, bad == 1 ? "" : "s", miss);
		else
			printf("luo-kexec: unknown: cannot compare\n");
		return rc;
	}
	if (!rc)
		return 0;
	if (force) {
		fprintf(stderr, "luo-kexec: --force: loading %s %s; what it cannot read "
			"is lost in the update\n", kernel, bad ?
			"although it cannot read the handover" :
			"although its handover formats are unknown");
		return 0;
	}
	if (bad)
		errmsg("%s: refused: %s cannot read %u format%s of the handover (%s); "
		       "nothing loaded, the sessions stay (--force loads it anyway)",
		       ld_errname(rc), kernel, bad, bad == 1 ? "" : "s", miss);
	else
		errmsg("%s: refused: cannot tell whether %s reads the handover; nothing "
		       "loaded (--force loads it anyway)", ld_errname(rc), kernel);
	return rc;
}
