/* render — what rendering a reply costs (markdown_render: cmark-gfm, the
 * highlighter, the math). A 2 KB reply with inline and display math and
 * code in three languages, against the same reply with its dollars made
 * letters (no math: the baseline), and the worst inputs the scanner and
 * the converter meet, each against the same baseline, in one run: these
 * machines are noisy, so the ratios are what to read. Prints a markdown
 * table (bench/run writes it into docs/PERFORMANCE.md); exits 1 when a
 * target is missed (2 KB reply under 100 µs, worst inputs under 50 ms).
 *
 *   build/bench/render [RUNS]     RUNS of the 2 KB reply (default 2000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "markdown.h"

static const char reply[] =
	"## Solving $ax^2 + bx + c = 0$\n\n"
	"For real coefficients with $a \\neq 0$, complete the square: divide by $a$, move\n"
	"$\\frac{c}{a}$ across and add $\\left(\\frac{b}{2a}\\right)^2$ to both sides. Then\n\n"
	"$$\nx = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}\n$$\n\n"
	"The discriminant $\\Delta = b^2 - 4ac$ decides the case:\n\n"
	"- $\\Delta > 0$: two real roots $x_{1,2}$;\n"
	"- $\\Delta = 0$: one double root $x = -\\frac{b}{2a}$;\n"
	"- $\\Delta < 0$: two complex roots, $x = \\frac{-b}{2a} \\pm i\\frac{\\sqrt{-\\Delta}}{2a}$.\n\n"
	"Vieta's formulas check the result:\n\n"
	"$$\n\\begin{aligned}\nx_1 + x_2 &= -\\frac{b}{a} \\\\\nx_1 x_2 &= \\frac{c}{a}\n\\end{aligned}\n$$\n\n"
	"In Python:\n\n"
	"```python\nimport cmath\n\ndef roots(a, b, c):\n    d = cmath.sqrt(b * b - 4 * a * c)\n"
	"    return (-b + d) / (2 * a), (-b - d) / (2 * a)\n\nprint(roots(1, -3, 2))  # (2, 1)\n```\n\n"
	"In C, watch for cancellation when $b^2 \\gg 4ac$:\n\n"
	"```c\n#include <math.h>\n\nint roots(double a, double b, double c, double *x1, double *x2)\n{\n"
	"\tdouble d = b * b - 4 * a * c;\n\tif (d < 0)\n\t\treturn -1;\n"
	"\tdouble q = -0.5 * (b + copysign(sqrt(d), b));\n\t*x1 = q / a;\n\t*x2 = c / q;\n\treturn 0;\n}\n```\n\n"
	"And to try it from a shell:\n\n"
	"```bash\ncc -O2 roots.c -lm -o roots && ./roots 1 -3 2\necho \"exit: $?\"\n```\n\n"
	"For a system, write it as $A\\mathbf{x} = \\mathbf{b}$ with\n\n"
	"$$\nA = \\begin{pmatrix} a_{11} & a_{12} \\\\ a_{21} & a_{22} \\end{pmatrix}, \\quad\n"
	"\\det A = a_{11} a_{22} - a_{12} a_{21}\n$$\n\n"
	"and the sign function is $\\operatorname{sgn}(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & x = 0 \\\\ -1 & x < 0 "
	"\\end{cases}$.\n"
	"Costs stay prose: it was $5, or $10 with shipping.\n\n"
	"**Numerically**, prefer the second form whenever $|b|$ is large: the textbook formula\n"
	"subtracts two nearly equal numbers, and one root loses most of its digits. With\n"
	"$q = -\\tfrac{1}{2}\\left(b + \\operatorname{sign}(b)\\sqrt{\\Delta}\\right)$ the roots are\n"
	"$x_1 = q/a$ and $x_2 = c/q$, each to full precision.\n\n"
	"The sum of the series $\\sum_{n=0}^{\\infty} x^n = \\frac{1}{1-x}$ holds for $|x| < 1$, and\n"
	"for $x \\in \\mathbb{R}$ the parabola's vertex is at $\\left(-\\frac{b}{2a}, c - \\frac{b^2}{4a}\\right)$.\n";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median µs of runs renders of s[0, n). */
static double measure(const char *s, size_t n, int runs)
{
	static struct buf out;
	double *t = malloc((size_t)runs * sizeof *t), m;

	if (!t)
		exit(1);
	for (int i = 0; i < runs; i++) {
		double t0 = now();
		buf_clear(&out);
		markdown_render(s, n, &out);
		t[i] = (now() - t0) * 1e6;
	}
	qsort(t, (size_t)runs, sizeof *t, cmp);
	m = t[runs / 2];
	free(t);
	return m;
}

/* unit repeated to n bytes (cut to whole units), NUL-terminated. */
static char *repeat(const char *unit, size_t n, size_t *len)
{
	size_t k = strlen(unit), m = n / k;
	char *s = malloc(m * k + 1);

	if (!s)
		exit(1);
	for (size_t i = 0; i < m; i++)
		memcpy(s + i * k, unit, k);
	s[m * k] = '\0';
	*len = m * k;
	return s;
}

/* One formula: open, n times in, x, n times out, close. */
static void nested(struct buf *b, const char *open, const char *in, const char *out,
		   const char *close, size_t n)
{
	buf_puts(b, open);
	for (size_t i = 0; i < n; i++)
		buf_puts(b, in);
	buf_putc(b, 'x');
	for (size_t i = 0; i < n; i++)
		buf_puts(b, out);
	buf_puts(b, close);
}

int main(int argc, char **argv)
{
	const size_t cap = MARKDOWN_MAX_INPUT;
	int runs = argc > 1 ? atoi(argv[1]) : 2000, worst_runs = 7, fail = 0;
	char *plain = strdup(reply), *s;
	double base, t;
	size_t n;
	struct buf b = BUF_INIT;
	struct { const char *name; struct buf text; } worst[16];
	size_t nw = 0;

	if (runs < 1 || !plain)
		return 2;
	for (char *p = plain; *p; p++)   /* the same reply, no math */
		if (*p == '$')
			*p = 'S';
	measure(reply, sizeof reply - 1, runs / 10 + 1);   /* warm up */
	base = measure(plain, strlen(plain), runs);
	t = measure(reply, sizeof reply - 1, runs);
	printf("| input | bytes | µs a render (median) | × the reply without math |\n|---|---|---|---|\n");
	printf("| the reply without math (baseline) | %zu | %.1f | 1.00 |\n", strlen(plain), base);
	printf("| **the reply: inline and display math, code in 3 languages** | %zu | **%.1f** | **%.2f** |\n",
	       sizeof reply - 1, t, t / base);
	if (t > 100)
		fail = 1;

#define WORST(label) (worst[nw].name = (label), worst[nw].text = (struct buf)BUF_INIT, &worst[nw++].text)
	s = repeat("$", 1024 * 1024, &n);
	buf_append(WORST("1 MiB of `$` (over the input cap: refused)"), s, n);
	free(s);
	s = repeat("$", cap, &n);
	buf_append(WORST("128 KiB of `$`"), s, n);
	free(s);
	s = repeat("$a ", cap, &n);
	buf_append(WORST("`$a ` to 128 KiB (no opener closes)"), s, n);
	free(s);
	s = repeat("$a$", cap, &n);
	buf_append(WORST("`$a$` to 128 KiB (43,690 formulas)"), s, n);
	free(s);
	s = repeat("`", 10000, &n);
	buf_append(WORST("10,000 backticks"), s, n);
	free(s);
	s = repeat("` $a", cap, &n);
	buf_append(WORST("``` $a`` to 128 KiB (unclosed code and math)"), s, n);
	free(s);
	nested(WORST("`$${{{…x…}}}$$`, 128 KiB (over the formula cap: code)"), "$$", "{", "}", "$$",
	       (cap - 5) / 2);
	nested(WORST("`$$` 10,000 `{` `x$$` (over the depth cap: code)"), "$$", "{", "", "$$", 10000);
	s = repeat("\\frac{", 1024 * 1024, &n);
	buf_append(WORST("1 MiB of `\\frac{` (over the input cap: refused)"), s, n);
	free(s);
	{
		struct buf *w = WORST("`$$` then `\\frac{` to 128 KiB (no closer: no math)");
		buf_puts(w, "$$");
		s = repeat("\\frac{", cap - 2, &n);
		buf_append(w, s, n);
		free(s);
	}
	{
		struct buf *w = WORST("`${{…x…}}$` 63 deep, repeated to 128 KiB");
		while (w->len + 130 < cap)
			nested(w, "$", "{", "}", "$ ", 62);
	}
	{
		struct buf *w = WORST("`$\\frac{\\frac{…x…}{y}}{y}$` 31 deep, repeated to 128 KiB");
		while (w->len + 340 < cap)
			nested(w, "$", "\\frac{", "}{y}", "$ ", 31);
	}
	{
		struct buf *w = WORST("`$$\\frac{\\frac{…` 16 KiB formula over the depth cap, repeated");
		while (w->len + 16400 < cap) {
			struct buf one = BUF_INIT;
			nested(&one, "", "\\frac{", "}{y}", "", 1600);
			buf_puts(w, "$$");
			buf_append(w, one.data, one.len < 16000 ? one.len : 16000);
			buf_puts(w, "$$\n\n");
			buf_free(&one);
		}
	}
	for (size_t i = 0; i < nw; i++) {
		t = measure(worst[i].text.data, worst[i].text.len, worst_runs);
		printf("| %s | %zu | %.0f | %.0f |\n", worst[i].name, worst[i].text.len, t, t / base);
		if (t > 50000)
			fail = 1;
		buf_free(&worst[i].text);
	}
	buf_free(&b);
	free(plain);
	markdown_cleanup();
	printf("\nTargets: the reply under 100 µs, each worst input under 50 ms: %s.\n",
	       fail ? "**missed**" : "met");
	return fail;
}
