/* tmpl.c — see tmpl.h.
 *
 * Templates are parsed once into a tree of nodes that lives in the set's
 * own arena; rendering walks the tree and allocates nothing but the growth
 * of the output buffer. Choices the header leaves open:
 *  - A value renders as: string → HTML-escaped text; int → decimal; bool →
 *    "true" when true and nothing when false; null, list and map → nothing.
 *  - Whitespace inside a tag is ignored ({{ name }}, {{# list }}, {{> p }},
 *    {{> @page }}). Text outside tags is copied exactly: lines holding only
 *    a section tag are not stripped as some mustache dialects do.
 *  - Names are made of [A-Za-z0-9_.-]: dot-separated non-empty parts, or "."
 *    alone. {{{x}}}, {{&x}} and delimiter changes are not supported (the
 *    first two fail with a bad-character error: raw output is RAW_HTML only).
 *  - Load errors read "NAME.html:LINE: message", NAME being the template's
 *    name (the file name in tmpl_load_dir).
 *  - Sections nest at most 16 deep inside one template (a load error). When
 *    rendering, at most 16 section values may be on the context stack above
 *    the root context and partials may nest at most 16 deep; beyond either,
 *    tmpl_render returns -1.
 *  - A cycle of static partials is a load error even when an include sits
 *    in a section that would stop the recursion: recursive templates must
 *    include themselves with {{>@name}}, bounded by the depth limit.
 *  - When tmpl_render fails, out is cut back to its length on entry.
 */
#include "tmpl.h"
#include "esc.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMPL_MAX_DEPTH 16
/* How much of a name an error message quotes. */
#define ERR_NAME_MAX 64

/* ---- values ---- */

struct tv_cell {
	struct tval *v;
	struct tv_cell *next;
};

struct tv_pair {
	const char *key;
	uint32_t hash;      /* key_hash(key): most mismatches cost no strcmp */
	struct tval *v;
	struct tv_pair *next;
};

struct tval {
	enum tval_kind kind;
	union {
		int b;
		int64_t i;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			struct tv_cell *head, *tail;
			size_t n;
		} list;
		struct {
			struct tv_pair *head, *tail;
			size_t n;
			uint64_t keys; /* bit hash % 64 of each key: most misses skip the list */
		} map;
	} u;
};

/* A fresh zeroed value of kind k in arena a (owned by the arena). */
static struct tval *tv_new(struct arena *a, enum tval_kind k)
{
	struct tval *v = arena_zalloc(a, sizeof *v);
	v->kind = k;
	return v;
}

/* An empty map, owned by a. */
struct tval *tv_map(struct arena *a)
{
	return tv_new(a, TV_MAP);
}

/* An empty list, owned by a. */
struct tval *tv_list(struct arena *a)
{
	return tv_new(a, TV_LIST);
}

/* A string value holding an arena copy of s (NULL is taken as ""). */
struct tval *tv_str(struct arena *a, const char *s)
{
	struct tval *v = tv_new(a, TV_STR);
	if (!s)
		s = "";
	v->u.str.len = strlen(s);
	v->u.str.s = arena_strndup(a, s, v->u.str.len);
	return v;
}

/* A string value pointing at s itself (NULL is taken as ""): s must outlive
 * the value and not change, as its length is measured now. */
struct tval *tv_str_ref(struct arena *a, const char *s)
{
	struct tval *v = tv_new(a, TV_STR);
	if (!s)
		s = "";
	v->u.str.s = s;
	v->u.str.len = strlen(s);
	return v;
}

/* An integer value, owned by a. */
struct tval *tv_int(struct arena *a, int64_t i)
{
	struct tval *v = tv_new(a, TV_INT);
	v->u.i = i;
	return v;
}

/* A boolean value (any non-zero v is true), owned by a. */
struct tval *tv_bool(struct arena *a, int b)
{
	struct tval *v = tv_new(a, TV_BOOL);
	v->u.b = b != 0;
	return v;
}

/* FNV-1a of a key. A page looks names up thousands of times (a chat of
 * 100 messages: ~20 per message, each tried against every key of every
 * context outwards); comparing hashes before strings took a fifth off the
 * chat page's instructions (callgrind). */
static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)key; *c; c++)
		h = (h ^ *c) * 16777619u;
	return h;
}

/* The pair of map holding key (whose key_hash is hash), or NULL; map must
 * be a TV_MAP. */
static struct tv_pair *map_find(const struct tval *map, const char *key, uint32_t hash)
{
	struct tv_pair *p;
	if (!(map->u.map.keys & (UINT64_C(1) << (hash & 63))))
		return NULL;
	for (p = map->u.map.head; p; p = p->next)
		if (p->hash == hash && strcmp(p->key, key) == 0)
			return p;
	return NULL;
}

/* Set key to v in map, replacing an earlier value; key is kept, not copied.
 * Does nothing when map is not a map. Returns v. */
struct tval *tv_set(struct arena *a, struct tval *map, const char *key, struct tval *v)
{
	struct tv_pair *p;
	uint32_t hash;
	if (!map || map->kind != TV_MAP || !key)
		return v;
	hash = key_hash(key);
	p = map_find(map, key, hash);
	if (p) {
		p->v = v;
		return v;
	}
	p = arena_alloc(a, sizeof *p);
	p->key = key;
	p->hash = hash;
	p->v = v;
	p->next = NULL;
	if (map->u.map.tail)
		map->u.map.tail->next = p;
	else
		map->u.map.head = p;
	map->u.map.tail = p;
	map->u.map.n++;
	map->u.map.keys |= UINT64_C(1) << (hash & 63);
	return v;
}

/* Set key to a copy of the string s. */
void tv_set_str(struct arena *a, struct tval *map, const char *key, const char *s)
{
	tv_set(a, map, key, tv_str(a, s));
}

/* Set key to the integer v. */
void tv_set_int(struct arena *a, struct tval *map, const char *key, int64_t v)
{
	tv_set(a, map, key, tv_int(a, v));
}

/* Set key to the boolean v. */
void tv_set_bool(struct arena *a, struct tval *map, const char *key, int v)
{
	tv_set(a, map, key, tv_bool(a, v));
}

/* Append v to list in O(1); does nothing when list is not a list. Returns v. */
struct tval *tv_push(struct arena *a, struct tval *list, struct tval *v)
{
	struct tv_cell *c;
	if (!list || list->kind != TV_LIST)
		return v;
	c = arena_alloc(a, sizeof *c);
	c->v = v;
	c->next = NULL;
	if (list->u.list.tail)
		list->u.list.tail->next = c;
	else
		list->u.list.head = c;
	list->u.list.tail = c;
	list->u.list.n++;
	return v;
}

/* map's value for key (no dots), or NULL if absent or map is not a map. */
struct tval *tv_get(const struct tval *map, const char *key)
{
	struct tv_pair *p;
	if (!map || map->kind != TV_MAP || !key)
		return NULL;
	p = map_find(map, key, key_hash(key));
	return p ? p->v : NULL;
}

/* Items in a list (pairs in a map); 0 for anything else. */
size_t tv_len(const struct tval *v)
{
	if (!v)
		return 0;
	if (v->kind == TV_LIST)
		return v->u.list.n;
	if (v->kind == TV_MAP)
		return v->u.map.n;
	return 0;
}

/* ---- the parsed form ---- */

enum ntype { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_DPARTIAL };

struct tname {
	const char *full;   /* as written (trimmed), NUL-terminated */
	const char **seg;   /* dot-separated parts; nseg 0 means "." */
	uint32_t *hash;     /* key_hash of each part */
	size_t nseg;
};

struct tmpl;

struct node {
	enum ntype type;
	int line;                   /* where the tag (or text) starts */
	struct node *next;          /* next sibling */
	const char *text;           /* N_TEXT: bytes to copy */
	size_t len;
	struct tname name;          /* every other kind; N_PARTIAL: full only */
	struct node *body;          /* N_SECTION, N_INVERTED */
	const struct tmpl *partial; /* N_PARTIAL: resolved after loading */
};

struct tmpl {
	const char *name;
	const char *src;            /* the source, for parsing */
	size_t src_len;
	struct node *root;
};

struct tmpl_set {
	struct arena arena;         /* every node, name and source copy */
	struct tmpl *t;             /* sorted by name */
	size_t n;
};

/* ---- errors ---- */

/* A malloc'd string formatted from fmt and ap; the caller frees it. */
static char *xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	s[0] = '\0';
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* A malloc'd string formatted from fmt; the caller frees it. */
static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Set *err (if err is non-NULL and not already set) to a malloc'd
 * "NAME.html:LINE: message". Returns -1 so callers can return it. */
static int tmpl_err(char **err, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int tmpl_err(char **err, const char *name, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	if (!err || *err)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*err = xasprintf("%s.html:%d: %s", name, line, msg);
	free(msg);
	return -1;
}

/* ---- parsing ---- */

struct parser {
	struct arena *a;
	const char *file;           /* template name, for messages */
	char **err;
};

/* Number of newlines in s[0..n). */
static int count_nl(const char *s, size_t n)
{
	int k = 0;
	const char *e = s + n;
	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

/* The first occurrence of the pair of bytes cc (e.g. "{{") in s[0..n), or
 * NULL. (memmem is a GNU extension; this stays portable.) */
static const char *find2(const char *s, size_t n, const char *cc)
{
	const char *e = s + n;
	while (n >= 2 && (s = memchr(s, cc[0], n - 1)) != NULL) {
		if (s[1] == cc[1])
			return s;
		s++;
		n = (size_t)(e - s);
	}
	return NULL;
}

/* 1 if c is whitespace allowed around names inside a tag. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Strip whitespace from both ends of s[0..*n), updating s and *n. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_space(*s)) {
		s++;
		(*n)--;
	}
	while (*n && is_space(s[*n - 1]))
		(*n)--;
	return s;
}

/* 1 if c may appear in a name. */
static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* Check that s[0..n) is non-empty and made of name characters; 0 or -1
 * with the error set. */
static int check_chars(struct parser *p, int line, const char *s, size_t n)
{
	size_t i;
	if (n == 0)
		return tmpl_err(p->err, p->file, line, "empty name");
	for (i = 0; i < n; i++)
		if (!name_char(s[i]))
			return tmpl_err(p->err, p->file, line, "bad character in name '%.*s'",
					(int)(n < ERR_NAME_MAX ? n : ERR_NAME_MAX), s);
	return 0;
}

/* Parse the value name s[0..n) into out (strings in the parser's arena):
 * "." or dot-separated non-empty parts. 0, or -1 with the error set. */
static int parse_name(struct parser *p, int line, const char *s, size_t n,
		      struct tname *out)
{
	size_t i, k, start;
	if (check_chars(p, line, s, n) < 0)
		return -1;
	out->full = arena_strndup(p->a, s, n);
	if (n == 1 && s[0] == '.') {
		out->seg = NULL;
		out->hash = NULL;
		out->nseg = 0;
		return 0;
	}
	out->nseg = 1;
	for (i = 0; i < n; i++)
		if (s[i] == '.')
			out->nseg++;
	out->seg = arena_alloc(p->a, out->nseg * sizeof *out->seg);
	out->hash = arena_alloc(p->a, out->nseg * sizeof *out->hash);
	for (i = 0, k = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start)
			return tmpl_err(p->err, p->file, line, "bad name '%.*s'",
					(int)(n < ERR_NAME_MAX ? n : ERR_NAME_MAX), s);
		out->seg[k] = arena_strndup(p->a, s + start, i - start);
		out->hash[k] = key_hash(out->seg[k]);
		k++;
		start = i + 1;
	}
	return 0;
}

/* A new node of type type at line, from the parser's arena. */
static struct node *node_new(struct parser *p, enum ntype type, int line)
{
	struct node *nd = arena_zalloc(p->a, sizeof *nd);
	nd->type = type;
	nd->line = line;
	return nd;
}

/* An open section while parsing: where its next child goes. */
struct frame {
	struct node *sec;           /* NULL for the template's top level */
	struct node **tail;
};

/* Parse the inside of one tag, c[0..n) (between "{{" and "}}"), found at
 * line, appending to the innermost open section in st[0..*depth]. */
static int parse_tag(struct parser *p, struct frame *st, int *depth,
		     const char *c, size_t n, int line)
{
	struct frame *f = &st[*depth];
	struct node *nd;
	c = trim(c, &n);
	if (n == 0)
		return tmpl_err(p->err, p->file, line, "empty name");
	switch (c[0]) {
	case '!':
		return 0;
	case '#':
	case '^':
		nd = node_new(p, c[0] == '#' ? N_SECTION : N_INVERTED, line);
		c++;
		n--;
		c = trim(c, &n);
		if (parse_name(p, line, c, n, &nd->name) < 0)
			return -1;
		if (*depth == TMPL_MAX_DEPTH)
			return tmpl_err(p->err, p->file, line,
					"sections nest deeper than %d", TMPL_MAX_DEPTH);
		*f->tail = nd;
		f->tail = &nd->next;
		(*depth)++;
		st[*depth].sec = nd;
		st[*depth].tail = &nd->body;
		return 0;
	case '/':
		c++;
		n--;
		c = trim(c, &n);
		if (n == 0)
			return tmpl_err(p->err, p->file, line, "empty name");
		if (*depth == 0)
			return tmpl_err(p->err, p->file, line,
					"'{{/%.*s}}' closes no open section",
					(int)(n < ERR_NAME_MAX ? n : ERR_NAME_MAX), c);
		if (strlen(f->sec->name.full) != n || memcmp(f->sec->name.full, c, n) != 0)
			return tmpl_err(p->err, p->file, line,
					"'{{/%.*s}}' does not match section '%s' opened on line %d",
					(int)(n < ERR_NAME_MAX ? n : ERR_NAME_MAX), c,
					f->sec->name.full, f->sec->line);
		(*depth)--;
		return 0;
	case '>':
		c++;
		n--;
		c = trim(c, &n);
		if (n > 0 && c[0] == '@') {
			nd = node_new(p, N_DPARTIAL, line);
			c++;
			n--;
			c = trim(c, &n);
			if (parse_name(p, line, c, n, &nd->name) < 0)
				return -1;
		} else {
			nd = node_new(p, N_PARTIAL, line);
			if (check_chars(p, line, c, n) < 0)
				return -1;
			nd->name.full = arena_strndup(p->a, c, n);
		}
		break;
	default:
		if (n >= 8 && memcmp(c, "RAW_HTML", 8) == 0 && (n == 8 || is_space(c[8]))) {
			nd = node_new(p, N_RAW, line);
			c += 8;
			n -= 8;
			c = trim(c, &n);
		} else {
			nd = node_new(p, N_VAR, line);
		}
		if (parse_name(p, line, c, n, &nd->name) < 0)
			return -1;
		break;
	}
	*f->tail = nd;
	f->tail = &nd->next;
	return 0;
}

/* Parse t->src into t->root. 0, or -1 with the error set. */
static int parse_template(struct parser *p, struct tmpl *t)
{
	struct frame st[TMPL_MAX_DEPTH + 1];
	int depth = 0, line = 1;
	const char *s = t->src;
	size_t len = t->src_len, i = 0;

	st[0].sec = NULL;
	st[0].tail = &t->root;
	while (i < len) {
		const char *open = find2(s + i, len - i, "{{");
		const char *close;
		size_t tstart = open ? (size_t)(open - s) : len, cstart, cend;
		int tline;
		if (tstart > i) {
			struct node *nd = node_new(p, N_TEXT, line);
			nd->text = s + i;
			nd->len = tstart - i;
			*st[depth].tail = nd;
			st[depth].tail = &nd->next;
			line += count_nl(s + i, tstart - i);
		}
		if (!open)
			break;
		cstart = tstart + 2;
		close = find2(s + cstart, len - cstart, "}}");
		if (!close)
			return tmpl_err(p->err, p->file, line, "'{{' is never closed");
		cend = (size_t)(close - s);
		tline = line;
		line += count_nl(s + cstart, cend - cstart);
		i = cend + 2;
		if (parse_tag(p, st, &depth, s + cstart, cend - cstart, tline) < 0)
			return -1;
	}
	if (depth > 0)
		return tmpl_err(p->err, p->file, st[depth].sec->line,
				"section '%s' is never closed", st[depth].sec->name.full);
	return 0;
}

/* ---- the set ---- */

/* qsort/bsearch order of templates: by name. */
static int tmpl_cmp(const void *x, const void *y)
{
	const struct tmpl *a = x, *b = y;
	return strcmp(a->name, b->name);
}

/* The template called name in set, or NULL. */
static const struct tmpl *tmpl_find(const struct tmpl_set *set, const char *name)
{
	struct tmpl key;
	if (!set->n)
		return NULL;
	key.name = name;
	return bsearch(&key, set->t, set->n, sizeof *set->t, tmpl_cmp);
}

/* Point every static partial under nd (of template t) at its template. */
static int resolve(struct tmpl_set *set, const struct tmpl *t, struct node *nd,
		   char **err)
{
	for (; nd; nd = nd->next) {
		if (nd->type == N_PARTIAL) {
			nd->partial = tmpl_find(set, nd->name.full);
			if (!nd->partial)
				return tmpl_err(err, t->name, nd->line,
						"unknown partial '%s'", nd->name.full);
		} else if (nd->body && resolve(set, t, nd->body, err) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Depth-first search for static partial cycles. */
struct cycle {
	const struct tmpl_set *set;
	unsigned char *state;       /* per template: 0 unseen, 1 on path, 2 done */
	size_t *path;               /* template indices on the current path */
	size_t npath;
	char **err;
};

static int visit(struct cycle *cy, size_t ti);

/* Follow the static partials under nd, found in template ti. */
static int visit_nodes(struct cycle *cy, size_t ti, const struct node *nd)
{
	for (; nd; nd = nd->next) {
		if (nd->type == N_PARTIAL) {
			size_t to = (size_t)(nd->partial - cy->set->t), k;
			struct buf b = BUF_INIT;
			if (cy->state[to] == 2)
				continue;
			if (cy->state[to] == 0) {
				if (visit(cy, to) < 0)
					return -1;
				continue;
			}
			/* to is on the path: from there to here and back is a cycle. */
			for (k = 0; cy->path[k] != to; k++)
				;
			for (; k < cy->npath; k++) {
				buf_puts(&b, cy->set->t[cy->path[k]].name);
				buf_puts(&b, " -> ");
			}
			buf_puts(&b, cy->set->t[to].name);
			tmpl_err(cy->err, cy->set->t[ti].name, nd->line,
				 "partial cycle: %s", buf_str(&b));
			buf_free(&b);
			return -1;
		} else if (nd->body && visit_nodes(cy, ti, nd->body) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Visit template ti and everything it includes statically. */
static int visit(struct cycle *cy, size_t ti)
{
	cy->state[ti] = 1;
	cy->path[cy->npath++] = ti;
	if (visit_nodes(cy, ti, cy->set->t[ti].root) < 0)
		return -1;
	cy->npath--;
	cy->state[ti] = 2;
	return 0;
}

/* Parse, resolve and check the templates already placed in set->t. */
static int load_all(struct tmpl_set *set, char **err)
{
	struct cycle cy;
	size_t i;
	int rc = 0;

	qsort(set->t, set->n, sizeof *set->t, tmpl_cmp);
	for (i = 0; i + 1 < set->n; i++)
		if (strcmp(set->t[i].name, set->t[i + 1].name) == 0)
			return tmpl_err(err, set->t[i].name, 1, "duplicate template '%s'",
					set->t[i].name);
	for (i = 0; i < set->n; i++) {
		struct parser p = { &set->arena, set->t[i].name, err };
		if (parse_template(&p, &set->t[i]) < 0)
			return -1;
	}
	for (i = 0; i < set->n; i++)
		if (resolve(set, &set->t[i], set->t[i].root, err) < 0)
			return -1;
	cy.set = set;
	cy.state = xcalloc(set->n, 1);
	cy.path = xcalloc(set->n, sizeof *cy.path);
	cy.npath = 0;
	cy.err = err;
	for (i = 0; i < set->n && rc == 0; i++)
		if (cy.state[i] == 0)
			rc = visit(&cy, i);
	free(cy.state);
	free(cy.path);
	return rc;
}

/* An empty set with room for n templates; the caller owns it. */
static struct tmpl_set *set_new(size_t n)
{
	struct tmpl_set *set = xmalloc(sizeof *set);
	arena_init(&set->arena, 0);
	set->n = n;
	set->t = arena_zalloc(&set->arena, (n ? n : 1) * sizeof *set->t);
	return set;
}

/* Parse names[i] → texts[i]. Returns a set the caller frees with tmpl_free,
 * or NULL with *err set to a malloc'd message. */
struct tmpl_set *tmpl_load_mem(const char *const *names, const char *const *texts,
			       size_t n, char **err)
{
	struct tmpl_set *set;
	size_t i;

	if (err)
		*err = NULL;
	for (i = 0; i < n; i++) {
		if (!names[i] || !texts[i]) {
			if (err)
				*err = xasprintf("template %zu: missing name or text", i);
			return NULL;
		}
	}
	set = set_new(n);
	for (i = 0; i < n; i++) {
		set->t[i].name = arena_strdup(&set->arena, names[i]);
		set->t[i].src_len = strlen(texts[i]);
		set->t[i].src = arena_strndup(&set->arena, texts[i], set->t[i].src_len);
	}
	if (load_all(set, err) < 0) {
		tmpl_free(set);
		return NULL;
	}
	return set;
}

/* Read the whole of path into the arena, setting *len. NULL on error, with
 * errno set. */
static char *read_file(struct arena *a, const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	char *s;
	size_t cap, n = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	cap = st.st_size > 0 ? (size_t)st.st_size : 0;
	s = arena_alloc(a, cap + 1);
	for (;;) {
		ssize_t r;
		if (n == cap) {
			/* The file grew since fstat: read on into a bigger copy. */
			size_t ncap = cap ? cap * 2 : 4096;
			char *ns = arena_alloc(a, ncap + 1);
			memcpy(ns, s, n);
			s = ns;
			cap = ncap;
		}
		r = read(fd, s + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	s[n] = '\0';
	*len = n;
	return s;
}

/* 1 if the directory entry name is a template file: "*.html", not hidden. */
static int is_template_file(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".html") == 0;
}

/* Parse every *.html in dir (not subdirectories, not hidden files). Returns
 * a set the caller frees with tmpl_free, or NULL with *err set to a malloc'd
 * message. */
struct tmpl_set *tmpl_load_dir(const char *dir, char **err)
{
	DIR *d;
	struct dirent *de;
	struct tmpl_set *set;
	char **files = NULL;
	size_t n = 0, cap = 0, i, k;

	if (err)
		*err = NULL;
	d = opendir(dir);
	if (!d) {
		if (err)
			*err = xasprintf("%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_template_file(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			files = xrealloc(files, cap * sizeof *files);
		}
		files[n++] = xstrdup(de->d_name);
	}
	closedir(d);

	set = set_new(n);
	for (i = 0, k = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);
		struct stat st;
		struct tmpl *t = &set->t[k];
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;   /* a dangling link or a directory called x.html */
		}
		t->name = arena_strndup(&set->arena, files[i], strlen(files[i]) - 5);
		t->src = read_file(&set->arena, path, &t->src_len);
		if (!t->src) {
			if (err)
				*err = xasprintf("%s: %s", path, strerror(errno));
			free(path);
			goto fail;
		}
		free(path);
		k++;
	}
	set->n = k;
	if (load_all(set, err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return set;
fail:
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	tmpl_free(set);
	return NULL;
}

/* Free set and everything it holds; NULL is fine. */
void tmpl_free(struct tmpl_set *set)
{
	if (!set)
		return;
	arena_free(&set->arena);
	free(set);
}

/* 1 if set has a template called name. */
int tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return set && name && tmpl_find(set, name) != NULL;
}

/* ---- rendering ---- */

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	int sp;                     /* contexts on the stack */
	int pdepth;                 /* partials being rendered */
	const struct tval *stack[TMPL_MAX_DEPTH + 1];
};

/* The value name refers to: its first part looked up from the innermost
 * context outwards, the rest inside maps. NULL when missing. */
static const struct tval *lookup(const struct render *r, const struct tname *name)
{
	const struct tval *v = NULL;
	size_t k;
	int i;

	if (name->nseg == 0)
		return r->stack[r->sp - 1];
	for (i = r->sp - 1; i >= 0; i--) {
		const struct tval *c = r->stack[i];
		const struct tv_pair *p;
		if (c && c->kind == TV_MAP && (p = map_find(c, name->seg[0], name->hash[0])) != NULL) {
			v = p->v;
			break;
		}
	}
	if (i < 0)
		return NULL;
	for (k = 1; k < name->nseg; k++) {
		const struct tv_pair *p;
		if (!v || v->kind != TV_MAP || (p = map_find(v, name->seg[k], name->hash[k])) == NULL)
			return NULL;
		v = p->v;
	}
	return v;
}

/* 1 if a section over v renders its body. */
static int truthy(const struct tval *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case TV_NULL:
		return 0;
	case TV_BOOL:
		return v->u.b;
	case TV_INT:
		return v->u.i != 0;
	case TV_STR:
		return v->u.str.len > 0;
	case TV_LIST:
		return v->u.list.n > 0;
	case TV_MAP:
		return 1;
	}
	return 0;
}

/* Append the value v, HTML-escaped unless raw. */
static void put_value(struct buf *out, const struct tval *v, int raw)
{
	if (!v)
		return;
	switch (v->kind) {
	case TV_STR:
		if (raw)
			buf_append(out, v->u.str.s, v->u.str.len);
		else
			esc_html(out, v->u.str.s, v->u.str.len);
		break;
	case TV_INT:
		buf_put_int(out, v->u.i);
		break;
	case TV_BOOL:
		if (v->u.b)
			buf_append(out, "true", 4);
		break;
	case TV_NULL:
	case TV_LIST:
	case TV_MAP:
		break;
	}
}

static int render_nodes(struct render *r, const struct node *nd);

/* Render body with v pushed on the context stack; -1 if the stack is full. */
static int render_with(struct render *r, const struct tval *v, const struct node *body)
{
	int rc;
	if (r->sp > TMPL_MAX_DEPTH)
		return -1;
	r->stack[r->sp++] = v;
	rc = render_nodes(r, body);
	r->sp--;
	return rc;
}

/* Render template t as a partial; -1 if partials nest too deeply. */
static int render_partial(struct render *r, const struct tmpl *t)
{
	int rc;
	if (r->pdepth >= TMPL_MAX_DEPTH)
		return -1;
	r->pdepth++;
	rc = render_nodes(r, t->root);
	r->pdepth--;
	return rc;
}

/* Render the node list nd and its children. 0, or -1 on a render error. */
static int render_nodes(struct render *r, const struct node *nd)
{
	for (; nd; nd = nd->next) {
		const struct tval *v;
		const struct tmpl *t;
		switch (nd->type) {
		case N_TEXT:
			buf_append(r->out, nd->text, nd->len);
			break;
		case N_VAR:
		case N_RAW:
			put_value(r->out, lookup(r, &nd->name), nd->type == N_RAW);
			break;
		case N_SECTION:
			v = lookup(r, &nd->name);
			if (!truthy(v))
				break;
			if (v->kind == TV_LIST) {
				const struct tv_cell *c;
				for (c = v->u.list.head; c; c = c->next)
					if (render_with(r, c->v, nd->body) < 0)
						return -1;
			} else if (render_with(r, v, nd->body) < 0) {
				return -1;
			}
			break;
		case N_INVERTED:
			if (!truthy(lookup(r, &nd->name)) && render_nodes(r, nd->body) < 0)
				return -1;
			break;
		case N_PARTIAL:
			if (render_partial(r, nd->partial) < 0)
				return -1;
			break;
		case N_DPARTIAL:
			v = lookup(r, &nd->name);
			if (!v || v->kind != TV_STR)
				return -1;
			t = tmpl_find(r->set, v->u.str.s);
			if (!t || render_partial(r, t) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* Render template name with ctx, appending to out. 0, or -1 (out restored
 * to its length on entry) when a template is missing or nesting is too
 * deep. */
int tmpl_render(const struct tmpl_set *set, const char *name,
		const struct tval *ctx, struct buf *out)
{
	struct render r;
	const struct tmpl *t;
	size_t start = out->len;

	if (!set || !name)
		return -1;
	t = tmpl_find(set, name);
	if (!t)
		return -1;
	r.set = set;
	r.out = out;
	r.sp = 1;
	r.pdepth = 0;
	r.stack[0] = ctx;
	if (render_nodes(&r, t->root) < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return -1;
	}
	return 0;
}
