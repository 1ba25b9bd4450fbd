/* sse.c — see sse.h. Complete lines are parsed straight from the caller's
 * bytes; only a line split across reads is copied into p->line. */
#include "sse.h"

#include <limits.h>
#include <string.h>

static const char bom[3] = { '\xef', '\xbb', '\xbf' };

void sse_init(struct sse *p, sse_cb cb, void *user)
{
	*p = (struct sse){
		.line = BUF_INIT, .data = BUF_INIT, .type = BUF_INIT, .id = BUF_INIT,
		.retry_ms = -1,
		.max_line = SSE_MAX_DEFAULT,
		.max_event = SSE_MAX_DEFAULT,
		.cb = cb,
		.user = user,
	};
}

void sse_free(struct sse *p)
{
	buf_free(&p->line);
	buf_free(&p->data);
	buf_free(&p->type);
	buf_free(&p->id);
}

/* A limit was exceeded: give the memory back now (the stream is over for
 * the caller) and say which. */
static int too_much(struct sse *p, enum sse_over why)
{
	p->over = why;
	buf_free(&p->line);
	buf_free(&p->data);
	buf_clear(&p->type);
	return -1;
}

/* Blank line: hand over the event, then forget its data and type (the id
 * is stream state and stays). */
static int dispatch(struct sse *p)
{
	struct sse_event ev;
	int rc = 0;

	if (p->data.len == 0) {
		buf_clear(&p->type);
		return 0;
	}
	/* Every data line appended a '\n'; the last one is not part of it. */
	p->data.data[--p->data.len] = '\0';
	ev.type = p->type.len ? p->type.data : "message";
	ev.data = p->data.data;
	ev.data_len = p->data.len;
	ev.id = buf_str(&p->id);
	if (p->cb)
		rc = p->cb(p->user, &ev);
	buf_clear(&p->data);
	buf_clear(&p->type);
	return rc;
}

static int name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* "retry": ASCII digits only; clamp rather than overflow. */
static void set_retry(struct sse *p, const char *v, size_t n)
{
	long ms = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return;
	for (size_t i = 0; i < n; i++) {
		int d = v[i] - '0';
		if (ms > (LONG_MAX - d) / 10) {
			ms = LONG_MAX;
			break;
		}
		ms = ms * 10 + d;
	}
	p->retry_ms = ms;
}

/* One line without its line ending. s may point into p->line, which
 * nothing here touches. */
static int process_line(struct sse *p, const char *s, size_t n)
{
	const char *colon, *v;
	size_t name_len, vn;

	if (p->ndjson) {
		if (n == 0)
			return 0;
		if (n > p->max_event)
			return too_much(p, SSE_EVENT_TOO_LARGE);
		buf_clear(&p->type);
		buf_append(&p->data, s, n);
		buf_putc(&p->data, '\n');
		return dispatch(p);
	}
	if (n == 0)
		return dispatch(p);
	if (s[0] == ':')
		return 0;
	colon = memchr(s, ':', n);
	if (colon) {
		name_len = (size_t)(colon - s);
		v = colon + 1;
		vn = n - name_len - 1;
		if (vn && *v == ' ') {
			v++;
			vn--;
		}
	} else {
		name_len = n;
		v = s + n;
		vn = 0;
	}

	if (p->error_field && name_is(s, name_len, "error")) {
		buf_clear(&p->type);
		buf_puts(&p->type, "error");
		name_len = 4;    /* and on as a data line */
		s = "data";
	}
	if (name_is(s, name_len, "data")) {
		/* The event's data with this line: what is there (each line
		 * with its '\n', the last one's dropped at dispatch) and vn. */
		if (vn > p->max_event || p->data.len > p->max_event - vn)
			return too_much(p, SSE_EVENT_TOO_LARGE);
		buf_reserve(&p->data, vn + 1);    /* one growth for value and '\n' */
		buf_append(&p->data, v, vn);
		buf_putc(&p->data, '\n');
	} else if (name_is(s, name_len, "event")) {
		buf_clear(&p->type);
		buf_append(&p->type, v, vn);
	} else if (name_is(s, name_len, "id")) {
		/* The spec ignores an id with NUL: it could not be sent back as
		 * Last-Event-ID, and ours is a C string. */
		if (!memchr(v, '\0', vn)) {
			buf_clear(&p->id);
			buf_append(&p->id, v, vn);
		}
	} else if (name_is(s, name_len, "retry")) {
		set_retry(p, v, vn);
	}
	return 0;
}

/* The next CR or LF in [s, end), or end: memchr for each, remembered (NULL
 * = not searched yet) so an LF-only stream does not rescan to the end for a
 * CR on every line. */
static const char *next_eol(const char *s, const char *end,
			    const char **cr, const char **lf)
{
	if (!*cr || *cr < s) {
		*cr = memchr(s, '\r', (size_t)(end - s));
		if (!*cr)
			*cr = end;
	}
	if (!*lf || *lf < s) {
		*lf = memchr(s, '\n', (size_t)(end - s));
		if (!*lf)
			*lf = end;
	}
	return *cr < *lf ? *cr : *lf;
}

int sse_feed(struct sse *p, const char *bytes, size_t n)
{
	const char *s = bytes, *end, *e;
	const char *cr = NULL, *lf = NULL;
	int rc;

	if (p->over)
		return -1;
	/* bytes may be NULL then, and NULL + 0 is undefined. */
	if (n == 0)
		return 0;
	end = bytes + n;

	/* Match the BOM byte by byte, keeping a partial match in p->line: if
	 * the stream turns out not to start with one, those bytes are simply
	 * the start of the first line. */
	while (!p->started && s < end) {
		if (*s != bom[p->line.len]) {
			p->started = 1;
			break;
		}
		buf_putc(&p->line, *s++);
		if (p->line.len == sizeof bom) {
			buf_clear(&p->line);
			p->started = 1;
		}
	}

	while (s < end) {
		if (p->saw_cr) {
			p->saw_cr = 0;
			if (*s == '\n') {
				s++;
				continue;
			}
		}
		e = next_eol(s, end, &cr, &lf);
		if (e == end) {
			/* No line ending yet: keep the piece for the next read. */
			if (p->line.len + (size_t)(end - s) > p->max_line)
				return too_much(p, SSE_LINE_TOO_LONG);
			buf_append(&p->line, s, (size_t)(end - s));
			return 0;
		}
		if (p->line.len + (size_t)(e - s) > p->max_line)
			return too_much(p, SSE_LINE_TOO_LONG);
		if (p->line.len) {
			buf_append(&p->line, s, (size_t)(e - s));
			rc = process_line(p, p->line.data, p->line.len);
			buf_clear(&p->line);
		} else {
			rc = process_line(p, s, (size_t)(e - s));
		}
		s = e + 1;
		if (*e == '\r') {
			if (s == end)
				p->saw_cr = 1;
			else if (*s == '\n')
				s++;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int sse_finish(struct sse *p)
{
	int rc = p->over ? -1 : 0;

	/* The stream ended inside a line: it counts as a complete one. */
	if (rc == 0 && p->line.len)
		rc = process_line(p, p->line.data, p->line.len);
	buf_clear(&p->line);
	if (rc == 0)
		rc = dispatch(p);
	/* Ready for the next stream (a reconnect): it may have its own BOM;
	 * the last event id and retry are kept, as the spec's reconnection
	 * expects. */
	buf_clear(&p->data);
	buf_clear(&p->type);
	p->saw_cr = 0;
	p->started = 0;
	p->over = SSE_WITHIN;
	return rc;
}
