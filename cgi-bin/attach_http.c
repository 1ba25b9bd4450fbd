/* attach_http.c — see attach_http.h. */
#include "attach_http.h"
#include "app.h"
#include "attach.h"
#include "log.h"
#include "page.h"
#include "store_attach.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name to keep and show: at most 200 bytes, cut on a character. */
static const char *short_name(struct req *r, const char *name)
{
	size_t n = strlen(name);
	if (n <= 200)
		return name;
	n = 200;
	while (n && ((unsigned char)name[n] & 0xC0) == 0x80)
		n--;
	return arena_strndup(r->a, name, n);
}

/* What the upload itself broke (files the parser left out), or NULL. */
static const char *upload_refusal(struct req *r, int *status)
{
	if (r->upload_error == MP_TOO_MANY_FILES) {
		*status = 413;
		return arena_printf(r->a, "A message can carry at most %d files. Your message "
				    "was not sent; attach fewer and send it again.",
				    g.cfg.max_attachments);
	}
	if (r->upload_error == MP_FILE_TOO_LARGE) {
		*status = 413;
		return arena_printf(r->a, "Each file may be at most %zu KiB. Your message was "
				    "not sent; attach a smaller file and send it again.",
				    g.cfg.max_attachment_bytes / 1024);
	}
	return NULL;
}

const char *attach_take(struct req *r, const struct model_cfg *m, struct origin *o,
			int *status)
{
	struct attachment *l;
	const char *refusal = upload_refusal(r, status);

	if (refusal || r->nfiles == 0)
		return refusal;
	l = arena_zalloc(r->a, r->nfiles * sizeof *l);
	/* Every file is checked before any is stored. */
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct mp_file *f = &r->files[i];
		const char *type = attach_sniff(f->data, f->len);
		const char *name = *f->filename ? short_name(r, f->filename) : "file";
		if (!type) {
			*status = 415;
			return arena_printf(r->a, "“%s” is not a file confab can send: attach PNG, "
					    "JPEG, WebP or GIF images, or PDF documents.", name);
		}
		if (attach_is_image(type) ? !m->images : !m->pdfs) {
			*status = 400;
			return arena_printf(r->a, "%s cannot read %s, so “%s” was not sent. Choose "
					    "a model that can, or send the message without it.",
					    m->name, attach_is_image(type) ? "images" : "PDF documents",
					    name);
		}
		l[i].type = type;
		l[i].name = name;
		l[i].size = (int64_t)f->len;
	}
	for (size_t i = 0; i < r->nfiles; i++) {
		char *err = NULL;
		if (attach_store(g.cfg.data_dir, r->files[i].data, r->files[i].len, l[i].hash, &err)) {
			log_error("storing an attachment: %s", err ? err : "out of memory");
			free(err);
			*status = 503;
			return "The server could not store your file. Your message was not sent; "
			       "try again in a moment.";
		}
	}
	o->files = l;
	o->nfiles = r->nfiles;
	return NULL;
}

/* Which of the edited message's nfiles files the form asks to remove
 * (remove=N, N from 0 in the message's order): an arena array of flags,
 * or NULL when a value names no file of it (a stale or forged form). */
static char *removed_files(struct req *r, size_t nfiles)
{
	char *gone = arena_zalloc(r->a, nfiles + 1);
	for (size_t i = 0; i < r->form.n; i++) {
		int64_t k;
		if (strcmp(r->form.items[i].key, "remove"))
			continue;
		if (parse_int64(r->form.items[i].val, &k) || k < 0 || (uint64_t)k >= nfiles)
			return NULL;
		gone[k] = 1;
	}
	return gone;
}

const char *attach_take_edit(struct req *r, const struct model_cfg *m, const char *chat_id,
			     const char *msg_id, struct origin *o, int *status)
{
	size_t nold, nkept = 0;
	/* Read outside reply_edit's transaction, which is safe: a message's
	 * files never change, and reply_edit refuses once it is gone. */
	struct attachment *old = store_attach_of_own_message(g.data_db, r->a, r->user->id, chat_id,
						       msg_id, &nold);
	struct attachment *all;
	const char *gone = removed_files(r, nold), *err;

	if ((err = upload_refusal(r, status)))
		return err;
	if (!gone) {
		*status = 400;
		return "The form names a file this message does not have, so nothing was "
		       "changed. Reload the page and try again.";
	}
	all = arena_zalloc(r->a, (nold + r->nfiles + 1) * sizeof *all);
	for (size_t i = 0; i < nold; i++) {
		if (gone[i])
			continue;
		if (attach_is_image(old[i].type) ? !m->images : !m->pdfs) {
			*status = 400;
			return arena_printf(r->a, "%s cannot read %s, so “%s” cannot go with the "
					    "edited message. Choose a model that can, or tick "
					    "Remove next to the file.", m->name,
					    attach_is_image(old[i].type) ? "images" : "PDF documents",
					    *old[i].name ? old[i].name : "file");
		}
		all[nkept++] = old[i];
	}
	if (nkept + r->nfiles > (size_t)g.cfg.max_attachments) {
		*status = 413;
		return arena_printf(r->a, "A message can carry at most %d files, and this one "
				    "would have %zu. Your message was not sent; tick Remove next to "
				    "a file or attach fewer.", g.cfg.max_attachments,
				    nkept + r->nfiles);
	}
	if ((err = attach_take(r, m, o, status)))
		return err;
	/* The kept files first, in their order, then the new ones. */
	if (o->nfiles)
		memcpy(all + nkept, o->files, o->nfiles * sizeof *all);
	o->files = all;
	o->nfiles += nkept;
	return NULL;
}

/* Push file f of chat_id onto list as the templates show it (link, name,
 * image or not, size); returns its value. The list is made on the first
 * file, as key in x with has_key set: a message without files has neither. */
static struct tval *push_file(struct req *r, struct tval *x, struct tval **list,
			      const char *key, const char *has_key, const char *chat_id,
			      const struct attachment *f)
{
	struct tval *v;
	if (!*list) {
		*list = tv_set(r->a, x, key, tv_list(r->a));
		tv_set_bool(r->a, x, has_key, 1);
	}
	v = tv_push(r->a, *list, tv_map(r->a));
	tv_set(r->a, v, "href", tv_str_ref(r->a, arena_printf(r->a, "/chat/%s/file/%s",
							     chat_id, f->hash)));
	tv_set(r->a, v, "name", tv_str_ref(r->a, *f->name ? f->name : "file"));
	tv_set_bool(r->a, v, "image", attach_is_image(f->type));
	tv_set_int(r->a, v, "kib", (f->size + 1023) / 1024);
	return v;
}

void attach_edit_show(struct req *r, const char *chat_id, struct tval *ctx,
		      const char *msg_id, const struct attachment *all, size_t n)
{
	struct tval *list = NULL;
	const char *gone = NULL;
	size_t k = 0;
	/* A refused edit shows the boxes as they were ticked. */
	if (!strcmp(r->method, "POST")) {
		for (size_t i = 0; i < n; i++)
			k += !strcmp(all[i].message_id, msg_id);
		gone = removed_files(r, k);
		k = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct tval *f;
		if (strcmp(all[i].message_id, msg_id))
			continue;
		f = push_file(r, ctx, &list, "edit_files", "has_edit_files", chat_id, &all[i]);
		tv_set_int(r->a, f, "i", (int64_t)k);
		tv_set_bool(r->a, f, "removed", gone && gone[k]);
		k++;
	}
}

void attach_show(struct req *r, const char *chat_id, struct tval *x, const char *msg_id,
		 const struct attachment *all, size_t n)
{
	struct tval *list = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i].message_id, msg_id))
			push_file(r, x, &list, "files", "has_files", chat_id, &all[i]);
}

/* A filename for the header: printable ASCII without quotes or
 * backslashes (others become '_'), so it can never break the header. */
static const char *header_name(struct req *r, const char *name)
{
	char *s = arena_strdup(r->a, *name ? name : "file");
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || *p == '"' || *p == '\\')
			*p = '_';
	return s;
}

int attach_file_get(struct req *r)
{
	const char *chat = r->params[0], *hash = r->params[1];
	struct attachment a;
	unsigned char *d;
	size_t len;

	if (!uuid_valid(chat) || !attach_hash_valid(hash) ||
	    store_attach_find(g.data_db, r->a, r->user->id, chat, hash, &a) != STORE_OK)
		return page_error(r, 404, "There is no such file.");
	if (!(d = attach_load(g.cfg.data_dir, hash, &len))) {
		log_error("attachment %s is missing from the data directory", hash);
		return page_error(r, 404, "This file is no longer on the server.");
	}
	/* The type came from the bytes (one of five); images are shown in
	 * place, a PDF is downloaded rather than opened inside our origin. */
	r->resp_type = attach_is_image(a.type) ? a.type : "application/pdf";
	http_header(r, "Content-Disposition", arena_printf(r->a, "%s; filename=\"%s\"",
		    attach_is_image(a.type) ? "inline" : "attachment", header_name(r, a.name)));
	buf_append(r->resp_body, d, len);
	free(d);
	return 200;
}
