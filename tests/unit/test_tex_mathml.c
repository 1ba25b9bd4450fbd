/* test_tex_mathml.c — TeX as chat models write it becomes the expected
 * MathML, byte for byte (tests/unit/golden/math/NAME.tex against NAME.mml,
 * display style unless NAME starts with inline_), always well-formed; and
 * what is not supported, unbalanced, too deep or too long is refused
 * whole, leaving the output as it was.
 *
 * After a deliberate change to the output, GOLDEN_UPDATE=1 rewrites the
 * .mml files; read the diff before committing it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tex_mathml.h"
#include "../fuzz/mathml_check.h"

/* The whole of path (NUL-terminated) in *n bytes, or NULL. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t k;

	if (!f)
		return NULL;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return b.data ? b.data : calloc(1, 1);
}

static void assert_well_formed(const char *mml, size_t n)
{
	const char *why;
	if (mathml_check(mml, n, &why) != 0)
		fail_msg("not well-formed (%s):\n%s", why, mml);
}

/* Convert tex (a C string); its MathML in a static buffer, or NULL when
 * refused (then the buffer is checked to be unchanged). */
static const char *conv(const char *tex, int display)
{
	static struct buf b = BUF_INIT;
	int rc;

	buf_clear(&b);
	buf_puts(&b, "keep");
	rc = tex_mathml(tex, strlen(tex), display, &b);
	if (rc < 0) {
		assert_int_equal(rc, -1);
		assert_string_equal(buf_str(&b), "keep");
		assert_int_equal(b.len, 4);
		return NULL;
	}
	assert_int_equal(rc, 0);
	assert_well_formed(b.data + 4, b.len - 4);
	return b.data + 4;
}

static void golden(void **state)
{
	const char *share = getenv("CONFAB_SHARE_DIR");
	char dir[4096], path[4200];
	struct dirent *de;
	DIR *d;
	int count = 0, failed = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/tests/unit/golden/math", share ? share : ".");
	d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s (CONFAB_SHARE_DIR is the source tree)", dir);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), n, en;
		char *tex, *want;
		const char *got;
		int display = strncmp(de->d_name, "inline_", 7) != 0;

		if (len < 5 || strcmp(de->d_name + len - 4, ".tex") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		tex = slurp(path, &n);
		assert_non_null(tex);
		if (n && tex[n - 1] == '\n')
			tex[--n] = '\0';
		got = conv(tex, display);
		if (!got)
			fail_msg("%s was refused", de->d_name);
		snprintf(path + strlen(path) - 4, 5, ".mml");
		if (getenv("GOLDEN_UPDATE")) {
			FILE *f = fopen(path, "w");
			assert_non_null(f);
			fprintf(f, "%s\n", got);
			fclose(f);
		}
		want = slurp(path, &en);
		if (!want || strlen(got) + 1 != en || memcmp(got, want, en - 1) != 0) {
			print_error("%s: expected\n%s\ngot\n%s\n", path, want ? want : "(no file)\n", got);
			failed++;
		}
		free(tex);
		free(want);
		count++;
	}
	closedir(d);
	assert_true(count >= 40);
	assert_int_equal(failed, 0);
}

static void assert_has(const char *s, const char *needle)
{
	if (!s || !strstr(s, needle))
		fail_msg("\"%s\" not in:\n%s", needle, s ? s : "(refused)");
}

static void unsupported_is_refused(void **state)
{
	(void)state;
	assert_null(conv("x + \\foo{y}", 1));
	assert_null(conv("\\newcommand{\\a}{b}", 0));
	assert_null(conv("\\begin{tikzpicture}x\\end{tikzpicture}", 1));
	assert_null(conv("a \\over b", 0));
	assert_null(conv("\\text{\\textbf{x}}", 0));
	assert_null(conv("x^2^3", 0));          /* double superscript */
	assert_null(conv("x_1_2", 0));
	assert_null(conv("$x$", 0));
	assert_null(conv("#1", 0));
	assert_null(conv("\\left( x \\right.\\middle|", 0));
	assert_null(conv("\\middle|", 0));
	assert_null(conv("\\left\\foo x \\right)", 0));
	assert_null(conv("\\begin{array}{p{2cm}}x\\end{array}", 0));
	assert_null(conv("x \\", 0));           /* a backslash at the end */
}

static void unbalanced_is_refused(void **state)
{
	(void)state;
	assert_null(conv("{x", 0));
	assert_null(conv("x}", 0));
	assert_null(conv("\\frac{a}{b", 0));
	assert_null(conv("\\frac{a}", 0));
	assert_null(conv("\\sqrt[3{x}", 0));
	assert_null(conv("\\left( x", 0));
	assert_null(conv("x \\right)", 0));
	assert_null(conv("\\begin{matrix} a", 0));
	assert_null(conv("\\begin{matrix} a \\end{pmatrix}", 0));
	assert_null(conv("a \\end{matrix}", 0));
	assert_null(conv("\\text{abc", 0));
	assert_null(conv("x^", 0));
	assert_null(conv("\\color{red", 0));
}

/* n copies of open, x, n copies of close. */
static char *nest(size_t n, const char *open, const char *close)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, open);
	buf_putc(&b, 'x');
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, close);
	return b.data;
}

static void depth_cap(void **state)
{
	static const struct { const char *open, *close; } kinds[] = {
		{ "{", "}" }, { "\\frac{", "}{y}" }, { "\\sqrt{", "}" }, { "\\left(", "\\right)" },
		{ "x^{", "}" }, { "\\begin{matrix}", "\\end{matrix}" }, { "\\hat{", "}" },
	};
	(void)state;
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		char *ok = nest(TEX_MATHML_MAX_DEPTH / 2, kinds[k].open, kinds[k].close);
		char *deep = nest(TEX_MATHML_MAX_DEPTH, kinds[k].open, kinds[k].close);
		if (!conv(ok, 1))
			fail_msg("%zu levels of %s refused", (size_t)TEX_MATHML_MAX_DEPTH / 2, kinds[k].open);
		assert_null(conv(deep, 1));
		free(ok);
		free(deep);
	}
	/* Arguments without braces nest too. */
	{
		struct buf b = BUF_INIT;
		for (int i = 0; i < 10000; i++)
			buf_puts(&b, "\\sqrt");
		buf_putc(&b, 'x');
		assert_null(conv(b.data, 0));
		buf_free(&b);
	}
}

static void input_cap(void **state)
{
	char *big = malloc(TEX_MATHML_MAX_INPUT + 2);
	struct buf b = BUF_INIT;

	(void)state;
	memset(big, 'x', TEX_MATHML_MAX_INPUT + 1);
	big[TEX_MATHML_MAX_INPUT + 1] = '\0';
	assert_null(conv(big, 0));
	big[TEX_MATHML_MAX_INPUT] = '\0';
	assert_non_null(conv(big, 0));
	free(big);
	assert_int_equal(tex_mathml(NULL, 1, 0, &b), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(tex_mathml(NULL, 0, 0, &b), 0);
	assert_string_equal(buf_str(&b), "<math><semantics><mrow></mrow><annotation "
			    "encoding=\"application/x-tex\"></annotation></semantics></math>");
	buf_free(&b);
}

static void source_is_escaped(void **state)
{
	const char *m;

	(void)state;
	m = conv("\\text{</annotation><script>alert(1)</script>}", 0);
	assert_has(m, "<mtext>&lt;/annotation&gt;&lt;script&gt;alert(1)&lt;/script&gt;</mtext>");
	assert_has(m, "<annotation encoding=\"application/x-tex\">\\text{&lt;/annotation&gt;"
		   "&lt;script&gt;alert(1)&lt;/script&gt;}</annotation></semantics></math>");
	assert_null(strstr(m, "<script"));
	/* Refused, the source is the caller's to escape: here, a comment hides it. */
	m = conv("a < b \\& c > \"d\" % </annotation><script>\n", 1);
	assert_has(m, "<mo>&lt;</mo>");
	assert_has(m, "<mo>&amp;</mo>");
	assert_has(m, "<mo>&quot;</mo>");
	assert_has(m, "% &lt;/annotation&gt;&lt;script&gt;\n</annotation>");
}

static void bad_bytes_become_replacement(void **state)
{
	const char *m;

	(void)state;
	m = conv("x\xff + \x01 \xc3(", 0);
	assert_has(m, "<mi>x</mi><mi>\xEF\xBF\xBD</mi><mo>+</mo><mi>\xEF\xBF\xBD</mi><mi>\xEF\xBF\xBD</mi>");
	assert_has(m, ">x\xEF\xBF\xBD + \xEF\xBF\xBD \xEF\xBF\xBD(</annotation>");
	/* A surrogate: three bytes, none starting a character (as browsers
	 * decode it); U+FFFE, a noncharacter. */
	m = conv("\\text{a\xed\xa0\x80 \xef\xbf\xbe}", 0);
	assert_has(m, "<mtext>a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD</mtext>");
}

static void display_and_inline(void **state)
{
	(void)state;
	assert_has(conv("\\sum_a^b", 1), "<munderover><mo>∑</mo>");
	assert_has(conv("\\sum_a^b", 0), "<msubsup><mo>∑</mo>");
	assert_has(conv("\\int_a^b", 1), "<msubsup><mo>∫</mo>");
	assert_has(conv("\\lim_{x}", 1), "<munder><mi>lim</mi>");
	assert_has(conv("\\lim_{x}", 0), "<msub><mi>lim</mi>");
	assert_has(conv("\\frac{\\sum_a^b}{2}", 1), "<msubsup><mo>∑</mo>");
	assert_has(conv("\\dfrac{\\displaystyle\\sum_a^b}{2}", 0), "<munderover><mo>∑</mo>");
	/* Rows without an environment, as KaTeX has them. */
	assert_has(conv("a &= b", 1), "<mtable displaystyle=\"true\"><mtr><mtd columnalign=\"right\">");
	assert_has(conv("a \\\\ b", 0), "<mtable displaystyle=\"true\"><mtr><mtd><mi>a</mi>");
	assert_has(conv("x", 1), "<math display=\"block\">");
	assert_has(conv("x", 0), "<math><semantics>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden),
		cmocka_unit_test(unsupported_is_refused),
		cmocka_unit_test(unbalanced_is_refused),
		cmocka_unit_test(depth_cap),
		cmocka_unit_test(input_cap),
		cmocka_unit_test(source_is_escaped),
		cmocka_unit_test(bad_bytes_become_replacement),
		cmocka_unit_test(display_and_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
