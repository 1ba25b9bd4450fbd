/* fuzz_tmpl.c — libFuzzer target for lib/tmpl.c: the input is loaded as a
 * template "t" next to a fixed partial "p"; if it loads, it is rendered with
 * a small fixed context. Loading must fail cleanly or succeed, and rendering
 * must return 0 or -1, never crash or leak.
 *
 * configure --enable-fuzz builds it: docs/HACKING.md "Fuzzing". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "tmpl.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The context every input is rendered with: every kind of value, a name for
 * the dynamic partials ({{>@page}}, {{>@self}} recursing into "t"), and a
 * map that contains itself ({{#loop}} nests until the depth limit). */
static struct tval *make_ctx(struct arena *a)
{
	struct tval *c = tv_map(a), *l, *m, *loop;

	tv_set_str(a, c, "name", "<b>\"Ann\" & 'Bob'</b>");
	tv_set_str(a, c, "empty", "");
	tv_set_int(a, c, "n", -42);
	tv_set_int(a, c, "zero", 0);
	tv_set_bool(a, c, "yes", 1);
	tv_set_bool(a, c, "no", 0);
	tv_set(a, c, "nil", NULL);
	tv_set_str(a, c, "page", "p");
	tv_set_str(a, c, "self", "t");
	tv_set_str(a, c, "nope", "no-such-template");

	l = tv_set(a, c, "items", tv_list(a));
	tv_push(a, l, tv_str(a, "one"));
	tv_push(a, l, tv_int(a, 2));
	tv_push(a, l, tv_bool(a, 0));
	m = tv_push(a, l, tv_map(a));
	tv_set_str(a, m, "name", "inner");
	tv_set(a, m, "items", tv_list(a));
	tv_set(a, c, "none", tv_list(a));

	m = tv_set(a, c, "user", tv_map(a));
	tv_set_str(a, m, "name", "u&<>");
	tv_set_str(a, tv_set(a, m, "profile", tv_map(a)), "city", "Oslo");

	loop = tv_set(a, c, "loop", tv_map(a));
	tv_set(a, loop, "loop", loop);
	tv_set_str(a, loop, "page", "t");
	return c;
}

/* Load the input as a template, render it if it loaded, free everything. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[] = { "t", "p" };
	const char *texts[2];
	char *text = xmalloc(size + 1);
	char *err = NULL;
	struct tmpl_set *set;

	memcpy(text, data, size);
	text[size] = '\0';
	texts[0] = text;
	texts[1] = "[{{name}}{{#items}}<{{.}}{{name}}>{{/items}}{{^none}}-{{/none}}]";

	set = tmpl_load_mem(names, texts, 2, &err);
	if (set) {
		struct arena a;
		struct buf out = BUF_INIT;
		int rc;

		if (err)
			abort();    /* success must leave err NULL */
		arena_init(&a, 4096);
		buf_puts(&out, "x");
		rc = tmpl_render(set, "t", make_ctx(&a), &out);
		if (rc != 0 && rc != -1)
			abort();
		if (rc == -1 && strcmp(buf_str(&out), "x") != 0)
			abort();    /* a failed render must restore the buffer */
		buf_free(&out);
		arena_free(&a);
		tmpl_free(set);
	} else if (!err) {
		abort();            /* failure must say why */
	}
	free(err);
	free(text);
	return 0;
}
