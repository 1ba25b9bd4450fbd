/* test_tmpl.c — unit tests for lib/tmpl.c: values, parsing errors, rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "tmpl.h"

/* ---- helpers ---- */

/* Load templates names[i] → texts[i], failing the test if they do not load. */
static struct tmpl_set *load(const char *const *names, const char *const *texts, size_t n)
{
	char *err = NULL;
	struct tmpl_set *set = tmpl_load_mem(names, texts, n, &err);
	if (!set) {
		print_error("unexpected load error: %s\n", err ? err : "(none)");
		free(err);
		fail();
	}
	assert_null(err);
	return set;
}

/* Load one template called "t". */
static struct tmpl_set *load1(const char *text)
{
	const char *names[] = { "t" };
	const char *texts[] = { text };
	return load(names, texts, 1);
}

/* Render name with ctx; check it returns 0 and produces exactly want. */
static void expect_render(const struct tmpl_set *set, const char *name,
			  const struct tval *ctx, const char *want)
{
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, name, ctx, &out), 0);
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
}

/* Load text as "t", render it with ctx, check the output is want. */
static void expect1(const char *text, const struct tval *ctx, const char *want)
{
	struct tmpl_set *set = load1(text);
	expect_render(set, "t", ctx, want);
	tmpl_free(set);
}

/* Loading names[i] → texts[i] must fail with exactly the message want. */
static void expect_err_n(const char *const *names, const char *const *texts, size_t n,
			 const char *want)
{
	char *err = NULL;
	struct tmpl_set *set = tmpl_load_mem(names, texts, n, &err);
	if (set) {
		tmpl_free(set);
		print_error("loaded, but expected error: %s\n", want);
		fail();
	}
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

/* Loading text as "t" must fail with exactly the message want. */
static void expect_err(const char *text, const char *want)
{
	const char *names[] = { "t" };
	const char *texts[] = { text };
	expect_err_n(names, texts, 1, want);
}

static int setup_arena(void **state)
{
	struct arena *a = malloc(sizeof *a);
	arena_init(a, 0);
	*state = a;
	return 0;
}

static int teardown_arena(void **state)
{
	arena_free(*state);
	free(*state);
	return 0;
}

/* ---- values ---- */

static void test_values(void **state)
{
	struct arena *a = *state;
	struct tval *m = tv_map(a), *l = tv_list(a), *v;
	char src[] = "copy me";
	char ref[] = "keep me";

	assert_int_equal(tv_len(m), 0);
	tv_set_str(a, m, "k", "one");
	tv_set_str(a, m, "k", "two");       /* replaces */
	tv_set_int(a, m, "n", 7);
	assert_int_equal(tv_len(m), 2);
	assert_null(tv_get(m, "missing"));
	assert_null(tv_get(l, "k"));        /* not a map */
	assert_non_null(tv_get(m, "k"));

	v = tv_set(a, m, "s", tv_str(a, src));
	assert_ptr_equal(tv_get(m, "s"), v);
	src[0] = 'X';                       /* tv_str copied */
	tv_set(a, m, "r", tv_str_ref(a, ref));
	ref[0] = 'Y';                       /* tv_str_ref did not */

	v = tv_int(a, 1);
	assert_ptr_equal(tv_push(a, l, v), v);
	assert_int_equal(tv_len(l), 1);
	/* Setting or pushing into the wrong kind of value is ignored. */
	assert_ptr_equal(tv_push(a, m, v), v);
	assert_ptr_equal(tv_set(a, l, "k", v), v);
	assert_int_equal(tv_len(m), 4);
	assert_int_equal(tv_len(l), 1);
	assert_int_equal(tv_len(v), 0);
	tv_push(a, l, tv_int(a, 2));
	tv_push(a, l, tv_int(a, 3));
	assert_int_equal(tv_len(l), 3);
	tv_set(a, m, "l", l);

	{
		struct tmpl_set *set = load1("{{k}} {{n}} {{s}} {{r}} {{#l}}{{.}},{{/l}}");
		expect_render(set, "t", m, "two 7 copy me Yeep me 1,2,3,");
		tmpl_free(set);
	}
}

/* Keys are compared by hash first: two keys with the same hash (FNV-1a 32:
 * "glbvs" and "yacxa") must still be two keys, in a map, in a lookup from
 * an inner context and in a dotted name. */
static void test_hash_collision(void **state)
{
	struct arena *a = *state;
	struct tval *m = tv_map(a), *inner = tv_map(a), *l = tv_list(a);
	struct tmpl_set *set;

	tv_set_str(a, m, "glbvs", "first");
	tv_set_str(a, m, "yacxa", "second");
	assert_int_equal(tv_len(m), 2);
	tv_set_str(a, inner, "yacxa", "inner");
	tv_set(a, m, "in", inner);
	tv_push(a, l, inner);
	tv_set(a, m, "l", l);
	set = load1("{{glbvs}} {{yacxa}} {{in.yacxa}} {{in.glbvs}}|"
		    "{{#l}}{{glbvs}} {{yacxa}}{{/l}}");
	expect_render(set, "t", m, "first second inner |first inner");
	tmpl_free(set);
}

/* ---- escaping ---- */

static void test_escape_text(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	tv_set_str(a, c, "amp", "a&b");
	tv_set_str(a, c, "lt", "a<b");
	tv_set_str(a, c, "gt", "a>b");
	tv_set_str(a, c, "dq", "a\"b");
	tv_set_str(a, c, "sq", "a'b");
	tv_set_str(a, c, "all", "<script>alert('x' & \"y\")</script>");
	expect1("<p>{{amp}}|{{lt}}|{{gt}}|{{dq}}|{{sq}}</p>", c,
		"<p>a&amp;b|a&lt;b|a&gt;b|a&quot;b|a&#39;b</p>");
	expect1("{{all}}", c,
		"&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
	/* Template text itself is copied unescaped. */
	expect1("<b class='x'>&amp; \"q\"</b>", c, "<b class='x'>&amp; \"q\"</b>");
}

static void test_escape_attr(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	tv_set_str(a, c, "t", "\" onmouseover='alert(1)' x=\"<&>");
	expect1("<a title=\"{{t}}\" data-x='{{t}}'>", c,
		"<a title=\"&quot; onmouseover=&#39;alert(1)&#39; x=&quot;&lt;&amp;&gt;\" "
		"data-x='&quot; onmouseover=&#39;alert(1)&#39; x=&quot;&lt;&amp;&gt;'>");
	tv_set_str(a, c, "amp", "&");
	tv_set_str(a, c, "lt", "<");
	tv_set_str(a, c, "gt", ">");
	tv_set_str(a, c, "dq", "\"");
	tv_set_str(a, c, "sq", "'");
	expect1("<i a=\"{{amp}}\" b=\"{{lt}}\" c=\"{{gt}}\" d=\"{{dq}}\" e='{{sq}}'>", c,
		"<i a=\"&amp;\" b=\"&lt;\" c=\"&gt;\" d=\"&quot;\" e='&#39;'>");
}

static void test_raw_html(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a), *m = tv_map(a);
	tv_set_str(a, c, "body", "<p>hi &amp; <em>bye</em></p>");
	tv_set_int(a, c, "n", -3);
	tv_set(a, c, "msg", m);
	tv_set_str(a, m, "html", "<b>'x'</b>");
	expect1("{{RAW_HTML body}}|{{ RAW_HTML\tbody }}|{{body}}", c,
		"<p>hi &amp; <em>bye</em></p>|<p>hi &amp; <em>bye</em></p>|"
		"&lt;p&gt;hi &amp;amp; &lt;em&gt;bye&lt;/em&gt;&lt;/p&gt;");
	expect1("{{RAW_HTML msg.html}}{{RAW_HTML n}}{{RAW_HTML nope}}", c, "<b>'x'</b>-3");
	/* A name merely starting with RAW_HTML is an ordinary, escaped value. */
	tv_set_str(a, c, "RAW_HTMLx", "<");
	expect1("{{RAW_HTMLx}}", c, "&lt;");
}

/* ---- sections ---- */

static void test_nested_sections(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a), *rooms = tv_list(a), *r, *users;

	r = tv_push(a, rooms, tv_map(a));
	tv_set_str(a, r, "name", "lobby");
	users = tv_set(a, r, "users", tv_list(a));
	tv_push(a, users, tv_str(a, "ann"));
	tv_push(a, users, tv_str(a, "<bob>"));
	r = tv_push(a, rooms, tv_map(a));
	tv_set_str(a, r, "name", "empty");
	tv_set(a, r, "users", tv_list(a));
	r = tv_push(a, rooms, tv_map(a));
	tv_set_str(a, r, "name", "maps");
	users = tv_set(a, r, "users", tv_list(a));
	tv_set_str(a, tv_push(a, users, tv_map(a)), "nick", "cy");
	tv_set(a, c, "rooms", rooms);

	expect1("{{#rooms}}[{{name}}:{{#users}}<{{.}}{{nick}}>{{/users}}"
		"{{^users}}nobody{{/users}}]{{/rooms}}", c,
		"[lobby:<ann><&lt;bob&gt;>][empty:nobody][maps:<cy>]");
	/* A map section is pushed once; a true scalar renders once as itself. */
	{
		struct tval *u = tv_map(a);
		tv_set_str(a, u, "name", "dee");
		tv_set(a, c, "user", u);
		tv_set_bool(a, c, "yes", 1);
		tv_set_int(a, c, "count", 5);
		tv_set_str(a, c, "word", "w");
		expect1("{{#user}}<{{name}}>{{/user}}{{#yes}}Y{{.}}{{/yes}}"
			"{{#count}}#{{.}}{{/count}}{{#word}}({{.}}){{/word}}", c,
			"<dee>Ytrue#5(w)");
	}
	/* Items that are false still repeat the body (it is the list that counts). */
	{
		struct tval *l = tv_list(a);
		tv_push(a, l, tv_bool(a, 0));
		tv_push(a, l, tv_str(a, ""));
		tv_push(a, l, tv_int(a, 0));
		tv_set(a, c, "falsy", l);
		expect1("{{#falsy}}[{{.}}]{{/falsy}}", c, "[][][0]");
	}
}

static void test_inverted_sections(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	tv_set_bool(a, c, "f", 0);
	tv_set_bool(a, c, "t", 1);
	tv_set_int(a, c, "zero", 0);
	tv_set_int(a, c, "one", 1);
	tv_set_str(a, c, "empty", "");
	tv_set_str(a, c, "str", "s");
	tv_set(a, c, "nolist", tv_list(a));
	tv_push(a, tv_set(a, c, "list", tv_list(a)), tv_int(a, 1));
	tv_set(a, c, "map", tv_map(a));
	tv_set(a, c, "null", NULL);        /* the API has no TV_NULL constructor */

	expect1("{{^missing}}A{{/missing}}{{^f}}B{{/f}}{{^zero}}C{{/zero}}"
		"{{^empty}}D{{/empty}}{{^nolist}}E{{/nolist}}{{^null}}F{{/null}}", c,
		"ABCDEF");
	expect1("{{^t}}X{{/t}}{{^one}}X{{/one}}{{^str}}X{{/str}}{{^list}}X{{/list}}"
		"{{^map}}X{{/map}}-", c, "-");
	/* The same values as normal sections: exactly the other half renders. */
	expect1("{{#missing}}X{{/missing}}{{#f}}X{{/f}}{{#zero}}X{{/zero}}"
		"{{#empty}}X{{/empty}}{{#nolist}}X{{/nolist}}{{#null}}X{{/null}}-", c, "-");
	expect1("{{#t}}A{{/t}}{{#one}}B{{/one}}{{#str}}C{{/str}}{{#list}}D{{/list}}"
		"{{#map}}E{{/map}}", c, "ABCDE");
	/* An inverted section does not push anything. */
	expect1("{{^f}}{{str}}{{/f}}", c, "s");
}

static void test_missing(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	tv_set_str(a, c, "x", "X");
	expect1("a{{nope}}b{{#nope}}S{{/nope}}c{{nope.deeper}}d{{x.y}}e{{RAW_HTML nope}}f", c,
		"abcdef");
	/* A NULL context renders every name as missing. */
	expect1("[{{x}}{{.}}{{#x}}S{{/x}}{{^x}}I{{/x}}]", NULL, "[I]");
}

static void test_dotted_names(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a), *user = tv_map(a), *prof = tv_map(a), *items = tv_list(a);
	tv_set_str(a, user, "name", "ann");
	tv_set(a, user, "profile", prof);
	tv_set_str(a, prof, "city", "Oslo & Bergen");
	tv_set(a, c, "user", user);
	tv_set(a, c, "items", items);
	tv_set_str(a, tv_push(a, items, tv_map(a)), "id", "1");
	tv_set_str(a, tv_push(a, items, tv_map(a)), "id", "2");

	expect1("{{user.name}}/{{user.profile.city}}/{{user.missing}}/{{user.name.x}}/"
		"{{user.profile.city.x}}", c, "ann/Oslo &amp; Bergen///");
	/* The first part is found up the context stack, the rest inside maps. */
	expect1("{{#items}}{{id}}:{{user.profile.city}};{{/items}}", c,
		"1:Oslo &amp; Bergen;2:Oslo &amp; Bergen;");
	expect1("{{#user.profile}}{{city}}{{/user.profile}}", c, "Oslo &amp; Bergen");
	/* Names with - and _ and digits. */
	tv_set_str(a, c, "a-b_9", "ok");
	expect1("{{a-b_9}}", c, "ok");
	/* A dotted name does not fall back to outer contexts once the first part
	 * is found: items[].user is absent, so the root user is used; here the
	 * inner "user" shadows the outer one and lacks profile. */
	{
		struct tval *l = tv_list(a), *it = tv_push(a, l, tv_map(a));
		tv_set(a, it, "user", tv_map(a));
		tv_set(a, c, "shadow", l);
		expect1("{{#shadow}}[{{user.profile.city}}]{{/shadow}}", c, "[]");
	}
}

static void test_dot_list_of_strings(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a), *tags = tv_list(a);
	tv_push(a, tags, tv_str(a, "c"));
	tv_push(a, tags, tv_str(a, "<b>"));
	tv_push(a, tags, tv_str(a, "a&b"));
	tv_set(a, c, "tags", tags);
	expect1("<ul>{{#tags}}<li>{{ . }}</li>{{/tags}}</ul>", c,
		"<ul><li>c</li><li>&lt;b&gt;</li><li>a&amp;b</li></ul>");
	/* {{.}} at top level is the root context: a map renders nothing. */
	expect1("[{{.}}]", c, "[]");
	expect1("[{{.}}]", tv_str(a, "<root>"), "[&lt;root&gt;]");
	/* {{#.}} iterates the current item. */
	expect1("{{#.}}{{.}};{{/.}}", tags, "c;&lt;b&gt;;a&amp;b;");
}

static void test_ints_and_bools(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	tv_set_int(a, c, "zero", 0);
	tv_set_int(a, c, "pos", 42);
	tv_set_int(a, c, "neg", -7);
	tv_set_int(a, c, "max", INT64_MAX);
	tv_set_int(a, c, "min", INT64_MIN);
	tv_set_bool(a, c, "t", 1);
	tv_set_bool(a, c, "t2", 99);
	tv_set_bool(a, c, "f", 0);
	tv_set(a, c, "list", tv_list(a));
	tv_set(a, c, "map", tv_map(a));
	expect1("{{zero}} {{pos}} {{neg}} {{max}} {{min}}", c,
		"0 42 -7 9223372036854775807 -9223372036854775808");
	/* Bools: true renders "true", false renders nothing; lists and maps nothing. */
	expect1("[{{t}}][{{t2}}][{{f}}][{{list}}][{{map}}]", c, "[true][true][][][]");
}

/* ---- partials ---- */

static void test_partials(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a), *msgs = tv_list(a), *m;
	const char *names[] = { "page", "_msg", "_footer" };
	const char *texts[] = {
		"<main>{{#msgs}}{{>_msg}}{{/msgs}}</main>{{> _footer }}",
		"<p>{{who}}: {{text}} in {{room}}</p>",
		"<footer>{{room}}</footer>",
	};
	struct tmpl_set *set;

	tv_set_str(a, c, "room", "#general");
	m = tv_push(a, msgs, tv_map(a));
	tv_set_str(a, m, "who", "ann");
	tv_set_str(a, m, "text", "hi <3");
	m = tv_push(a, msgs, tv_map(a));
	tv_set_str(a, m, "who", "bob");
	tv_set_str(a, m, "text", "yo");
	tv_set_str(a, m, "room", "#dm");   /* shadows the outer room */
	tv_set(a, c, "msgs", msgs);

	set = load(names, texts, 3);
	assert_true(tmpl_exists(set, "page"));
	assert_true(tmpl_exists(set, "_msg"));
	assert_false(tmpl_exists(set, "msg"));
	assert_false(tmpl_exists(set, "page.html"));
	expect_render(set, "page", c,
		      "<main><p>ann: hi &lt;3 in #general</p><p>bob: yo in #dm</p></main>"
		      "<footer>#general</footer>");
	expect_render(set, "_msg", m, "<p>bob: yo in #dm</p>");
	tmpl_free(set);
}

static void test_dynamic_partials(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	const char *names[] = { "layout", "chat", "login", "_nav" };
	const char *texts[] = {
		"<html><title>{{title}}</title>{{>_nav}}<body>{{>@page}}</body></html>",
		"<div>chat in {{room}}</div>",
		"<form>login</form>",
		"<nav>{{user}}</nav>",
	};
	struct tmpl_set *set = load(names, texts, 4);
	struct buf out = BUF_INIT;

	tv_set_str(a, c, "title", "A & B");
	tv_set_str(a, c, "room", "x");
	tv_set_str(a, c, "user", "ann");
	tv_set_str(a, c, "page", "chat");
	expect_render(set, "layout", c,
		      "<html><title>A &amp; B</title><nav>ann</nav>"
		      "<body><div>chat in x</div></body></html>");
	tv_set_str(a, c, "page", "login");
	expect_render(set, "layout", c,
		      "<html><title>A &amp; B</title><nav>ann</nav>"
		      "<body><form>login</form></body></html>");

	/* A missing template fails, and out is left as it was on entry. */
	buf_puts(&out, "keep");
	tv_set_str(a, c, "page", "nope");
	assert_int_equal(tmpl_render(set, "layout", c, &out), -1);
	assert_string_equal(buf_str(&out), "keep");
	assert_int_equal(out.len, 4);
	tv_set(a, c, "page", tv_str(a, "login.html"));
	assert_int_equal(tmpl_render(set, "layout", c, &out), -1);
	/* A missing name, or one that is not a string, fails too. */
	tv_set_int(a, c, "page", 3);
	assert_int_equal(tmpl_render(set, "layout", c, &out), -1);
	assert_int_equal(tmpl_render(set, "layout", tv_map(a), &out), -1);
	assert_string_equal(buf_str(&out), "keep");
	/* So does a missing top-level template. */
	assert_int_equal(tmpl_render(set, "nope", c, &out), -1);
	assert_string_equal(buf_str(&out), "keep");
	/* Rendering appends. */
	tv_set_str(a, c, "page", "login");
	assert_int_equal(tmpl_render(set, "_nav", c, &out), 0);
	assert_string_equal(buf_str(&out), "keep<nav>ann</nav>");
	buf_free(&out);
	tmpl_free(set);
}

static void test_depth_limits(void **state)
{
	struct arena *a = *state;
	char names_s[18][8], texts_s[18][32];
	const char *names[18], *texts[18];
	struct tmpl_set *set;
	struct tval *c = tv_map(a), *m = tv_map(a);
	struct buf out = BUF_INIT;
	int i;

	/* p0 includes p1 ... includes p17. */
	for (i = 0; i < 18; i++) {
		snprintf(names_s[i], sizeof names_s[i], "p%d", i);
		if (i < 17)
			snprintf(texts_s[i], sizeof texts_s[i], "%d{{>p%d}}", i % 10, i + 1);
		else
			snprintf(texts_s[i], sizeof texts_s[i], "end");
		names[i] = names_s[i];
		texts[i] = texts_s[i];
	}
	set = load(names, texts, 18);
	/* From p1: 16 nested partials, the limit. */
	expect_render(set, "p1", NULL, "1234567890123456end");
	/* From p0: 17 nested partials. */
	assert_int_equal(tmpl_render(set, "p0", NULL, &out), -1);
	assert_string_equal(buf_str(&out), "");
	tmpl_free(set);

	/* Sections: m.m is m again, so {{#m}} always pushes. */
	tv_set(a, m, "m", m);
	tv_set_str(a, m, "x", "x");
	tv_set(a, c, "m", m);
	{
		const char *n2[] = { "d16", "d17", "one", "self" };
		const char *t2[] = {
			/* 16 nested sections: the most one template may hold. */
			"{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}"
			"{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}"
			"{{x}}"
			"{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}"
			"{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}",
			/* the same, plus one more inside a partial */
			"{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}"
			"{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}{{#m}}"
			"{{>one}}"
			"{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}"
			"{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}{{/m}}",
			"{{#m}}{{x}}{{/m}}",
			/* unbounded recursion through a dynamic partial */
			"<{{#m}}{{>@name}}{{/m}}>",
		};
		set = load(n2, t2, 4);
		expect_render(set, "d16", c, "x");
		buf_puts(&out, "pre");
		assert_int_equal(tmpl_render(set, "d17", c, &out), -1);
		assert_string_equal(buf_str(&out), "pre");
		tv_set_str(a, m, "name", "self");
		assert_int_equal(tmpl_render(set, "self", c, &out), -1);
		assert_string_equal(buf_str(&out), "pre");
		/* Bounded recursion through a dynamic partial works. */
		{
			struct tval *r = tv_map(a), *r2 = tv_map(a), *r3 = tv_map(a);
			tv_set_str(a, r, "name", "self");
			tv_set(a, r, "m", r2);
			tv_set(a, r2, "m", r3);
			tv_set_str(a, r3, "name", "one");
			tv_set_str(a, tv_set(a, r3, "m", tv_map(a)), "x", "X");
			expect_render(set, "self", r, "<<X>>");
		}
		tmpl_free(set);
	}
	buf_free(&out);
}

/* ---- comments and whitespace ---- */

static void test_comments(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a);
	tv_set_str(a, c, "x", "X");
	expect1("a{{! a comment }}b{{!multi\nline {{ comment\n}}c{{x}}", c, "abcX");
	expect1("{{!}}", c, "");
	/* A comment ends at the first }}, like every tag. */
	expect1("a{{! {{x}} }}b", c, "a }}b");
	/* Lines inside a comment still count for error lines. */
	expect_err("{{! one\ntwo\nthree }}\n{{/x}}", "t.html:4: '{{/x}}' closes no open section");
}

static void test_text_and_whitespace(void **state)
{
	struct arena *a = *state;
	struct tval *c = tv_map(a), *l = tv_list(a);
	tv_set_str(a, c, "x", "X");
	tv_push(a, l, tv_int(a, 1));
	tv_set(a, c, "l", l);
	expect1("", c, "");
	expect1("plain { text } with }} and {", c, "plain { text } with }} and {");
	expect1("{{ x }}{{\tx\n}}{{# l }}{{ . }}{{/ l }}{{^ nope }}n{{/ nope }}", c, "XX1n");
	/* Lines around section tags are kept as they are. */
	expect1("<ul>\n{{#l}}\n<li>{{.}}</li>\n{{/l}}\n</ul>\n", c, "<ul>\n\n<li>1</li>\n\n</ul>\n");
	/* A tag ends at the first }}. */
	expect1("{{x}}}", c, "X}");
}

/* ---- load errors ---- */

static void test_error_unclosed_tag(void **state)
{
	(void)state;
	expect_err("x\n\nab {{name", "t.html:3: '{{' is never closed");
	expect_err("{{", "t.html:1: '{{' is never closed");
	expect_err("a\n{{x}\n}", "t.html:2: '{{' is never closed");
	expect_err("{{x}} {{y\n}", "t.html:1: '{{' is never closed");
}

static void test_error_unclosed_section(void **state)
{
	(void)state;
	expect_err("<ul>\n{{#messages}}\n<li>\n", "t.html:2: section 'messages' is never closed");
	expect_err("{{#a}}{{/a}}\n\n{{^b}}", "t.html:3: section 'b' is never closed");
	/* The innermost open section is named. */
	expect_err("{{#a}}\n{{#b}}\n{{/b}}\n{{#c}}", "t.html:4: section 'c' is never closed");
	expect_err("{{#a}}\n{{#b}}", "t.html:2: section 'b' is never closed");
}

static void test_error_mismatched_close(void **state)
{
	(void)state;
	expect_err("{{#a}}\n{{#b}}\n{{/a}}",
		   "t.html:3: '{{/a}}' does not match section 'b' opened on line 2");
	expect_err("{{#a.b}}{{/a}}", "t.html:1: '{{/a}}' does not match section 'a.b' opened on line 1");
	expect_err("{{^x}}\n\n{{/y}}", "t.html:3: '{{/y}}' does not match section 'x' opened on line 1");
}

static void test_error_stray_close(void **state)
{
	(void)state;
	expect_err("x\n{{/a}}", "t.html:2: '{{/a}}' closes no open section");
	expect_err("{{#a}}{{/a}}\n{{/a}}", "t.html:2: '{{/a}}' closes no open section");
}

static void test_error_empty_name(void **state)
{
	(void)state;
	expect_err("a\n{{}}", "t.html:2: empty name");
	expect_err("{{  }}", "t.html:1: empty name");
	expect_err("{{#}}{{/}}", "t.html:1: empty name");
	expect_err("{{#a}}\n{{/ }}", "t.html:2: empty name");
	expect_err("\n\n{{^}}", "t.html:3: empty name");
	expect_err("{{>}}", "t.html:1: empty name");
	expect_err("{{> @ }}", "t.html:1: empty name");
	expect_err("{{RAW_HTML}}", "t.html:1: empty name");
	expect_err("{{ RAW_HTML  }}", "t.html:1: empty name");
}

static void test_error_bad_name(void **state)
{
	(void)state;
	expect_err("{{a b}}", "t.html:1: bad character in name 'a b'");
	expect_err("\n{{{a}}}", "t.html:2: bad character in name '{a'");
	expect_err("{{&a}}", "t.html:1: bad character in name '&a'");
	expect_err("{{#a/b}}{{/a/b}}", "t.html:1: bad character in name 'a/b'");
	expect_err("{{^a<b}}", "t.html:1: bad character in name 'a<b'");
	expect_err("{{>../etc/passwd}}", "t.html:1: bad character in name '../etc/passwd'");
	expect_err("{{>@a b}}", "t.html:1: bad character in name 'a b'");
	expect_err("{{RAW_HTML a\"}}", "t.html:1: bad character in name 'a\"'");
	expect_err("{{=<% %>=}}", "t.html:1: bad character in name '=<% %>='");
	expect_err("{{a..b}}", "t.html:1: bad name 'a..b'");
	expect_err("{{.a}}", "t.html:1: bad name '.a'");
	expect_err("{{a.}}", "t.html:1: bad name 'a.'");
	expect_err("{{..}}", "t.html:1: bad name '..'");
	expect_err("x\n{{#a.}}{{/a.}}", "t.html:2: bad name 'a.'");
}

static void test_error_unknown_partial(void **state)
{
	(void)state;
	expect_err("a\n{{>nope}}", "t.html:2: unknown partial 'nope'");
	expect_err("{{#x}}\n\n{{>nope}}{{/x}}", "t.html:3: unknown partial 'nope'");
	{
		/* Checked after every template has loaded: order does not matter. */
		const char *names[] = { "a", "b" };
		const char *texts[] = { "{{>b}}", "{{>c}}\n" };
		const char *texts_ok[] = { "{{>b}}", "B" };
		struct tmpl_set *set;
		expect_err_n(names, texts, 2, "b.html:1: unknown partial 'c'");
		set = load(names, texts_ok, 2);
		expect_render(set, "a", NULL, "B");
		tmpl_free(set);
	}
}

static void test_error_partial_cycle(void **state)
{
	(void)state;
	expect_err("x\n{{>t}}", "t.html:2: partial cycle: t -> t");
	{
		const char *names[] = { "a", "b", "c" };
		const char *texts[] = { "A\n{{>b}}", "B{{#x}}\n\n{{>c}}{{/x}}", "C{{>a}}" };
		expect_err_n(names, texts, 3, "c.html:1: partial cycle: a -> b -> c -> a");
	}
	{
		/* A diamond is not a cycle. */
		const char *names[] = { "top", "l", "r", "leaf" };
		const char *texts[] = { "{{>l}}{{>r}}", "L{{>leaf}}", "R{{>leaf}}", "!" };
		struct tmpl_set *set = load(names, texts, 4);
		expect_render(set, "top", NULL, "L!R!");
		tmpl_free(set);
	}
}

static void test_error_misc(void **state)
{
	(void)state;
	/* 17 nested sections. */
	expect_err("{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}\n"
		   "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}\n"
		   "{{^a}}",
		   "t.html:3: sections nest deeper than 16");
	{
		const char *names[] = { "a", "a" };
		const char *texts[] = { "1", "2" };
		expect_err_n(names, texts, 2, "a.html:1: duplicate template 'a'");
	}
	/* A multi-line tag counts its lines. */
	expect_err("{{#a\n\n}}{{/a}}\n{{/b}}", "t.html:4: '{{/b}}' closes no open section");
	/* The error names the broken template of a set. */
	{
		const char *names[] = { "good", "bad" };
		const char *texts[] = { "fine {{x}}", "1\n2\n{{x y}}" };
		expect_err_n(names, texts, 2, "bad.html:3: bad character in name 'x y'");
	}
	/* err may be NULL. */
	{
		const char *names[] = { "t" };
		const char *texts[] = { "{{" };
		assert_null(tmpl_load_mem(names, texts, 1, NULL));
	}
}

/* ---- tmpl_load_dir ---- */

/* Write text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Remove dir/name. */
static void remove_file(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(remove(path), 0);
}

static void test_load_dir(void **state)
{
	struct arena *a = *state;
	char dir[] = "/tmp/test_tmpl.XXXXXX";
	char sub[600];
	struct tmpl_set *set;
	struct tval *c = tv_map(a);
	char *err = (char *)"not reset";

	assert_non_null(mkdtemp(dir));
	write_file(dir, "layout.html", "<body>{{>_sidebar}}{{>@page}}</body>\n");
	write_file(dir, "_sidebar.html", "<aside>{{user}}</aside>");
	write_file(dir, "chat.html", "<main>\n{{#msgs}}<p>{{.}}</p>{{/msgs}}\n</main>");
	write_file(dir, "notes.txt", "{{ not a template");
	write_file(dir, ".hidden.html", "{{ not loaded either");
	write_file(dir, "x.html.bak", "{{");
	snprintf(sub, sizeof sub, "%s/sub.html", dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	set = tmpl_load_dir(dir, &err);
	if (!set)
		print_error("load error: %s\n", err);
	assert_non_null(set);
	assert_null(err);
	assert_true(tmpl_exists(set, "layout"));
	assert_true(tmpl_exists(set, "_sidebar"));
	assert_true(tmpl_exists(set, "chat"));
	assert_false(tmpl_exists(set, "notes"));
	assert_false(tmpl_exists(set, ".hidden"));
	assert_false(tmpl_exists(set, "sub"));
	assert_false(tmpl_exists(set, "layout.html"));
	tv_set_str(a, c, "user", "ann & co");
	tv_set_str(a, c, "page", "chat");
	tv_push(a, tv_set(a, c, "msgs", tv_list(a)), tv_str(a, "<hi>"));
	expect_render(set, "layout", c,
		      "<body><aside>ann &amp; co</aside><main>\n<p>&lt;hi&gt;</p>\n</main></body>\n");
	tmpl_free(set);

	/* A broken file fails the whole load, naming file and line. */
	write_file(dir, "broken.html", "<div>\n<ul>\n{{#items}}\n<li>{{.}}</li>\n");
	set = tmpl_load_dir(dir, &err);
	assert_null(set);
	assert_non_null(err);
	assert_string_equal(err, "broken.html:3: section 'items' is never closed");
	free(err);
	remove_file(dir, "broken.html");

	/* So does a static partial that no file provides. */
	write_file(dir, "chat.html", "x\n{{>_missing}}");
	set = tmpl_load_dir(dir, &err);
	assert_null(set);
	assert_string_equal(err, "chat.html:2: unknown partial '_missing'");
	free(err);

	remove_file(dir, "layout.html");
	remove_file(dir, "_sidebar.html");
	remove_file(dir, "chat.html");
	remove_file(dir, "notes.txt");
	remove_file(dir, ".hidden.html");
	remove_file(dir, "x.html.bak");
	assert_int_equal(rmdir(sub), 0);

	/* An empty directory is an empty set. */
	set = tmpl_load_dir(dir, &err);
	assert_non_null(set);
	assert_false(tmpl_exists(set, "layout"));
	assert_int_equal(tmpl_render(set, "layout", c, &(struct buf)BUF_INIT), -1);
	tmpl_free(set);
	assert_int_equal(rmdir(dir), 0);

	/* A missing directory names itself. */
	set = tmpl_load_dir(dir, &err);
	assert_null(set);
	assert_non_null(err);
	assert_non_null(strstr(err, dir));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_values, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_hash_collision, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_escape_text, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_escape_attr, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_raw_html, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_nested_sections, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_inverted_sections, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_missing, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_dotted_names, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_dot_list_of_strings, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_ints_and_bools, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_partials, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_dynamic_partials, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_depth_limits, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_comments, setup_arena, teardown_arena),
		cmocka_unit_test_setup_teardown(test_text_and_whitespace, setup_arena, teardown_arena),
		cmocka_unit_test(test_error_unclosed_tag),
		cmocka_unit_test(test_error_unclosed_section),
		cmocka_unit_test(test_error_mismatched_close),
		cmocka_unit_test(test_error_stray_close),
		cmocka_unit_test(test_error_empty_name),
		cmocka_unit_test(test_error_bad_name),
		cmocka_unit_test(test_error_unknown_partial),
		cmocka_unit_test(test_error_partial_cycle),
		cmocka_unit_test(test_error_misc),
		cmocka_unit_test_setup_teardown(test_load_dir, setup_arena, teardown_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
