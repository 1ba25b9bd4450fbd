/* test_highlight.c — highlighting keeps every character of the code and
 * marks the tokens a reader looks for, in each language. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "highlight.h"
#include "markdown.h"

static const char *const languages[] = {
	"python", "javascript", "typescript", "c", "cpp", "c++", "java", "go", "rust", "bash",
	"sh", "sql", "html", "xml", "css", "json", "yaml", "markdown", "php", "ruby", "kotlin",
	"swift", "csharp", "c#", "diff",
};

/* The text of highlighted HTML: tags dropped, the four entities undone. */
static char *text_of(const char *html)
{
	char *t = malloc(strlen(html) + 1), *o = t;
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
	};
	assert_non_null(t);
	while (*html) {
		if (*html == '<') {
			const char *gt = strchr(html, '>');
			assert_non_null(gt);
			html = gt + 1;
			continue;
		}
		if (*html == '&') {
			size_t k;
			for (k = 0; k < 4; k++)
				if (!strncmp(html, ents[k].e, strlen(ents[k].e)))
					break;
			if (k == 4)
				fail_msg("a bare '&' in the output: %s", html);
			*o++ = ents[k].c;
			html += strlen(ents[k].e);
			continue;
		}
		*o++ = *html++;
	}
	*o = 0;
	return t;
}

/* Highlight code as lang; the HTML (static buffer, valid until the next call). */
static const char *hl(const char *lang, const char *code)
{
	static struct buf b = BUF_INIT;
	buf_clear(&b);
	highlight_code(lang, strlen(lang), code, strlen(code), &b);
	return buf_str(&b);
}

static void assert_has(const char *html, const char *needle)
{
	if (!strstr(html, needle))
		fail_msg("\"%s\" not in:\n%s", needle, html);
}

static void assert_round_trip(const char *lang, const char *code)
{
	char *t = text_of(hl(lang, code));
	if (strcmp(t, code) != 0)
		fail_msg("%s changed the code:\n[%s]\nbecame\n[%s]", lang, code, t);
	free(t);
}

static void python_tokens(void **state)
{
	const char *h = hl("python", "@cache\ndef f(x=0x1F, y=1e-3):\n"
			   "    \"\"\"Doc\n    string\"\"\"\n    return None  # done\n");
	(void)state;
	assert_has(h, "<span class=\"hl-m\">@cache</span>");
	assert_has(h, "<span class=\"hl-k\">def</span>");
	assert_has(h, "<span class=\"hl-n\">0x1F</span>");
	assert_has(h, "<span class=\"hl-n\">1e-3</span>");
	assert_has(h, "<span class=\"hl-s\">&quot;&quot;&quot;Doc\n    string&quot;&quot;&quot;</span>");
	assert_has(h, "<span class=\"hl-t\">None</span>");
	assert_has(h, "<span class=\"hl-c\"># done</span>");
}

static void c_family_tokens(void **state)
{
	const char *h = hl("c", "#include <stdio.h>\nint main(void) { /* hi */ return '\\n'; }\n");
	(void)state;
	assert_has(h, "<span class=\"hl-m\">#include &lt;stdio.h&gt;</span>");
	assert_has(h, "<span class=\"hl-t\">int</span>");
	assert_has(h, "<span class=\"hl-c\">/* hi */</span>");
	assert_has(h, "<span class=\"hl-s\">'\\n'</span>");
	h = hl("C++", "template <typename T> auto p = nullptr; // x");
	assert_has(h, "<span class=\"hl-k\">template</span>");
	assert_has(h, "<span class=\"hl-t\">nullptr</span>");
	h = hl("csharp", "#region A\npublic class Foo { string s = \"x\"; }");
	assert_has(h, "<span class=\"hl-m\">#region A</span>");
	assert_has(h, "<span class=\"hl-t\">Foo</span>");
}

static void other_languages(void **state)
{
	(void)state;
	assert_has(hl("rust", "fn f<'a>(s: &'a str) -> char { 'x' }"), "<span class=\"hl-t\">'a</span>");
	assert_has(hl("rust", "fn f() -> char { 'x' }"), "<span class=\"hl-s\">'x'</span>");
	assert_has(hl("rust", "#[derive(Debug)]\nstruct S;"), "<span class=\"hl-m\">#[derive(Debug)]</span>");
	assert_has(hl("go", "x := `raw\nstring`"), "<span class=\"hl-s\">`raw\nstring`</span>");
	assert_has(hl("bash", "echo \"$HOME\" ${PATH} # c\nx=a#b"), "<span class=\"hl-v\">${PATH}</span>");
	assert_has(hl("bash", "x=a#b"), "x=a#b");
	assert_has(hl("sh", "ls # list"), "<span class=\"hl-c\"># list</span>");
	assert_has(hl("sql", "Select * FROM t WHERE a = 'it''s' -- c"), "<span class=\"hl-k\">Select</span>");
	assert_has(hl("sql", "WHERE a = 'it''s' -- c"), "<span class=\"hl-s\">'it''s'</span>");
	assert_has(hl("json", "{\"key\": \"value\", \"n\": -1.5e3, \"t\": true}"),
		   "<span class=\"hl-a\">&quot;key&quot;</span>: <span class=\"hl-s\">&quot;value&quot;</span>");
	assert_has(hl("json", "{\"t\": true}"), "<span class=\"hl-t\">true</span>");
	assert_has(hl("yaml", "name: web\n- image: nginx # x\n"), "<span class=\"hl-a\">name</span>");
	assert_has(hl("yaml", "- image: nginx\n"), "<span class=\"hl-a\">image</span>");
	assert_has(hl("css", "@media (x) { a { color: #fff; margin: 10px !important } }"),
		   "<span class=\"hl-a\">color</span>: <span class=\"hl-n\">#fff</span>");
	assert_has(hl("css", "a { margin: 10px !important }"), "<span class=\"hl-k\">!important</span>");
	assert_has(hl("html", "<!-- c --><a href=\"/x\">&amp; y</a>"), "<span class=\"hl-c\">&lt;!-- c --&gt;</span>");
	assert_has(hl("html", "<a href=\"/x\">"), "&lt;<span class=\"hl-k\">a</span> <span class=\"hl-a\">href</span>=<span class=\"hl-s\">&quot;/x&quot;</span>&gt;");
	assert_has(hl("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n ctx\n"), "<span class=\"hl-d\">-old</span>");
	assert_has(hl("diff", "+new\n"), "<span class=\"hl-i\">+new</span>");
	assert_has(hl("markdown", "# Title\n- item `code`\n"), "<span class=\"hl-k\"># Title</span>");
	assert_has(hl("php", "<?php $x = 1; # c"), "<span class=\"hl-v\">$x</span>");
	assert_has(hl("ruby", "def f; puts :x; end"), "<span class=\"hl-k\">end</span>");
	assert_has(hl("kotlin", "val s = \"\"\"a\nb\"\"\""), "<span class=\"hl-s\">&quot;&quot;&quot;a\nb&quot;&quot;&quot;</span>");
	assert_has(hl("swift", "guard let x = y else { return }"), "<span class=\"hl-k\">guard</span>");
	assert_has(hl("java", "@Override public String f() {}"), "<span class=\"hl-m\">@Override</span>");
	assert_has(hl("typescript", "const x: number = `t${y}`;"), "<span class=\"hl-t\">number</span>");
}

static void unknown_language_is_plain(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_int_equal(highlight_code("brainfuck", 9, "+[<>\"&]", 7, &b), 0);
	assert_string_equal(buf_str(&b), "+[&lt;&gt;&quot;&amp;]");
	buf_free(&b);
}

/* Every language, on samples and on random bytes: the code comes back. */
static void every_character_kept(void **state)
{
	static const char alphabet[] = "ab_1.e+-x\"'`\\#/*<>!&@${}[]():;- \t\n\r%\xc3\xa9\0";
	static const char *const samples[] = {
		"", "\"", "'", "/*", "<!--", "#", "$", "${", "@", "'a", "\"\"\"", "```", "<a", "&x;",
		"x = \"unterminated\nnext", "'''\n", "/* open", "<a href='x", "#[", "-- c", "\\",
	};
	char code[200];
	(void)state;
	srand(42);
	for (size_t l = 0; l < sizeof languages / sizeof *languages; l++) {
		for (size_t k = 0; k < sizeof samples / sizeof *samples; k++)
			assert_round_trip(languages[l], samples[k]);
		for (int round = 0; round < 300; round++) {
			size_t n = (size_t)rand() % (sizeof code - 1);
			for (size_t i = 0; i < n; i++)
				code[i] = alphabet[(size_t)rand() % (sizeof alphabet - 2)];
			code[n] = 0;
			assert_round_trip(languages[l], code);
		}
	}
}

/* Through the markdown renderer: fenced blocks of a known language. */
static void markdown_blocks(void **state)
{
	struct buf b = BUF_INIT;
	const char *md = "Text <b>\n\n```python\nprint(\"<b>&\")\n```\n\n```nolang\nx < y\n```\n\n"
			 "```\nplain\n```\n\n[l](http://x.test)";
	(void)state;
	assert_int_equal(markdown_render(md, strlen(md), &b), 0);
	assert_has(buf_str(&b), "<pre tabindex=\"0\"><code class=\"language-python\"><span class=\"hl-t\">print</span>("
				"<span class=\"hl-s\">&quot;&lt;b&gt;&amp;&quot;</span>)\n</code></pre>");
	assert_has(buf_str(&b), "<pre tabindex=\"0\"><code class=\"language-nolang\">x &lt; y\n</code></pre>");
	assert_has(buf_str(&b), "<pre tabindex=\"0\"><code>plain\n</code></pre>");
	assert_has(buf_str(&b), "<a rel=\"nofollow noopener\" href=\"http://x.test\">");
	assert_has(buf_str(&b), "Text &lt;b&gt;");
	buf_free(&b);
	markdown_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(python_tokens),
		cmocka_unit_test(c_family_tokens),
		cmocka_unit_test(other_languages),
		cmocka_unit_test(unknown_language_is_plain),
		cmocka_unit_test(every_character_kept),
		cmocka_unit_test(markdown_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
