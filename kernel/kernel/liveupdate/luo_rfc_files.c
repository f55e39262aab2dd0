// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator, RFC design: the files subsystem and sessions.
 */

/**
 * DOC: Files subsystem and sessions
 *
 * Preserving open files is one ordinary LUO subsystem, "files"
 * (compatible "luo-files-v1"), registered first so that files are prepared
 * before, and cancelled after, every other participant.
 *
 * A file type becomes preservable when its owner calls
 * liveupdate_register_file_ops() with a versioned compatible string (e.g.
 * "memfd-rfc-v2"), a const &struct luo_file_ops and its private data. The
 * compatible string is written with every file so that the next kernel picks
 * the same handler (or refuses the file).
 *
 * Userspace groups files into named *sessions* (the upstream 7.3 uapi,
 * <linux/liveupdate.h>). Sessions map onto the phase model as follows:
 *
 * - normal: CREATE_SESSION makes an outgoing session whose lifetime is the
 *   session fd. PRESERVE_FD checks the file type (can_preserve), takes a
 *   reference and records the token; the expensive work waits for prepare.
 *   Closing the session fd forgets its files.
 * - prepare: every recorded file is prepared (for memfd: folios pinned and
 *   KHO-preserved, folio table written). PRESERVE_FD while prepared
 *   prepares the new file at once. Closing a session cancels its files.
 * - freeze: files get their last update and the sessions and files are
 *   written to the blob (/sessions, /file-descriptors). While frozen no
 *   session or file may be added (EBUSY); closing a session fd cancels the
 *   whole live update, since the blob would refer to released memory.
 * - updated (next kernel): RETRIEVE_SESSION by name, RETRIEVE_FD by token
 *   (a second retrieve of the same token returns the same file again),
 *   then FINISH on the session releases whatever was not retrieved. When
 *   the last incoming session is finished, the whole update finishes
 *   (updated -> normal). LIVEUPDATE_IOCTL_FINISH on /dev/liveupdate finishes
 *   every remaining session at once. New outgoing sessions may be created
 *   in updated already; the next kexec finishes the pending update first.
 *
 * - kexec: the kexec hook lets every file handler verify that its file did
 *   not change since freeze (memfd: no new pages, no new seals); then the
 *   update is committed and nothing here runs any more (see the DOC block
 *   of luo_rfc_core.c).
 *
 * Errors follow upstream: unsupported file type ENOENT, a file preserved
 * twice EBUSY (the same inode, whichever struct file or fd: a reopen through
 * /proc/self/fd counts), duplicate token or session name EEXIST, unknown
 * token or session ENOENT, an operation on the wrong kind of session
 * EINVAL, and any change while frozen EBUSY.
 *
 * A new session is published (visible to prepare, freeze, cancel and the
 * blob) only after CREATE_SESSION has copied its fd number to userspace; a
 * failed copy leaves nothing behind.
 */

#define pr_fmt(fmt) "luo: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/libfdt.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "luo_rfc_internal.h"

/**
 * struct luo_file_handler - a registered file type
 * @list:       entry in luo_handlers
 * @compatible: versioned compatible written with each file
 * @ops:        the owner's const callbacks
 * @data:       the owner's private data
 */
struct luo_file_handler {
	struct list_head list;
	char compatible[LUO_NAME_MAX];
	const struct luo_file_ops *ops;
	void *data;
};

/**
 * struct luo_session - a named group of preserved files
 * @list:     entry in luo_out_sessions or luo_in_sessions
 * @name:     unique name (per direction)
 * @files:    the session's &struct luo_file entries
 * @incoming: handed over by the previous kernel
 * @index:    incoming: node index under /sessions
 * @opened:   incoming: a session fd exists
 * @finished: incoming: finished and unlinked; freed with its fd
 */
struct luo_session {
	struct list_head list;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct list_head files;
	bool incoming;
	u32 index;
	bool opened;
	bool finished;
};

/**
 * struct luo_file - one preserved file
 * @list:            entry in the session's @files
 * @fh:              handler (outgoing; incoming once looked up)
 * @compatible:      incoming: the handler compatible from the blob
 * @file:            outgoing: the file (one reference); incoming: the
 *                   retrieved file (one reference until finish)
 * @token:           userspace token, unique in the session
 * @data:            the handler's u64 in the blob
 * @private_data:    the handler's runtime state between prepare and cancel
 * @prepared:        outgoing: @fh->ops->prepare succeeded
 * @retrieve_status: incoming: 0 not tried, 1 retrieved, or the errno
 */
struct luo_file {
	struct list_head list;
	struct luo_file_handler *fh;
	char compatible[LUO_NAME_MAX];
	struct file *file;
	u64 token;
	u64 data;
	void *private_data;
	bool prepared;
	int retrieve_status;
};

static LIST_HEAD(luo_handlers);
static LIST_HEAD(luo_out_sessions);
static LIST_HEAD(luo_in_sessions);

/**
 * liveupdate_register_file_ops - make a file type preservable
 * @compatible: versioned compatible string, e.g. "memfd-rfc-v2"
 * @ops:        const callbacks; @can_preserve, @prepare, @cancel and
 *              @retrieve are required
 * @data:       private data, passed back as &luo_file_args.handler_data
 *
 * Context: process context.
 * Return: an opaque handle, or ERR_PTR(-EINVAL) for bad arguments,
 * ERR_PTR(-EEXIST) if @compatible is registered already,
 * ERR_PTR(-EOPNOTSUPP) when LUO is disabled, ERR_PTR(-ENOMEM).
 */
struct luo_file_handler *
liveupdate_register_file_ops(const char *compatible,
			     const struct luo_file_ops *ops, void *data)
{
	struct luo_file_handler *fh, *it;
	int err;

	if (!compatible || !*compatible || strlen(compatible) >= LUO_NAME_MAX ||
	    !ops || !ops->can_preserve || !ops->prepare || !ops->cancel ||
	    !ops->retrieve)
		return ERR_PTR(-EINVAL);

	fh = kzalloc_obj(*fh);
	if (!fh)
		return ERR_PTR(-ENOMEM);
	strscpy(fh->compatible, compatible);
	fh->ops = ops;
	fh->data = data;

	mutex_lock(&luo_lock);
	err = -EOPNOTSUPP;
	if (!liveupdate_rfc_enabled())
		goto err_unlock;
	err = -EEXIST;
	list_for_each_entry(it, &luo_handlers, list)
		if (!strcmp(it->compatible, compatible))
			goto err_unlock;
	list_add_tail(&fh->list, &luo_handlers);
	mutex_unlock(&luo_lock);
	return fh;

err_unlock:
	mutex_unlock(&luo_lock);
	kfree(fh);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(liveupdate_register_file_ops);

/*
 * Does any file still need @fh: an outgoing file of its type, or an incoming
 * one that uses it (retrieved) or will (its compatible, not finished yet)?
 */
static bool luo_handler_in_use(struct luo_file_handler *fh)
{
	struct luo_session *s;
	struct luo_file *f;

	list_for_each_entry(s, &luo_out_sessions, list)
		list_for_each_entry(f, &s->files, list)
			if (f->fh == fh)
				return true;
	list_for_each_entry(s, &luo_in_sessions, list)
		list_for_each_entry(f, &s->files, list)
			if (f->fh == fh || !strcmp(f->compatible, fh->compatible))
				return true;
	return false;
}

/* Unlink @fh unless a file needs it; true if unlinked. luo_lock held. */
static bool luo_handler_remove(struct luo_file_handler *fh)
{
	lockdep_assert_held(&luo_lock);
	if (luo_handler_in_use(fh)) {
		pr_err("%s still has preserved files: kept\n", fh->compatible);
		return false;
	}
	list_del(&fh->list);
	return true;
}

/**
 * liveupdate_unregister_file_ops - remove a file type
 * @fh: handle from liveupdate_register_file_ops()
 *
 * Context: process context. The caller must make sure that no file of this
 * type is preserved any more, outgoing or incoming (until its session is
 * finished); while one is, the call is reported and the handler stays
 * registered.
 */
void liveupdate_unregister_file_ops(struct luo_file_handler *fh)
{
	bool gone;

	if (IS_ERR_OR_NULL(fh))
		return;
	mutex_lock(&luo_lock);
	gone = luo_handler_remove(fh);
	mutex_unlock(&luo_lock);
	if (gone)
		kfree(fh);
}
EXPORT_SYMBOL_GPL(liveupdate_unregister_file_ops);

static void luo_file_args_init(struct luo_file_args *args, struct luo_file *f)
{
	memset(args, 0, sizeof(*args));
	args->handler_data = f->fh->data;
	args->file = f->file;
	args->data = f->data;
	args->private_data = f->private_data;
	args->retrieved = f->retrieve_status > 0;
}

static int luo_file_prepare(struct luo_file *f)
{
	struct luo_file_args args;
	int err;

	luo_file_args_init(&args, f);
	err = f->fh->ops->prepare(&args);
	if (err) {
		pr_err("%s file (token %#llx) failed to prepare: %pe\n",
		       f->fh->compatible, f->token, ERR_PTR(err));
		return err;
	}
	f->data = args.data;
	f->private_data = args.private_data;
	f->prepared = true;
	return 0;
}

static void luo_file_cancel(struct luo_file *f)
{
	struct luo_file_args args;

	if (!f->prepared)
		return;
	luo_file_args_init(&args, f);
	f->fh->ops->cancel(&args);
	f->prepared = false;
	f->data = 0;
	f->private_data = NULL;
}

static void luo_session_cancel_files(struct luo_session *s)
{
	struct luo_file *f;

	list_for_each_entry_reverse(f, &s->files, list)
		luo_file_cancel(f);
}

/* Subsystem callbacks: every outgoing file of every session. */
static void luo_files_cancel(void *data, u64 sdata)
{
	struct luo_session *s;

	list_for_each_entry_reverse(s, &luo_out_sessions, list)
		luo_session_cancel_files(s);
}

static int luo_files_prepare(void *data, u64 *sdata)
{
	struct luo_session *s;
	struct luo_file *f;
	int err;

	list_for_each_entry(s, &luo_out_sessions, list) {
		list_for_each_entry(f, &s->files, list) {
			err = luo_file_prepare(f);
			if (err)
				goto err_cancel;
			luo_trace_stamp(LUO_RFC_TRACE_EV_FILE_PREPARE,
					lower_32_bits(f->token));
		}
	}
	return 0;

err_cancel:
	luo_files_cancel(data, 0);
	return err;
}

/* Freeze every outgoing file, or (@verify) check that none changed since. */
static int luo_files_freeze_or_verify(bool verify)
{
	int (*op)(struct luo_file_args *args);
	struct luo_file_args args;
	struct luo_session *s;
	struct luo_file *f;
	int err;

	list_for_each_entry(s, &luo_out_sessions, list) {
		list_for_each_entry(f, &s->files, list) {
			op = verify ? f->fh->ops->verify : f->fh->ops->freeze;
			if (!op)
				continue;
			luo_file_args_init(&args, f);
			err = op(&args);
			if (err) {
				pr_err("%s file (token %#llx) failed to %s: %pe\n",
				       f->fh->compatible, f->token,
				       verify ? "verify" : "freeze", ERR_PTR(err));
				return err;
			}
			f->data = args.data;
			if (!verify)
				luo_trace_stamp(LUO_RFC_TRACE_EV_FILE_FREEZE,
						lower_32_bits(f->token));
		}
	}
	return 0;
}

static int luo_files_freeze(void *data, u64 *sdata)
{
	return luo_files_freeze_or_verify(false);
}

static int luo_files_verify(void *data, u64 sdata)
{
	return luo_files_freeze_or_verify(true);
}

static struct luo_file_handler *luo_find_handler(const char *compatible)
{
	struct luo_file_handler *fh;

	list_for_each_entry(fh, &luo_handlers, list)
		if (!strcmp(fh->compatible, compatible))
			return fh;
	return NULL;
}

#ifdef CONFIG_LIVEUPDATE_RFC_FAULT_INJECT
/*
 * Test hook: liveupdate_unregister_file_ops() on the handler of
 * @compatible, as its owner would call it. Return: 0 when it is gone,
 * -EBUSY when a file still needs it (kept), -ENOENT when there is none.
 */
int luo_test_unregister(const char *compatible)
{
	struct luo_file_handler *fh;
	int err = -ENOENT;

	mutex_lock(&luo_lock);
	fh = luo_find_handler(compatible);
	if (fh)
		err = luo_handler_remove(fh) ? 0 : -EBUSY;
	mutex_unlock(&luo_lock);
	if (!err)
		kfree(fh);
	return err;
}
#endif

/* Release one incoming file: drop the retrieved file or let the handler free. */
static void luo_file_release_incoming(struct luo_file *f)
{
	struct luo_file_args args;

	if (f->retrieve_status > 0) {
		fput(f->file);
		return;
	}
	/* a failed retrieve already released what it could */
	if (f->retrieve_status < 0)
		return;
	if (!f->fh)
		f->fh = luo_find_handler(f->compatible);
	if (!f->fh) {
		pr_warn("no %s handler: file (token %#llx) leaks its memory\n",
			f->compatible, f->token);
		return;
	}
	if (!f->fh->ops->finish)
		return;
	luo_file_args_init(&args, f);
	args.retrieved = false;
	f->fh->ops->finish(&args);
}

static void luo_session_free_files(struct luo_session *s)
{
	struct luo_file *f, *tmp;

	list_for_each_entry_safe(f, tmp, &s->files, list) {
		if (s->incoming)
			luo_file_release_incoming(f);
		else if (f->file)
			fput(f->file);
		list_del(&f->list);
		kfree(f);
	}
}

/* Incoming session done: release its files, unlink it, free it if closed. */
static void luo_session_finish_incoming(struct luo_session *s)
{
	luo_session_free_files(s);
	list_del(&s->list);
	s->finished = true;
	if (!s->opened)
		kfree(s);
}

static void luo_files_finish(void *data, u64 sdata)
{
	struct luo_session *s, *tmp;

	list_for_each_entry_safe(s, tmp, &luo_in_sessions, list)
		luo_session_finish_incoming(s);
}

static const struct luo_subsystem_ops luo_files_ops = {
	.prepare = luo_files_prepare,
	.freeze = luo_files_freeze,
	.verify = luo_files_verify,
	.cancel = luo_files_cancel,
	.finish = luo_files_finish,
};

int luo_files_register(void)
{
	struct luo_subsystem *ss;

	ss = liveupdate_register_subsystem(LUO_RFC_FILES_NAME, LUO_RFC_FILES_COMPATIBLE,
					   &luo_files_ops, NULL);
	return PTR_ERR_OR_ZERO(ss);
}

/**
 * luo_walk_file_handlers - call @fn for every registered file handler
 * @fn:  called with @arg, the handler's compatible and the number of files
 *       it preserves in outgoing sessions
 * @arg: passed to @fn
 *
 * Context: luo_lock held.
 * Return: the number of outgoing sessions.
 */
unsigned int luo_walk_file_handlers(luo_file_handler_fn fn, void *arg)
{
	struct luo_file_handler *fh;
	struct luo_session *s;
	struct luo_file *f;
	unsigned int n;

	lockdep_assert_held(&luo_lock);
	list_for_each_entry(fh, &luo_handlers, list) {
		n = 0;
		list_for_each_entry(s, &luo_out_sessions, list)
			list_for_each_entry(f, &s->files, list)
				n += f->fh == fh;
		fn(arg, fh->compatible, n);
	}
	n = 0;
	list_for_each_entry(s, &luo_out_sessions, list)
		n++;
	return n;
}

bool luo_files_incoming_pending(void)
{
	return !list_empty(&luo_in_sessions);
}

/* Context: luo_lock held. */
bool luo_files_outgoing(void)
{
	return !list_empty(&luo_out_sessions);
}

/*
 * Write /sessions and /file-descriptors (docs/handover-format.md).
 * Context: luo_lock held. Return: 0 or a -FDT_ERR_* code.
 */
int luo_files_serialize(void *fdt)
{
	struct luo_session *s;
	struct luo_file *f;
	u64 id = 0, first_data = 0;
	char node[24];
	u32 index = 0;
	int err;

	err = fdt_begin_node(fdt, LUO_RFC_NODE_SESSIONS);
	list_for_each_entry(s, &luo_out_sessions, list) {
		snprintf(node, sizeof(node), "%x", index++);
		if (!err)
			err = fdt_begin_node(fdt, node);
		if (!err)
			err = fdt_property_string(fdt, LUO_RFC_PROP_NAME, s->name);
		if (!err)
			err = fdt_end_node(fdt);
	}
	if (!err)
		err = fdt_end_node(fdt);

	if (!err)
		err = fdt_begin_node(fdt, LUO_RFC_NODE_FILES);
	index = 0;
	list_for_each_entry(s, &luo_out_sessions, list) {
		list_for_each_entry(f, &s->files, list) {
			u64 data = f->data;

			/* test fault: the second file claims the first's data */
			if (!id)
				first_data = data;
			else if (id == 1 && liveupdate_rfc_fault("dup-data"))
				data = first_data;
			snprintf(node, sizeof(node), "%llx", id++);
			if (!err)
				err = fdt_begin_node(fdt, node);
			if (!err)
				err = fdt_property_string(fdt, "compatible",
							  f->fh->compatible);
			if (!err)
				err = fdt_property(fdt, LUO_RFC_PROP_TOKEN, &f->token,
						   sizeof(f->token));
			if (!err)
				err = fdt_property(fdt, LUO_RFC_PROP_SESSION, &index,
						   sizeof(index));
			if (!err)
				err = fdt_property(fdt, LUO_RFC_PROP_DATA, &data,
						   sizeof(data));
			if (!err)
				err = fdt_end_node(fdt);
		}
		index++;
	}
	if (!err)
		err = fdt_end_node(fdt);
	return err;
}

/* A node name that is lower-case hex without leading zeros. */
static int luo_parse_hex_name(const char *name, u64 *val)
{
	char buf[24];

	if (!name || kstrtou64(name, 16, val))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%llx", *val);
	return strcmp(buf, name) ? -EINVAL : 0;
}

static struct luo_session *luo_find_in_index(u32 index)
{
	struct luo_session *s;

	list_for_each_entry(s, &luo_in_sessions, list)
		if (s->index == index)
			return s;
	return NULL;
}

static void luo_files_free_incoming(void)
{
	struct luo_session *s, *tmp;
	struct luo_file *f, *ftmp;

	list_for_each_entry_safe(s, tmp, &luo_in_sessions, list) {
		list_for_each_entry_safe(f, ftmp, &s->files, list) {
			list_del(&f->list);
			kfree(f);
		}
		list_del(&s->list);
		kfree(s);
	}
}

/* The node /@name of the incoming blob, or -EINVAL. */
static int luo_blob_node(const void *fdt, const char *name)
{
	int node = fdt_subnode_offset(fdt, 0, name);

	if (node < 0) {
		pr_err("incoming blob: no /%s node\n", name);
		return -EINVAL;
	}
	return node;
}

static int luo_parse_sessions(const void *fdt)
{
	struct luo_session *s, *it;
	int node, off;
	u64 index;

	node = luo_blob_node(fdt, LUO_RFC_NODE_SESSIONS);
	if (node < 0)
		return node;
	fdt_for_each_subnode(off, fdt, node) {
		const char *nname = fdt_get_name(fdt, off, NULL);

		if (luo_parse_hex_name(nname, &index) || index > U32_MAX) {
			pr_err("incoming blob: bad session node name\n");
			return -EINVAL;
		}
		s = kzalloc_obj(*s);
		if (!s)
			return -ENOMEM;
		INIT_LIST_HEAD(&s->files);
		s->incoming = true;
		s->index = index;
		if (luo_fdt_get_string(fdt, off, LUO_RFC_PROP_NAME, s->name,
				       sizeof(s->name))) {
			pr_err("incoming blob: session %s: bad name\n", nname);
			kfree(s);
			return -EINVAL;
		}
		list_for_each_entry(it, &luo_in_sessions, list) {
			if (!strcmp(it->name, s->name) || it->index == s->index) {
				pr_err("incoming blob: session %s: duplicate\n",
				       s->name);
				kfree(s);
				return -EINVAL;
			}
		}
		list_add_tail(&s->list, &luo_in_sessions);
	}
	return 0;
}

/* Has any incoming file (of any session) the handover data @data? */
static bool luo_in_data_used(u64 data)
{
	struct luo_session *s;
	struct luo_file *f;

	list_for_each_entry(s, &luo_in_sessions, list)
		list_for_each_entry(f, &s->files, list)
			if (f->data == data)
				return true;
	return false;
}

static int luo_parse_files(const void *fdt)
{
	struct luo_session *s;
	struct luo_file *f, *it;
	int node, off;
	u32 index;
	u64 id;

	node = luo_blob_node(fdt, LUO_RFC_NODE_FILES);
	if (node < 0)
		return node;
	fdt_for_each_subnode(off, fdt, node) {
		const char *nname = fdt_get_name(fdt, off, NULL);

		if (luo_parse_hex_name(nname, &id)) {
			pr_err("incoming blob: bad file node name\n");
			return -EINVAL;
		}
		f = kzalloc_obj(*f);
		if (!f)
			return -ENOMEM;
		if (luo_fdt_get_string(fdt, off, "compatible", f->compatible,
				       sizeof(f->compatible)) ||
		    luo_fdt_get_u64(fdt, off, LUO_RFC_PROP_TOKEN, &f->token) ||
		    luo_fdt_get_u32(fdt, off, LUO_RFC_PROP_SESSION, &index) ||
		    luo_fdt_get_u64(fdt, off, LUO_RFC_PROP_DATA, &f->data)) {
			pr_err("incoming blob: file %s: missing or bad property\n",
			       nname);
			kfree(f);
			return -EINVAL;
		}
		s = luo_find_in_index(index);
		if (!s) {
			pr_err("incoming blob: file %s: no session %x\n", nname,
			       index);
			kfree(f);
			return -EINVAL;
		}
		list_for_each_entry(it, &s->files, list) {
			if (it->token == f->token) {
				pr_err("incoming blob: file %s: token %#llx twice in session %s\n",
				       nname, f->token, s->name);
				kfree(f);
				return -EINVAL;
			}
		}
		/* one preserved object, two owners: the second would read freed memory */
		if (luo_in_data_used(f->data)) {
			pr_err("incoming blob: file %s: data %#llx used by another file\n",
			       nname, f->data);
			kfree(f);
			return -EINVAL;
		}
		list_add_tail(&f->list, &s->files);
	}
	return 0;
}

/*
 * Take in /sessions and /file-descriptors. The blob is copied: nothing
 * points into it afterwards. Context: boot, luo_lock held.
 * Return: 0, -EINVAL for a malformed blob, or -ENOMEM.
 */
int luo_files_deserialize(const void *fdt)
{
	int err;

	err = luo_parse_sessions(fdt);
	if (!err)
		err = luo_parse_files(fdt);
	if (err)
		luo_files_free_incoming();
	return err;
}

/*
 * Is @file preserved in any outgoing session? Keyed on the inode: a reopen
 * through /proc/self/fd is another struct file of the same memfd.
 */
static bool luo_file_is_preserved(struct file *file)
{
	struct luo_session *s;
	struct luo_file *f;

	list_for_each_entry(s, &luo_out_sessions, list)
		list_for_each_entry(f, &s->files, list)
			if (file_inode(f->file) == file_inode(file))
				return true;
	return false;
}

/* The file of @s with @token, or NULL. */
static struct luo_file *luo_session_find_file(struct luo_session *s,
					      u64 token)
{
	struct luo_file *f;

	lockdep_assert_held(&luo_lock);
	list_for_each_entry(f, &s->files, list)
		if (f->token == token)
			return f;
	return NULL;
}

/* The first handler that can preserve @file, or NULL. */
static struct luo_file_handler *luo_handler_for(struct file *file)
{
	struct luo_file_handler *fh;

	list_for_each_entry(fh, &luo_handlers, list)
		if (fh->ops->can_preserve(fh->data, file))
			return fh;
	return NULL;
}

/* luo_session_preserve_fd() with luo_lock held. */
static int luo_session_preserve_fd_locked(struct luo_session *s, int fd,
					  u64 token)
{
	struct luo_file_handler *fh;
	struct luo_file *f;
	struct file *file;
	int err;

	lockdep_assert_held(&luo_lock);
	if (luo_get_state() == LIVEUPDATE_STATE_FROZEN)
		return -EBUSY;
	if (luo_session_find_file(s, token))
		return -EEXIST;

	file = fget(fd);
	if (!file)
		return -EBADF;
	err = -EBUSY;
	if (luo_file_is_preserved(file))
		goto err_fput;
	err = -ENOENT;
	fh = luo_handler_for(file);
	if (!fh)
		goto err_fput;

	err = -ENOMEM;
	f = kzalloc_obj(*f);
	if (!f)
		goto err_fput;
	f->fh = fh;
	f->file = file;
	f->token = token;
	if (luo_get_state() == LIVEUPDATE_STATE_PREPARED) {
		err = luo_file_prepare(f);
		if (err)
			goto err_free;
	}
	list_add_tail(&f->list, &s->files);
	return 0;

err_free:
	kfree(f);
err_fput:
	fput(file);
	return err;
}

static int luo_session_preserve_fd(struct luo_session *s, int fd, u64 token)
{
	if (s->incoming)
		return -EINVAL;

	guard(mutex)(&luo_lock);
	return luo_session_preserve_fd_locked(s, fd, token);
}

static int luo_session_retrieve_fd(struct luo_session *s, u64 token,
				   struct file **filep)
{
	struct luo_file_args args;
	struct luo_file *f;
	int err;

	if (!s->incoming)
		return -EINVAL;

	guard(mutex)(&luo_lock);
	if (s->finished)
		return -ENOENT;
	f = luo_session_find_file(s, token);
	if (!f)
		return -ENOENT;
	if (f->retrieve_status < 0)
		return f->retrieve_status;
	if (f->retrieve_status > 0) {
		*filep = get_file(f->file);
		return 0;
	}
	if (!f->fh)
		f->fh = luo_find_handler(f->compatible);
	if (!f->fh) {
		pr_err("no handler for %s (token %#llx)\n", f->compatible,
		       f->token);
		return -EOPNOTSUPP;
	}
	luo_file_args_init(&args, f);
	args.file = NULL;
	err = f->fh->ops->retrieve(&args);
	if (err) {
		pr_err("%s file (token %#llx) failed to retrieve: %pe\n",
		       f->compatible, f->token, ERR_PTR(err));
		f->retrieve_status = err;
		return err;
	}
	f->file = args.file;
	f->retrieve_status = 1;
	*filep = get_file(f->file);
	luo_trace_stamp(LUO_RFC_TRACE_EV_IN_FILE_RETRIEVE,
			lower_32_bits(f->token));
	return 0;
}

static int luo_session_finish(struct luo_session *s)
{
	if (!s->incoming)
		return -EINVAL;

	guard(mutex)(&luo_lock);
	if (s->finished)
		return -ENOENT;
	luo_session_finish_incoming(s);
	luo_maybe_finish();
	return 0;
}

static int luo_session_release(struct inode *inode, struct file *filep)
{
	struct luo_session *s = filep->private_data;

	guard(mutex)(&luo_lock);
	if (s->incoming) {
		s->opened = false;
		if (s->finished)
			kfree(s);
		return 0;
	}
	/* never published (CREATE_SESSION failed to hand it over) */
	if (list_empty(&s->list)) {
		kfree(s);
		return 0;
	}

	if (luo_get_state() == LIVEUPDATE_STATE_FROZEN) {
		pr_warn("session %s closed while frozen: cancelling the live update\n",
			s->name);
		luo_cancel();
	} else {
		luo_session_cancel_files(s);
	}
	list_del(&s->list);
	luo_session_free_files(s);
	kfree(s);
	return 0;
}

static int luo_ioctl_preserve_fd(struct file *filep, struct luo_ucmd *ucmd)
{
	struct liveupdate_session_preserve_fd *argp = ucmd->cmd;

	return luo_session_preserve_fd(filep->private_data, argp->fd,
				       argp->token);
}

static int luo_ioctl_retrieve_fd(struct file *filep, struct luo_ucmd *ucmd)
{
	struct liveupdate_session_retrieve_fd *argp = ucmd->cmd;
	struct file *file;
	int err, fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	err = luo_session_retrieve_fd(filep->private_data, argp->token, &file);
	if (err) {
		put_unused_fd(fd);
		return err;
	}
	argp->fd = fd;
	return luo_ucmd_install(ucmd, sizeof(*argp), fd, file, NULL);
}

static int luo_ioctl_session_finish(struct file *filep, struct luo_ucmd *ucmd)
{
	struct liveupdate_session_finish *argp = ucmd->cmd;

	if (argp->reserved)
		return -EINVAL;
	return luo_session_finish(filep->private_data);
}

static int luo_ioctl_get_name(struct file *filep, struct luo_ucmd *ucmd)
{
	struct liveupdate_session_get_name *argp = ucmd->cmd;
	struct luo_session *s = filep->private_data;

	if (argp->reserved)
		return -EINVAL;
	memset(argp->name, 0, sizeof(argp->name));
	strscpy(argp->name, s->name);
	return luo_ucmd_respond(ucmd, sizeof(*argp));
}

static const struct luo_ioctl_op luo_session_ioctl_ops[] = {
	LUO_IOCTL_OP(LIVEUPDATE_SESSION_PRESERVE_FD, luo_ioctl_preserve_fd,
		     struct liveupdate_session_preserve_fd, token),
	LUO_IOCTL_OP(LIVEUPDATE_SESSION_RETRIEVE_FD, luo_ioctl_retrieve_fd,
		     struct liveupdate_session_retrieve_fd, token),
	LUO_IOCTL_OP(LIVEUPDATE_SESSION_FINISH, luo_ioctl_session_finish,
		     struct liveupdate_session_finish, reserved),
	LUO_IOCTL_OP(LIVEUPDATE_SESSION_GET_NAME, luo_ioctl_get_name,
		     struct liveupdate_session_get_name, name),
};

static long luo_session_ioctl(struct file *filep, unsigned int cmd,
			      unsigned long arg)
{
	return luo_ioctl_dispatch(luo_session_ioctl_ops,
				  ARRAY_SIZE(luo_session_ioctl_ops), filep,
				  cmd, arg);
}

static const struct file_operations luo_session_fops = {
	.owner = THIS_MODULE,
	.release = luo_session_release,
	.unlocked_ioctl = luo_session_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int luo_session_getfile(struct luo_session *s, struct file **filep)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH + 16];
	struct file *file;

	snprintf(name, sizeof(name), "[luo_session] %s", s->name);
	file = anon_inode_getfile(name, &luo_session_fops, s, O_RDWR);
	if (IS_ERR(file))
		return PTR_ERR(file);
	*filep = file;
	return 0;
}

/**
 * luo_session_create - new outgoing session, not yet published
 * @name:  NUL-terminated name, 1..63 characters
 * @filep: the session file on success
 *
 * The session takes part in nothing until luo_session_publish(); a file put
 * before that just frees it.
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad name, -EEXIST if an outgoing session has the
 * name, -EBUSY while frozen, -ENOMEM.
 */
int luo_session_create(const char *name, struct file **filep)
{
	size_t len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);
	struct luo_session *s, *it;
	int err;

	if (!len || len >= LIVEUPDATE_SESSION_NAME_LENGTH)
		return -EINVAL;

	s = kzalloc_obj(*s);
	if (!s)
		return -ENOMEM;
	INIT_LIST_HEAD(&s->list);
	INIT_LIST_HEAD(&s->files);
	memcpy(s->name, name, len);

	mutex_lock(&luo_lock);
	err = -EBUSY;
	if (luo_get_state() == LIVEUPDATE_STATE_FROZEN)
		goto err_free;
	err = -EEXIST;
	list_for_each_entry(it, &luo_out_sessions, list)
		if (!strcmp(it->name, s->name))
			goto err_free;
	mutex_unlock(&luo_lock);
	err = luo_session_getfile(s, filep);
	if (err)
		kfree(s);
	return err;

err_free:
	mutex_unlock(&luo_lock);
	kfree(s);
	return err;
}

/**
 * luo_session_publish - make a new session take part in the live update
 * @file: the session file from luo_session_create()
 *
 * Called once userspace has the session's fd number; the checks of
 * luo_session_create() are made again, since the state or the names may
 * have changed meanwhile. On failure the caller puts @file.
 *
 * Context: process context.
 * Return: 0, -EBUSY while frozen, -EEXIST if an outgoing session has the
 * name by now.
 */
int luo_session_publish(struct file *file)
{
	struct luo_session *s = file->private_data, *it;

	guard(mutex)(&luo_lock);
	if (luo_get_state() == LIVEUPDATE_STATE_FROZEN)
		return -EBUSY;
	list_for_each_entry(it, &luo_out_sessions, list)
		if (!strcmp(it->name, s->name))
			return -EEXIST;
	list_add_tail(&s->list, &luo_out_sessions);
	return 0;
}

/**
 * luo_session_retrieve - open an incoming session
 * @name:  the name the session had in the previous kernel
 * @filep: the session file on success
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad name, -ENOENT if there is no such incoming
 * session (or it was finished), -EBUSY if it is open already.
 */
int luo_session_retrieve(const char *name, struct file **filep)
{
	size_t len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);
	struct luo_session *s;
	int err;

	if (!len || len >= LIVEUPDATE_SESSION_NAME_LENGTH)
		return -EINVAL;

	guard(mutex)(&luo_lock);
	list_for_each_entry(s, &luo_in_sessions, list) {
		if (strcmp(s->name, name))
			continue;
		if (s->opened)
			return -EBUSY;
		err = luo_session_getfile(s, filep);
		if (!err) {
			s->opened = true;
			luo_trace_stamp(LUO_RFC_TRACE_EV_IN_SESSION_RETRIEVE,
					s->index);
		}
		return err;
	}
	return -ENOENT;
}
