/* chat — one conversation: its messages, the composer, sending (queues a
 * reply for confabd), polling a reply in progress, stopping it, and the
 * new-chat page whose first message creates the chat. */
#include "app.h"
#include "money.h"
#include "attach_http.h"
#include "store_attach.h"
#include "classify.h"
#include "esc.h"
#include "lease.h"
#include "live_md.h"
#include "log.h"
#include "page.h"
#include "quota_http.h"
#include "preset_ui.h"
#include "store_chat.h"
#include "store_reply.h"
#include "tz.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CONFAB_LIBEXEC_DIR
#define CONFAB_LIBEXEC_DIR "/usr/local/libexec/confab"
#endif

#define MAX_MESSAGE_CHARS 20000
/* The chat page shows the newest CHAT_WINDOW messages, with a link to the
 * ones before: a chat of 10,000 opens as fast as one of 100. 100, so that
 * a chat of 100 (what bench/run and the page-weight budget measure) is
 * still one page, and 100 real replies stay well under 200 KB. */
#define CHAT_WINDOW 100
/* What a request is, if the user says (templates/_request_tags.html). */
#define TAG_FIELDS \
	{ "request_type", V_ENUM, 0, 0, 0, classify_types, "Request type" }, \
	{ "category", V_ENUM, 0, 0, 0, classify_categories, "Category" }, \
	{ "complexity", V_ENUM, 0, 0, 0, classify_complexities, "Complexity" },

static const struct field send_fields[] = {
	{ "content", V_TEXT, 1, 1, MAX_MESSAGE_CHARS, NULL, "Message" },
	{ "model", V_STRING, 0, 0, 100, NULL, "Model" },
	TAG_FIELDS
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field edit_fields[] = {
	{ "m", V_UUID, 1, 0, 0, NULL, "Message" },
	{ "content", V_TEXT, 1, 1, MAX_MESSAGE_CHARS, NULL, "Message" },
	{ "model", V_STRING, 0, 0, 100, NULL, "Model" },
	TAG_FIELDS
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field edit_page_fields[] = {
	{ "m", V_UUID, 1, 0, 0, NULL, "Message" },
	{ "tags", V_INT, 0, 0, 1, NULL, "Request tags" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
/* GET /chat/ID: ?edit=SEQ, ?rate=SEQ, ?tags=1 (the request tags shown),
 * ?before=SEQ (the window of messages before that one), ?at=MSG (the
 * window holding that message), and the no-JS refresh's t (ignored). */
static const struct field chat_page_fields[] = {
	{ "edit", V_INT, 0, 0, INT64_C(1) << 40, NULL, "Message" },
	{ "before", V_INT, 0, 0, INT64_C(1) << 40, NULL, "Earlier messages" },
	{ "at", V_UUID, 0, 0, 0, NULL, "Message" },
	{ "rate", V_INT, 0, 0, INT64_C(1) << 40, NULL, "Reply" },
	{ "t", V_INT, 0, 0, INT64_C(1) << 40, NULL, NULL },
	{ "tags", V_INT, 0, 0, 1, NULL, "Request tags" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
/* GET /chat/new?model=ID: the model the composer starts on. */
static const struct field new_page_fields[] = {
	{ "model", V_STRING, 0, 0, 100, NULL, "Model" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field regenerate_fields[] = {
	{ "model", V_STRING, 0, 0, 100, NULL, "Model" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
static const struct field poll_fields[] = {
	{ "m", V_UUID, 1, 0, 0, NULL, "Message" },
	{ "from", V_INT, 0, 0, INT64_C(1) << 40, NULL, "Offset" },
	{ "rfrom", V_INT, 0, 0, INT64_C(1) << 40, NULL, "Reasoning offset" },
	{ "live", V_INT, 0, 0, INT64_C(1) << 40, NULL, "Formatted offset" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

/* The text as a list of lines ({t, last}): a line break becomes <br> in the
 * template, so text browsers, which ignore white-space: pre-wrap, keep it. */
static struct tval *text_lines(struct req *r, const char *text)
{
	struct tval *list = tv_list(r->a);
	for (;;) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		struct tval *line = tv_push(r->a, list, tv_map(r->a));
		if (n && text[n - 1] == '\r')
			n--;
		tv_set(r->a, line, "t", tv_str_ref(r->a, arena_strndup(r->a, text, n)));
		tv_set_bool(r->a, line, "last", nl == NULL);
		if (!nl)
			return list;
		text = nl + 1;
	}
}

/* What a reply is doing now: "waiting" (queued, or no token yet),
 * "thinking" (reasoning but no answer yet), "writing", or once ended its
 * status. The page and the poll say the same, from what has arrived. */
static const char *reply_phase(const char *status, int has_text, int has_reasoning)
{
	if (strcmp(status, "queued") == 0)
		return "waiting";
	if (strcmp(status, "running") == 0)
		return has_text ? "writing" : has_reasoning ? "thinking" : "waiting";
	return status;
}

/* Words for a phase the reader should notice; NULL for done. */
static const char *phase_label(const char *phase)
{
	if (strcmp(phase, "waiting") == 0)
		return "Waiting…";
	if (strcmp(phase, "thinking") == 0)
		return "Thinking…";
	if (strcmp(phase, "writing") == 0)
		return "Writing…";
	if (strcmp(phase, "failed") == 0)
		return "Failed";
	if (strcmp(phase, "stopped") == 0)
		return "Stopped";
	return NULL;
}

static const char *model_name(const char *id)
{
	const struct model_cfg *m = models_find(&g.models, id);
	return m ? m->name : id;
}

/* A finished reply's model and figures, one line: "GPT · 120 in · 340 out
 * · first token 0.41 s · 3.2 s · $0.001234" (what is not known is left
 * out). Appended, not printed: printf was a tenth of a chat page's work. */
static const char *reply_stats(struct arena *a, const char *model, const struct message *m)
{
	struct buf b = BUF_INIT;
	const char *s;
	buf_puts(&b, model);
	buf_puts(&b, " · ");
	buf_put_int(&b, m->tokens_in);
	buf_puts(&b, " in · ");
	buf_put_int(&b, m->tokens_out);
	buf_puts(&b, " out");
	if (m->ttft_ms >= 0) {
		int64_t cs = m->ttft_ms % 1000 / 10;
		buf_puts(&b, " · first token ");
		buf_put_int(&b, m->ttft_ms / 1000);
		buf_putc(&b, '.');
		buf_putc(&b, (char)('0' + cs / 10));
		buf_putc(&b, (char)('0' + cs % 10));
		buf_puts(&b, " s");
	}
	if (m->response_ms >= 0) {
		buf_puts(&b, " · ");
		buf_put_int(&b, m->response_ms / 1000);
		buf_putc(&b, '.');
		buf_putc(&b, (char)('0' + m->response_ms % 1000 / 100));
		buf_puts(&b, " s");
	}
	buf_puts(&b, " · ");
	buf_puts(&b, money_format(a, m->cost, MONEY_SHORT));
	s = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

/* The line under an ended reply: its model and figures; and its thumb,
 * if given, which static/keys.js presses on the thumbs it adds (buttons
 * of the page's one rating form). No link per reply: a chat of 100
 * messages would carry 50; the chat's "Rate replies" link leads to the
 * newest reply's rating page, which walks to the others. */
static void reply_meta(struct req *r, struct tval *x, const struct message *m)
{
	const char *meta = m->model && *m->model ? model_name(m->model) : "Assistant";
	if (m->tokens_in || m->tokens_out)
		meta = reply_stats(r->a, meta, m);
	tv_set(r->a, x, "meta", tv_str_ref(r->a, meta));
	if (m->vote)
		tv_set(r->a, x, "vote", tv_str_ref(r->a, m->vote > 0 ? "up" : "down"));
}

/* A reply in progress: its whole blocks formatted ("live", and "live_end"
 * where they end, for poll.js), the block still being written as lines. */
static void live_value(struct req *r, struct tval *x, const char *text)
{
	struct buf html = BUF_INIT;
	size_t end = live_md_render(text, strlen(text), &html);
	if (end) {
		tv_set(r->a, x, "live", tv_str_ref(r->a, arena_strndup(r->a, buf_str(&html), html.len)));
		tv_set_int(r->a, x, "live_end", (int64_t)end);
	}
	buf_free(&html);
	tv_set(r->a, x, "lines", text_lines(r, text + end));
}

/* A message as the _message template wants it; text and reasoning are
 * the partial ones of a reply in progress (NULL: the message's own). */
static struct tval *message_value(struct req *r, const struct message *m, const char *text,
				  const char *reasoning)
{
	struct tval *x = tv_map(r->a);
	const char *label;
	tv_set_str(r->a, x, "id", m->id);
	tv_set_int(r->a, x, "seq", m->seq);
	tv_set(r->a, x, "role", tv_str_ref(r->a, m->role));
	tv_set(r->a, x, "status", tv_str_ref(r->a, m->status));
	tv_set_bool(r->a, x, "is_user", strcmp(m->role, "user") == 0);
	if (m->html && *m->html)
		tv_set(r->a, x, "html", tv_str_ref(r->a, m->html));
	else if (text && *text)
		live_value(r, x, text);
	else
		tv_set(r->a, x, "lines", text_lines(r, text ? text : m->content));
	if (!reasoning)
		reasoning = m->reasoning;
	/* Reasoning folded in a <details>: open while it is being written
	 * (a refresh without JS would otherwise close it), closed after. */
	if (reasoning && *reasoning) {
		tv_set_bool(r->a, x, "has_reasoning", 1);
		tv_set(r->a, x, "reasoning_lines", text_lines(r, reasoning));
		tv_set_bool(r->a, x, "reasoning_open", text != NULL);
		if (text)
			tv_set_int(r->a, x, "rnext", (int64_t)strlen(reasoning));
	}
	label = phase_label(reply_phase(m->status, text && *text, reasoning && *reasoning));
	if (label)
		tv_set(r->a, x, "status_label", tv_str_ref(r->a, label));
	if (m->error)
		tv_set(r->a, x, "error", tv_str_ref(r->a, m->error));
	/* Where poll.js starts asking from: the bytes already on the page. */
	if (text && *text)
		tv_set_int(r->a, x, "next", (int64_t)strlen(text));
	if (!strcmp(m->role, "assistant") && strcmp(m->status, "queued") && strcmp(m->status, "running"))
		reply_meta(r, x, m);
	return x;
}


/* What the picker says of a model besides its name: its provider, its
 * prices in/out, and what it takes beyond text. */
static void model_facts(struct req *r, struct tval *x, const struct model_cfg *m)
{
	const char *caps = arena_printf(r->a, "%s%s%s", m->images ? ", images" : "",
					m->pdfs ? ", PDFs" : "", m->reasoning ? ", reasoning" : "");
	tv_set(r->a, x, "provider", tv_str_ref(r->a, m->provider ? m->provider->name : ""));
	if (m->price_in || m->price_out)
		tv_set(r->a, x, "price", tv_str_ref(r->a, arena_printf(r->a, "%s/%s per 1M tokens",
			money_format(r->a, m->price_in, MONEY_SHORT),
			money_format(r->a, m->price_out, MONEY_SHORT))));
	else
		tv_set(r->a, x, "price", tv_str_ref(r->a, "free"));
	if (*caps)
		tv_set(r->a, x, "caps", tv_str_ref(r->a, caps + 2));
}

/* The models the composer offers, with `selected` chosen. */
static void add_models(struct req *r, struct tval *ctx, const char *selected)
{
	struct tval *list = tv_set(r->a, ctx, "models", tv_list(r->a));
	const struct model_cfg *def = models_default(&g.models, &g.cfg);
	if (!models_find_active(&g.models, selected))
		selected = def ? def->id : NULL;
	for (size_t i = 0; i < g.models.nmodels; i++) {
		const struct model_cfg *m = &g.models.models[i];
		struct tval *x;
		if (!m->active || !plan_allows_model(user_plan(r), m->id))
			continue;
		x = tv_push(r->a, list, tv_map(r->a));
		tv_set(r->a, x, "id", tv_str_ref(r->a, m->id));
		tv_set(r->a, x, "name", tv_str_ref(r->a, m->name));
		model_facts(r, x, m);
		tv_set_bool(r->a, x, "selected", selected && strcmp(selected, m->id) == 0);
	}
	tv_set_bool(r->a, ctx, "no_models", def == NULL);
	tv_set_bool(r->a, ctx, "can_attach", g.cfg.max_attachments > 0);
}

/* 1 if this request's route declares the field (send and edit declare the
 * request tags; regenerate and the GET pages do not). */
static int route_declares(const struct req *r, const char *name)
{
	for (const struct field *f = r->fields; f && f->name; f++)
		if (!strcmp(f->name, name))
			return 1;
	return 0;
}

/* The request tags are a link to ?tags=1 until asked for (they would be a
 * tenth of a long chat's markup), and stay shown when a send carried one. */
static int tags_shown(struct req *r)
{
	static const char *const f[] = { "request_type", "category", "complexity" };
	const char *v;
	if (route_declares(r, "tags"))
		return (v = http_query(r, "tags")) && !strcmp(v, "1");
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		if (route_declares(r, f[i]) && (v = http_form(r, f[i])) && *v)
			return 1;
	return 0;
}

/* The window of the chat being edited: it ends at the message edit_of
 * (whose files the composer shows) and the reply after it (whose model the
 * composer offers), which are not shown; NULL when edit_of is not one of
 * the user's messages in the chat. */
static struct message *edit_window(struct req *r, const char *chat_id, const char *edit_of,
				   struct message_window *w, const char **reply_model)
{
	int64_t seq, before;
	size_t i = 0;
	if (store_chat_message_seq(g.data_db, chat_id, edit_of, "user", &seq) != STORE_OK)
		return NULL;
	if (store_chat_seq_after(g.data_db, chat_id, seq, 1, &before) != STORE_OK)
		before = INT64_MAX;
	store_chat_window(g.data_db, r->a, chat_id, before, CHAT_WINDOW + 2, w);
	while (i < w->n && strcmp(w->m[i].id, edit_of))
		i++;
	if (i == w->n)
		return NULL;
	*reply_model = i + 1 < w->n ? w->m[i + 1].model : NULL;
	if (i > CHAT_WINDOW) {
		w->earlier = 1;
		snprintf(w->earlier_id, sizeof w->earlier_id, "%s", w->m[i - CHAT_WINDOW - 1].id);
		w->m += i - CHAT_WINDOW;
		i = CHAT_WINDOW;
	}
	w->n = i;
	w->later = 0;
	return &w->m[i];
}

/* The links beside a window that is not the whole chat: "Show earlier
 * messages" (landing on the newest of them, where the reader was going),
 * and on an older window "Show later messages" (the window right after
 * it) and "Show the newest messages". Plain links: no script needed. */
static void window_links(struct req *r, struct tval *ctx, const char *chat_id,
			 const struct message_window *w, int64_t before)
{
	int64_t from = w->n ? w->m[w->n - 1].seq : before - 1, next;
	if (w->earlier)
		tv_set(r->a, ctx, "earlier_url", tv_str_ref(r->a, arena_printf(r->a,
		       "/chat/%s?before=%lld#m-%s", chat_id, (long long)w->m[0].seq, w->earlier_id)));
	if (!w->later)
		return;
	tv_set_bool(r->a, ctx, "older", 1);
	if (store_chat_seq_after(g.data_db, chat_id, from, CHAT_WINDOW, &next) == STORE_OK)
		tv_set(r->a, ctx, "later_url", tv_str_ref(r->a, arena_printf(r->a,
		       "/chat/%s?before=%lld", chat_id, (long long)next)));
}

/* The chat page; status, an error for role=alert and a draft to keep.
 * edit_of: the id of a user message being edited: the page then shows the
 * messages before it, and the composer holds it (draft, or its text).
 * before: the window of messages before that seq (INT64_MAX: the newest). */
static int show_chat_view(struct req *r, const char *id, int status, const char *error,
			  const char *draft, const char *edit_of, int64_t before)
{
	struct chat c;
	struct message_window w;
	struct message *m, *edited = NULL;
	struct tval *ctx, *list;
	size_t n, natt;
	int busy = 0;
	/* The model a refused send chose; GET routes have none (reading it
	 * there logged an error on every chat page). */
	const char *model = route_declares(r, "model") ? http_form(r, "model") : NULL;
	const char *reply_model = NULL;

	if (!uuid_valid(id) || store_chat_get(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	if (edit_of) {
		if (!(edited = edit_window(r, c.id, edit_of, &w, &reply_model)))
			return page_error(r, 404, "There is no such message in this chat.");
		if (!draft)
			draft = edited->content;
		if (!model || !*model)
			model = reply_model;
	} else {
		store_chat_window(g.data_db, r->a, c.id, before, CHAT_WINDOW, &w);
	}
	m = w.m;
	n = w.n;
	ctx = page_ctx(r, *c.title ? c.title : "New chat", c.id);
	tv_set_str(r->a, ctx, "chat_id", c.id);
	tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, *c.title ? c.title : "New chat"));
	tv_set_bool(r->a, ctx, "pinned", c.pinned);
	tv_set_bool(r->a, ctx, "empty", n == 0 && !w.earlier && !w.later);
	tv_set_bool(r->a, ctx, "show_tags", tags_shown(r));
	window_links(r, ctx, c.id, &w, before);
	/* A reply in progress is the chat's newest message: an older window
	 * has none, and is read-only (no Edit, Regenerate or Stop). */
	for (size_t i = 0; i < n && !w.later; i++) {
		if (strcmp(m[i].status, "running") && strcmp(m[i].status, "queued"))
			continue;
		/* The no-JS refresh lands at the reply. A URL that differs from
		 * this one only in its #fragment would just scroll, not reload:
		 * hence the changing query (which the page ignores). */
		busy = 1;
		tv_set(r->a, ctx, "refresh_url", tv_str_ref(r->a, arena_printf(r->a,
		       "/chat/%s?t=%lld#m-%s", c.id, (long long)(now_ms() % 1000000000), m[i].id)));
	}
	list = tv_set(r->a, ctx, "messages", tv_list(r->a));
	struct attachment *att = store_attach_of_window(g.data_db, r->a, c.id,
		n ? m[0].seq : edited ? edited->seq : 0,
		edited ? edited->seq : n ? m[n - 1].seq : 0, &natt);
	for (size_t i = 0; i < n; i++) {
		const char *text = NULL, *reasoning = NULL;
		struct tval *x;
		if (!strcmp(m[i].status, "running") || !strcmp(m[i].status, "queued")) {
			text = reply_partial_text(g.data_db, r->a, m[i].id);
			reasoning = reply_partial_reasoning(g.data_db, r->a, m[i].id);
		}
		x = tv_push(r->a, list, message_value(r, &m[i], text, reasoning));
		attach_show(r, c.id, x, m[i].id, att, natt);
		/* Edit is ?edit=SEQ, this page's own address: short, as Rate's. */
		if (!busy && !edit_of && !w.later && !strcmp(m[i].role, "user"))
			tv_set_bool(r->a, x, "can_edit", 1);
		if (!edit_of && !strcmp(m[i].role, "assistant") &&
		    strcmp(m[i].status, "running") && strcmp(m[i].status, "queued"))
			tv_set_int(r->a, ctx, "rate_seq", m[i].seq);
	}
	if (edit_of)
		attach_edit_show(r, c.id, ctx, edit_of, att, natt);
	/* Edit and regenerate only between replies, and not while editing. */
	if (!busy && !edit_of && !w.later && n && !strcmp(m[n - 1].role, "assistant")) {
		tv_set_bool(r->a, ctx, "can_regenerate", 1);
		tv_set(r->a, ctx, "regen_model", tv_str_ref(r->a, m[n - 1].model ? m[n - 1].model : ""));
	}
	tv_set_bool(r->a, ctx, "busy", busy);
	if (error)
		tv_set_str(r->a, ctx, "refusal", error);
	tv_set_str(r->a, ctx, "draft", draft ? draft : "");
	if (edit_of) {
		tv_set_str(r->a, ctx, "edit_of", edit_of);
		tv_set(r->a, ctx, "form_action",
		       tv_str_ref(r->a, arena_printf(r->a, "/chat/%s/edit", c.id)));
	} else {
		tv_set(r->a, ctx, "form_action",
		       tv_str_ref(r->a, arena_printf(r->a, "/chat/%s", c.id)));
	}
	add_models(r, ctx, model && *model ? model : c.model);
	preset_current_add(r, ctx, c.id);
	return page_render(r, status, "chat", ctx);
}

/* GET /chat/ID/settings: what changes the chat rather than its next
 * message (title, pin, preset and instructions, regenerating with another
 * model, delete), off the chat page, which stays the messages and the
 * composer. */
static int chat_settings_page(struct req *r)
{
	struct chat c;
	struct message_window w;
	struct message *m;
	struct tval *ctx;
	size_t n;
	if (!uuid_valid(r->params[0]) ||
	    store_chat_get(g.data_db, r->a, r->user->id, r->params[0], &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	/* Only the newest message: what Regenerate would replace. */
	store_chat_window(g.data_db, r->a, c.id, INT64_MAX, 1, &w);
	m = w.m;
	n = w.n;
	ctx = page_ctx(r, "Chat settings", c.id);
	tv_set_str(r->a, ctx, "chat_id", c.id);
	tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, *c.title ? c.title : "New chat"));
	tv_set_bool(r->a, ctx, "pinned", c.pinned);
	tv_set_int(r->a, ctx, "trash_days", g.cfg.trash_days);
	if (n && !strcmp(m[n - 1].role, "assistant") && strcmp(m[n - 1].status, "queued") &&
	    strcmp(m[n - 1].status, "running")) {
		tv_set_bool(r->a, ctx, "can_regenerate", 1);
		add_models(r, ctx, m[n - 1].model);
	}
	preset_picker_add(r, ctx, c.id, c.system_prompt);
	return page_render(r, 200, "chat_settings", ctx);
}

static int show_chat(struct req *r, const char *id, int status, const char *error,
		     const char *draft)
{
	return show_chat_view(r, id, status, error, draft, NULL, INT64_MAX);
}

/* The message of the chat at seq, with role; 1 if found (its id in out). */
static int message_at(struct req *r, const char *seq_s, const char *role, char out[UUID_BUF])
{
	struct chat c;
	int64_t seq;
	return uuid_valid(r->params[0]) && !parse_int64(seq_s, &seq) &&
	       store_chat_get(g.data_db, r->a, r->user->id, r->params[0], &c) == STORE_OK &&
	       store_chat_message_at(g.data_db, c.id, seq, role, out) == STORE_OK;
}

/* After an action, the chat page at msg (its message just sent, or the
 * newest one): the browser scrolls to it instead of the chat's top. */
static int landing(struct req *r, const char *chat_id, const char *msg)
{
	if (!*msg)
		return http_redirect(r, arena_printf(r->a, "/chat/%s", chat_id));
	return http_redirect(r, arena_printf(r->a, "/chat/%s#m-%s", chat_id, msg));
}

/* ?at=MSG: 303 to the window holding that message, with half a window of
 * what followed it (so what led to it shows too), or to the newest window
 * when it is among the newest; the #fragment scrolls to it. */
static int at_window(struct req *r, const char *msg)
{
	struct chat c;
	int64_t seq, before;
	if (!uuid_valid(r->params[0]) ||
	    store_chat_get(g.data_db, r->a, r->user->id, r->params[0], &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	if (store_chat_message_seq(g.data_db, c.id, msg, NULL, &seq) != STORE_OK)
		return page_error(r, 404, "There is no such message in this chat.");
	if (store_chat_seq_after(g.data_db, c.id, seq, CHAT_WINDOW / 2, &before) != STORE_OK)
		return landing(r, c.id, msg);
	return http_redirect(r, arena_printf(r->a, "/chat/%s?before=%lld#m-%s", c.id,
					     (long long)before, msg));
}

/* GET /chat/ID; ?edit=SEQ edits that message of yours, ?rate=SEQ goes to
 * that reply's rating page (the page's links, kept short); ?before=SEQ
 * shows the window before that message, ?at=MSG the one holding it. */
static int chat_page(struct req *r)
{
	const char *edit = http_query(r, "edit"), *rate = http_query(r, "rate");
	const char *before = http_query(r, "before"), *at = http_query(r, "at");
	char mid[UUID_BUF];
	int64_t seq;
	if (r->invalid)
		return page_error(r, 400, r->invalid);
	if (edit && *edit) {
		if (!message_at(r, edit, "user", mid))
			return page_error(r, 404, "There is no such message in this chat.");
		return show_chat_view(r, r->params[0], 200, NULL, NULL, mid, INT64_MAX);
	}
	if (rate && *rate) {
		if (!message_at(r, rate, "assistant", mid))
			return page_error(r, 404, "There is no such reply in this chat.");
		return http_redirect(r, arena_printf(r->a, "/ratings?m=%s", mid));
	}
	if (at && *at)
		return at_window(r, at);
	if (before && *before && !parse_int64(before, &seq))
		return show_chat_view(r, r->params[0], 200, NULL, NULL, NULL, seq);
	return show_chat(r, r->params[0], 200, NULL, NULL);
}

/* GET /chat/ID/edit?m=MSG: the chat up to that message, which the
 * composer holds for editing. */
static int edit_page(struct req *r)
{
	if (r->invalid)
		return page_error(r, 404, "There is no such message in this chat.");
	return show_chat_view(r, r->params[0], 200, NULL, NULL, http_query(r, "m"), INT64_MAX);
}

static int new_chat_page(struct req *r)
{
	const char *model;
	struct tval *ctx = page_ctx(r, "New chat", NULL);
	tv_set_bool(r->a, ctx, "empty", 1);
	tv_set_bool(r->a, ctx, "new_chat", 1);
	tv_set_bool(r->a, ctx, "show_tags", 1);
	tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, "New chat"));
	tv_set(r->a, ctx, "form_action", tv_str_ref(r->a, "/chat/new"));
	tv_set_str(r->a, ctx, "draft", "");
	model = http_query(r, "model");
	if (!model || !*model)
		model = user_last_model(g.data_db, r->a, r->user->id);
	add_models(r, ctx, model);
	preset_picker_add(r, ctx, NULL, NULL);
	return page_render(r, 200, "chat", ctx);
}

/* Start confabd if nobody runs it (shared hosting: no service may run). */
static void wake_worker(void)
{
	const char *worker = getenv("CONFAB_WORKER");
	if (!g.cfg.worker_on_demand)
		return;
	if (!worker || !*worker)
		worker = config_str(&g.cfg, "worker", "path");
	if (!worker || !*worker)
		worker = CONFAB_LIBEXEC_DIR "/confabd";
	if (lease_start_worker(g.cfg.data_dir, worker, g.cfg.worker_idle_exit))
		log_warn("could not start the worker %s", worker);
}

/* The request's address and browser, for the usage log, and the plan's
 * limits, checked in the transaction that queues the reply. */
static struct origin *origin_of(struct req *r, const char *model)
{
	struct origin *o = arena_zalloc(r->a, sizeof *o);
	struct request_tags *t = arena_alloc(r->a, sizeof *t);
	o->ip = r->remote_addr;
	o->user_agent = r->user_agent;
	o->quota = quota_for(r, models_find(&g.models, model));
	o->tags = t;
	/* A send carries the tags; a regenerate has none to read. */
	t->request_type = route_declares(r, "request_type") ? http_form(r, "request_type") : NULL;
	t->category = route_declares(r, "category") ? http_form(r, "category") : NULL;
	t->complexity = route_declares(r, "complexity") ? http_form(r, "complexity") : NULL;
	return o;
}

/* After the send's transaction: the rate-limit headers; on a refusal also
 * the throttled row, and the sentence for the page (else NULL). */
static const char *limited(struct req *r, enum store_rc rc, const struct origin *o,
			   const char *model, int *status)
{
	quota_headers(r, o->quota, rc == STORE_LIMITED);
	if (rc != STORE_LIMITED)
		return NULL;
	quota_log_throttled(r, models_find(&g.models, model), o->quota);
	*status = o->quota->status;
	return quota_refusal(r, o->quota);
}

/* Check what a send carries; NULL when fine, else the message for the user
 * (and *status). */
static const char *check_send(struct req *r, const char **model, int *status)
{
	*status = 400;
	if (r->invalid)
		return r->invalid;
	if (!models_default(&g.models, &g.cfg)) {
		*status = 503;
		return "No model is configured on this server yet. Ask its administrator to add a provider.";
	}
	if (!*model || !**model)
		*model = models_default(&g.models, &g.cfg)->id;
	if (!models_find_active(&g.models, *model))
		return "That model is not offered on this server. Choose one from the list.";
	if (!plan_allows_model(user_plan(r), *model)) {
		*status = 403;
		return arena_printf(r->a, "Your plan (%s) does not include this model. Choose "
				    "another one from the list.", user_plan(r)->name);
	}
	return NULL;
}

static int new_chat_post(struct req *r)
{
	const char *model = http_form(r, "model"), *content = http_form(r, "content");
	char chat_id[UUID_BUF], msg_id[UUID_BUF];
	int status;
	const char *err = check_send(r, &model, &status);
	struct origin *o = NULL;
	enum store_rc rc = STORE_OK;
	if (!err) {
		o = origin_of(r, model);
		err = attach_take(r, models_find(&g.models, model), o, &status);
	}
	if (!err) {
		rc = reply_send_new_chat(g.data_db, r->user->id, content, model, o, chat_id, msg_id);
		err = limited(r, rc, o, model, &status);
	}
	if (err) {
		struct tval *ctx = page_ctx(r, "New chat", NULL);
		tv_set_bool(r->a, ctx, "empty", 1);
		tv_set_bool(r->a, ctx, "new_chat", 1);
		tv_set(r->a, ctx, "chat_title", tv_str_ref(r->a, "New chat"));
		tv_set(r->a, ctx, "form_action", tv_str_ref(r->a, "/chat/new"));
		tv_set_str(r->a, ctx, "draft", content ? content : "");
		tv_set_str(r->a, ctx, "refusal", err);
		add_models(r, ctx, model);
		preset_picker_add(r, ctx, NULL, NULL);
		return page_render(r, status, "chat", ctx);
	}
	if (rc != STORE_OK)
		return page_error(r, 503, "The server is busy. Your message was not sent; go back and send it again.");
	wake_worker();
	return http_redirect(r, arena_printf(r->a, "/chat/%s#m-%s", chat_id, msg_id));
}

static int send_post(struct req *r)
{
	const char *id = r->params[0], *content = http_form(r, "content");
	const char *model = http_form(r, "model");
	char user_msg[UUID_BUF], asst_msg[UUID_BUF];
	int status;
	const char *err;
	struct origin *o;
	enum store_rc rc;

	if (!uuid_valid(id))
		return page_error(r, 404, "There is no such chat.");
	err = check_send(r, &model, &status);
	if (err)
		return show_chat(r, id, status, err, content);
	o = origin_of(r, model);
	if ((err = attach_take(r, models_find(&g.models, model), o, &status)))
		return show_chat(r, id, status, err, content);
	rc = reply_send(g.data_db, r->user->id, id, content, model, o, user_msg, asst_msg);
	if ((err = limited(r, rc, o, model, &status)))
		return show_chat(r, id, status, err, content);
	switch (rc) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		return page_error(r, 404, "There is no such chat.");
	case STORE_CONFLICT:
		return show_chat(r, id, 409, "A reply is still being written. Wait for it, or stop "
					     "it, then send your message.", content);
	default:
		return show_chat(r, id, 503, "The server is busy; your message was not sent. "
					     "Send it again.", content);
	}
	wake_worker();
	return landing(r, id, user_msg);
}

/* What a refused regenerate or edit says (and its status), or NULL. */
static const char *replace_refusal(enum store_rc rc, int *status)
{
	switch (rc) {
	case STORE_OK:
		return NULL;
	case STORE_CONFLICT:
		*status = 409;
		return "A reply is still being written. Wait for it, or stop it, first.";
	case STORE_NOT_FOUND:
		*status = 404;
		return NULL;
	default:
		*status = 503;
		return "The server is busy; nothing was changed. Try again.";
	}
}

/* POST /chat/ID/edit: replace a message and what follows it. */
static int edit_post(struct req *r)
{
	const char *id = r->params[0], *content = http_form(r, "content");
	const char *model = http_form(r, "model"), *msg = http_form(r, "m");
	char user_msg[UUID_BUF], asst_msg[UUID_BUF];
	int status = 400;
	const char *err;
	struct origin *o;
	enum store_rc rc;

	if (!uuid_valid(id) || !uuid_valid(msg ? msg : ""))
		return page_error(r, 404, "There is no such message in this chat.");
	err = check_send(r, &model, &status);
	if (err)
		return show_chat_view(r, id, status, err, content, msg, INT64_MAX);
	o = origin_of(r, model);
	if ((err = attach_take_edit(r, models_find(&g.models, model), id, msg, o, &status)))
		return show_chat_view(r, id, status, err, content, msg, INT64_MAX);
	rc = reply_edit(g.data_db, r->user->id, id, msg, content, model, o, user_msg, asst_msg);
	if ((err = limited(r, rc, o, model, &status)))
		return show_chat_view(r, id, status, err, content, msg, INT64_MAX);
	err = replace_refusal(rc, &status);
	if (rc == STORE_NOT_FOUND)
		return page_error(r, 404, "There is no such message in this chat.");
	if (err)
		return show_chat_view(r, id, status, err, content, msg, INT64_MAX);
	wake_worker();
	return landing(r, id, user_msg);
}

/* POST /chat/ID/regenerate: a new reply in place of the last one,
 * optionally from another model. */
static int regenerate_post(struct req *r)
{
	const char *id = r->params[0], *model = http_form(r, "model");
	char asst_msg[UUID_BUF];
	int status = 400;
	const char *err;
	struct origin *o;
	enum store_rc rc;

	if (!uuid_valid(id))
		return page_error(r, 404, "There is no such chat.");
	err = check_send(r, &model, &status);
	if (err)
		return show_chat(r, id, status, err, NULL);
	o = origin_of(r, model);
	rc = reply_regenerate(g.data_db, r->user->id, id, model, o, asst_msg);
	if ((err = limited(r, rc, o, model, &status)))
		return show_chat(r, id, status, err, NULL);
	err = replace_refusal(rc, &status);
	if (rc == STORE_NOT_FOUND)
		return show_chat(r, id, 400, "There is no reply to regenerate in this chat.", NULL);
	if (err)
		return show_chat(r, id, status, err, NULL);
	wake_worker();
	return landing(r, id, asst_msg);
}

static int stop_post(struct req *r)
{
	const char *id = r->params[0];
	char newest[UUID_BUF];
	struct chat c;
	if (!uuid_valid(id) || store_chat_get(g.data_db, r->a, r->user->id, id, &c) != STORE_OK)
		return page_error(r, 404, "There is no such chat.");
	if (reply_request_stop(g.data_db, r->user->id, id) != STORE_OK)
		return page_error(r, 503, "The server is busy. Try stopping again.");
	if (store_chat_newest_message(g.data_db, id, newest) != STORE_OK)
		*newest = '\0';
	return landing(r, id, newest);
}

/* The poll's "live" (the whole blocks of the text so far, formatted),
 * "live_end" (where they end) and "tail" (the text after them), when more
 * blocks are whole than the ?live= the page has. */
static void poll_live(struct req *r, struct buf *b, const char *full)
{
	int64_t had = 0;
	struct buf html = BUF_INIT;
	size_t end;
	parse_int64(http_query(r, "live") ? http_query(r, "live") : "0", &had);
	end = live_md_render(full, strlen(full), &html);
	if (end && (int64_t)end > had) {
		buf_puts(b, ",\"live_end\":");
		buf_put_int(b, (int64_t)end);
		buf_puts(b, ",\"live\":\"");
		esc_json(b, buf_str(&html), html.len);
		buf_puts(b, "\",\"tail\":\"");
		esc_json(b, full + end, strlen(full + end));
		buf_putc(b, '"');
	}
	buf_free(&html);
}

/* GET /chat/ID/poll?m=MSG&from=BYTES&rfrom=BYTES&live=BYTES — the hot path: a session
 * this process checked in the last 2 s, one read snapshot, a small JSON answer. rfrom is where
 * the reasoning shown so far ends; while the reply runs, "reasoning" has
 * what came after it and "rnext" the offset to ask from next; "phase" and
 * "label" say what the reply is doing (reply_phase), as the page does;
 * live is where the formatted part of the page's reply ends (poll_live). */
static int poll_get(struct req *r)
{
	const char *id = r->params[0];
	struct reply_poll p;
	int64_t from = 0;
	struct buf *b = r->resp_body;

	r->resp_type = "application/json";
	if (r->invalid || !uuid_valid(id)) {
		buf_puts(b, "{\"error\":\"bad request\"}");
		return 400;
	}
	parse_int64(http_query(r, "from") ? http_query(r, "from") : "0", &from);
	/* One snapshot for the message and its parts: one -shm lock, not three. */
	db_read_begin(g.data_db);
	if (reply_poll(g.data_db, r->a, r->user->id, id, http_query(r, "m"), from, &p) != STORE_OK) {
		db_read_end(g.data_db);
		buf_puts(b, "{\"error\":\"not found\"}");
		return 404;
	}
	const char *rtext = "", *phase, *full = NULL;
	int64_t rfrom = 0, rnext = 0;
	if (!p.ended) {
		parse_int64(http_query(r, "rfrom") ? http_query(r, "rfrom") : "0", &rfrom);
		reply_poll_reasoning(g.data_db, r->a, http_query(r, "m"), rfrom, &rtext, &rnext);
		/* A block can only have ended on a line that just came in. */
		if (strchr(p.text, '\n'))
			full = reply_partial_text(g.data_db, r->a, http_query(r, "m"));
	}
	db_read_end(g.data_db);
	phase = reply_phase(p.status, p.next > 0, rnext > 0 || rfrom > 0);
	buf_puts(b, "{\"status\":\"");
	buf_puts(b, p.status);
	buf_puts(b, "\",\"phase\":\"");
	buf_puts(b, phase);
	if (phase_label(phase)) {
		buf_puts(b, "\",\"label\":\"");
		buf_puts(b, phase_label(phase));
	}
	buf_puts(b, "\",\"next\":");
	buf_put_int(b, p.next);
	buf_puts(b, ",\"text\":\"");
	esc_json(b, p.text, strlen(p.text));
	buf_putc(b, '"');
	if (full)
		poll_live(r, b, full);
	if (*rtext) {
		buf_puts(b, ",\"rnext\":");
		buf_put_int(b, rnext);
		buf_puts(b, ",\"reasoning\":\"");
		esc_json(b, rtext, strlen(rtext));
		buf_putc(b, '"');
	}
	if (p.ended) {
		struct buf html = BUF_INIT;
		if (tmpl_render(g.tmpl, "_message", message_value(r, &p.msg, NULL, NULL), &html) == 0) {
			buf_puts(b, ",\"html\":\"");
			esc_json(b, buf_str(&html), html.len);
			buf_putc(b, '"');
		}
		buf_free(&html);
	}
	buf_puts(b, "}");
	return 200;
}

static int poll_unauthorized(struct req *r)
{
	r->resp_type = "application/json";
	buf_puts(r->resp_body, "{\"error\":\"sign in\"}");
	return 403;
}

static int poll_route(struct req *r)
{
	return r->user ? poll_get(r) : poll_unauthorized(r);
}

static const struct route routes[] = {
	{ "GET", "/chat/new", new_chat_page, ROUTE_LOGIN, new_page_fields },
	{ "POST", "/chat/new", new_chat_post, ROUTE_LOGIN | ROUTE_UPLOAD | ROUTE_FORM_ERRORS,
	  send_fields },
	{ "GET", "/chat/:id", chat_page, ROUTE_LOGIN | ROUTE_FORM_ERRORS, chat_page_fields },
	{ "GET", "/chat/:id/settings", chat_settings_page, ROUTE_LOGIN, NULL },
	{ "POST", "/chat/:id", send_post, ROUTE_LOGIN | ROUTE_UPLOAD | ROUTE_FORM_ERRORS,
	  send_fields },
	{ "GET", "/chat/:id/file/:hash", attach_file_get, ROUTE_LOGIN, NULL },
	{ "GET", "/chat/:id/poll", poll_route, ROUTE_SESSION_RECENT | ROUTE_FORM_ERRORS,
	  poll_fields },
	{ "POST", "/chat/:id/stop", stop_post, ROUTE_LOGIN, NULL },
	{ "GET", "/chat/:id/edit", edit_page, ROUTE_LOGIN | ROUTE_FORM_ERRORS, edit_page_fields },
	{ "POST", "/chat/:id/edit", edit_post, ROUTE_LOGIN | ROUTE_UPLOAD | ROUTE_FORM_ERRORS,
	  edit_fields },
	{ "POST", "/chat/:id/regenerate", regenerate_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  regenerate_fields },
	{ "POST", "/chat/:id/preset", preset_use_post, ROUTE_LOGIN, preset_use_fields },
	{ "POST", "/chat/:id/instructions", chat_instructions_post, ROUTE_LOGIN | ROUTE_FORM_ERRORS,
	  chat_instructions_fields },
};

int main(int argc, char **argv)
{
	return app_main(argc, argv, "chat", routes, COUNTOF(routes));
}
