/* multipart.c — see multipart.h. Strict on purpose: a browser's form
 * always has this exact shape, so anything else is refused rather than
 * guessed at (one header block per part, CRLF line ends, the body starting
 * with the first delimiter). */
#include "multipart.h"

#include <string.h>
#include <strings.h>

#define MAX_HEADER_LINES 8
#define MAX_HEADER_LEN 1024
#define MAX_FILENAME 1024

/* RFC 2046 bcharsnospace, plus space inside. */
static int is_bchar(char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* One "name=value" parameter at *pp (after a ';'), value a token or a
 * quoted-string (backslash escapes one byte). The name and value are
 * arena copies. 0, or -1 when malformed. */
static int next_param(struct arena *a, const char **pp, const char *end, char **name,
		      char **value)
{
	const char *p = skip_ws(*pp, end), *n0 = p;
	char *v;
	size_t vn = 0;

	while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t' && *p != '"')
		p++;
	if (p == n0)
		return -1;
	*name = arena_strndup(a, n0, (size_t)(p - n0));
	p = skip_ws(p, end);
	if (p == end || *p != '=')
		return -1;
	p = skip_ws(p + 1, end);
	v = arena_alloc(a, (size_t)(end - p) + 1);
	if (p < end && *p == '"') {
		for (p++;; p++) {
			if (p == end)
				return -1;
			if (*p == '"')
				break;
			if (*p == '\\' && p + 1 < end)
				p++;
			v[vn++] = *p;
		}
		p++;
	} else {
		while (p < end && *p != ';' && *p != ' ' && *p != '\t' && *p != '"')
			v[vn++] = *p++;
		if (vn == 0)
			return -1;
	}
	v[vn] = '\0';
	p = skip_ws(p, end);
	if (p < end && *p != ';')
		return -1;
	*value = v;
	*pp = p < end ? p + 1 : p;
	return 0;
}

int multipart_boundary(const char *ct, char *out, size_t size)
{
	static const char t[] = "multipart/form-data";
	struct arena a;
	const char *p, *end;
	int rc = -1;

	if (!ct || strncasecmp(ct, t, sizeof t - 1) != 0)
		return -1;
	p = skip_ws(ct + sizeof t - 1, ct + strlen(ct));
	end = ct + strlen(ct);
	if (p == end || *p++ != ';')
		return -1;
	arena_init(&a, 1024);
	while (p < end) {
		char *name, *value;
		size_t n;
		if (next_param(&a, &p, end, &name, &value))
			break;
		if (strcasecmp(name, "boundary") != 0)
			continue;
		n = strlen(value);
		if (n == 0 || n > 70 || n >= size || value[n - 1] == ' ')
			break;
		for (size_t i = 0; i < n; i++)
			if (!is_bchar(value[i]))
				goto out;
		memcpy(out, value, n + 1);
		rc = 0;
		break;
	}
out:
	arena_free(&a);
	return rc;
}

/* A header value that is text we can keep: UTF-8, no control bytes. */
static int clean_text(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return utf8_valid(s, strlen(s));
}

struct part_head {
	const char *name, *filename, *type;
	int is_file;
};

/* Content-Disposition: form-data; name="..."[; filename="..."]. */
static int parse_disposition(struct arena *a, const char *v, const char *end,
			     struct part_head *h)
{
	static const char fd[] = "form-data";
	const char *p = skip_ws(v, end);
	if ((size_t)(end - p) < sizeof fd - 1 || strncasecmp(p, fd, sizeof fd - 1) != 0)
		return -1;
	p = skip_ws(p + sizeof fd - 1, end);
	if (p < end && *p++ != ';')
		return -1;
	while (p < end) {
		char *name, *value;
		if (next_param(a, &p, end, &name, &value) || !clean_text(value))
			return -1;
		if (strcasecmp(name, "name") == 0) {
			if (h->name || !*value)
				return -1;
			h->name = value;
		} else if (strcasecmp(name, "filename") == 0) {
			const char *base = value;
			if (h->is_file || strlen(value) > MAX_FILENAME)
				return -1;
			/* Old browsers send the whole path: keep its last part. */
			for (const char *q = value; *q; q++)
				if (*q == '/' || *q == '\\')
					base = q + 1;
			h->filename = base;
			h->is_file = 1;
		}
		/* filename* and unknown parameters are ignored. */
	}
	return h->name ? 0 : -1;
}

/* The header block at *pp, up to and including its empty line. */
static int parse_headers(struct arena *a, const char **pp, const char *end, struct part_head *h)
{
	const char *p = *pp;
	int seen_cd = 0, seen_ct = 0;

	for (int lines = 0;; lines++) {
		const char *eol, *colon;
		size_t len;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			break;
		if (lines == MAX_HEADER_LINES)
			return -1;
		len = (size_t)(end - p) < MAX_HEADER_LEN + 2 ? (size_t)(end - p) : MAX_HEADER_LEN + 2;
		eol = memmem(p, len, "\r\n", 2);
		colon = eol ? memchr(p, ':', (size_t)(eol - p)) : NULL;
		if (!colon || colon == p)
			return -1;
		if ((size_t)(colon - p) == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
			if (seen_cd++ || parse_disposition(a, colon + 1, eol, h))
				return -1;
		} else if ((size_t)(colon - p) == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
			const char *v = skip_ws(colon + 1, eol);
			char *t = arena_strndup(a, v, (size_t)(eol - v));
			if (seen_ct++ || !clean_text(t))
				return -1;
			h->type = t;
		}
		p = eol + 2;
	}
	if (!seen_cd)
		return -1;
	*pp = p + 2;
	return 0;
}

/* Append to a list that grows inside the arena (a form has few items). */
static void *grow(struct arena *a, void *items, size_t n, size_t *cap, size_t size)
{
	void *bigger;
	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 8;
	bigger = arena_alloc(a, *cap * size);
	if (n)
		memcpy(bigger, items, n * size);
	return bigger;
}

enum mp_err multipart_parse(struct arena *a, const char *boundary, const char *body, size_t n,
			    const struct mp_limits *lim, struct kvlist *fields,
			    struct mp_file **files, size_t *nfiles)
{
	const char *p = body, *end = body + n;
	size_t blen = strlen(boundary), dlen = blen + 4, fcap = 0, kcap = 0;
	char *delim = arena_alloc(a, dlen + 1);   /* "\r\n--" boundary */
	enum mp_err soft = MP_OK;
	size_t nonempty = 0;

	fields->items = NULL;
	fields->n = 0;
	*files = NULL;
	*nfiles = 0;
	if (blen == 0 || blen > 70)
		return MP_MALFORMED;
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen + 1);
	/* The body opens with the first delimiter (no preamble). */
	if (n < dlen - 2 || memcmp(p, delim + 2, dlen - 2) != 0)
		return MP_MALFORMED;
	p += dlen - 2;
	for (;;) {
		struct part_head h = { NULL, NULL, NULL, 0 };
		const char *q;
		size_t len;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return soft;        /* the close delimiter; an epilogue is ignored */
		p = skip_ws(p, end);
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return MP_MALFORMED;
		p += 2;
		if (parse_headers(a, &p, end, &h))
			return MP_MALFORMED;
		q = memmem(p, (size_t)(end - p), delim, dlen);
		if (!q)
			return MP_MALFORMED;
		len = (size_t)(q - p);
		if (!h.is_file) {
			struct kv *kv;
			if (fields->n == lim->max_fields)
				return MP_TOO_MANY_FIELDS;
			if (len > lim->max_field_len)
				return MP_TOO_MANY_FIELDS;
			if (memchr(p, '\0', len) || !utf8_valid(p, len))
				return MP_MALFORMED;
			fields->items = grow(a, fields->items, fields->n, &kcap, sizeof *kv);
			kv = &fields->items[fields->n++];
			kv->key = h.name;
			kv->val = arena_strndup(a, p, len);
			kv->val_len = len;
		} else if (len > 0 || *h.filename) {
			struct mp_file *f;
			if (++nonempty > lim->max_files) {
				if (soft == MP_OK)
					soft = MP_TOO_MANY_FILES;
			} else if (len > lim->max_file_len) {
				if (soft == MP_OK)
					soft = MP_FILE_TOO_LARGE;
			} else {
				*files = grow(a, *files, *nfiles, &fcap, sizeof **files);
				f = &(*files)[(*nfiles)++];
				f->field = h.name;
				f->filename = h.filename;
				f->type = h.type ? h.type : "application/octet-stream";
				f->data = (const unsigned char *)p;
				f->len = len;
			}
		}
		p = q + dlen;
	}
}
