/* attach_http.h — attachments on the pages: taking the files a send
 * carries (checked by their bytes and against the model's capabilities,
 * then stored), keeping an edited message's own, showing them under their
 * message, and serving one to the chat's owner. */
#ifndef CONFAB_ATTACH_HTTP_H
#define CONFAB_ATTACH_HTTP_H

#include "http.h"
#include "models.h"
#include "store_reply.h"

struct tval;
struct attachment;

/* Check and store the files of r for model m, linking them to the send
 * through o (o->files). NULL when fine (or there are none), else the
 * sentence for the user and *status (413, 415, 400, 503); nothing is
 * stored then that a send would refer to. */
const char *attach_take(struct req *r, const struct model_cfg *m, struct origin *o,
			int *status);

/* The same for an edit of msg_id (the user's, in chat_id): the message's
 * own files that the form does not ask to remove (remove=N, a checkbox
 * per file) go again, checked for m like new ones and counted with them
 * against the limit, followed by r's new files. Files come from the
 * message, never from names in the form. */
const char *attach_take_edit(struct req *r, const struct model_cfg *m, const char *chat_id,
			     const char *msg_id, struct origin *o, int *status);

/* Add "has_edit_files" and "edit_files" to ctx: the files of msg_id
 * (being edited) from all[0..n), for the edit form's Remove checkboxes
 * (ticked again when a refused edit is shown back). */
void attach_edit_show(struct req *r, const char *chat_id, struct tval *ctx,
		      const char *msg_id, const struct attachment *all, size_t n);

/* Add "has_files" and "files" to the value x of message msg_id, from the
 * attachments all[0..n) of the page's window (store_attach_of_window). */
void attach_show(struct req *r, const char *chat_id, struct tval *x, const char *msg_id,
		 const struct attachment *all, size_t n);

/* GET /chat/:id/file/:hash — the file, to the chat's owner only (404 for
 * anyone else), with its sniffed type and a Content-Disposition. */
int attach_file_get(struct req *r);

#endif
