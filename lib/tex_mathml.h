/* tex_mathml.h — TeX math as MathML, on the server, so formulas in replies
 * render in any current browser without JavaScript. Debian has no C
 * library for this (texmath is Haskell, blahtexml a C++ program); this is
 * a small recursive-descent converter for the TeX that chat models write.
 *
 * The output is MathML Core, what Chromium, Firefox and Safari render
 * natively: math, semantics, annotation, mrow, mi, mn, mo, mtext, mspace,
 * msup, msub, msubsup, mfrac, msqrt, mroot, munder, mover, munderover,
 * mtable, mtr, mtd, mstyle, mphantom, and menclose for \boxed (not Core:
 * Chromium draws its content without the box). Attributes are only
 * display, mathvariant="normal", stretchy, minsize, maxsize, accent,
 * accentunder, linethickness, displaystyle, columnalign, width, notation
 * and encoding; no style attribute (the CSP forbids them). Fonts other
 * than upright (\mathbb, \mathcal, \mathbf, \boldsymbol ...) are the
 * Unicode mathematical alphanumerics (ℝ, 𝒜, 𝐱), since MathML Core
 * renders only mathvariant="normal".
 *
 * What is supported: the command table in tex_symbols.c (Greek, symbols,
 * relations, arrows, big operators, operator names), \frac \dfrac \tfrac
 * \cfrac \binom, \sqrt and \sqrt[n], scripts and primes, limits (under and
 * over in display style, scripts inline; \limits \nolimits), \operatorname,
 * \text and its kin, the font commands, the environments matrix pmatrix
 * bmatrix Bmatrix vmatrix Vmatrix cases dcases rcases aligned align(*)
 * split gathered gather(*) equation(*) array, \left \middle \right,
 * \big and its kin, accents, \overbrace \underbrace, \overset \underset
 * \stackrel, \xrightarrow, \not, \pmod \bmod \mod, \boxed, \phantom,
 * spacing, \color and \textcolor (the colour is ignored), \displaystyle.
 * A `\\` outside any environment makes the formula rows (gathered, or
 * aligned when it has `&`), as KaTeX does.
 *
 * What is not: anything else. An unknown command or environment, an
 * unbalanced brace, a misplaced & or \\, a double superscript, nesting
 * deeper than TEX_MATHML_MAX_DEPTH or input longer than
 * TEX_MATHML_MAX_INPUT makes the whole formula not converted (-1), and the
 * caller shows its TeX source as code: never part of a formula, never
 * broken markup.
 *
 * The output is well-formed XML whatever the input: every character from
 * the input is escaped (& < > "), bytes that are not UTF-8 and characters
 * HTML text must not hold (controls, noncharacters) become U+FFFD. Linear in
 * the input but for moving a script's base (at most the nesting depth
 * times). Pure: no state, thread-safe. */
#ifndef CONFAB_TEX_MATHML_H
#define CONFAB_TEX_MATHML_H

#include <stddef.h>
#include "buf.h"

#define TEX_MATHML_MAX_INPUT ((size_t)16 * 1024)   /* bytes of one formula */
#define TEX_MATHML_MAX_DEPTH 64                    /* groups, arguments, environments */

/* Append the MathML of the TeX formula tex (n bytes, UTF-8) to out:
 * <math display="block"> when display, else <math>, holding
 * <semantics><mrow>…</mrow><annotation encoding="application/x-tex">the
 * source, escaped</annotation></semantics>, so a reader without MathML (a
 * text browser) sees the TeX. 0 on success; -1 when not converted (above),
 * out unchanged. */
int tex_mathml(const char *tex, size_t n, int display, struct buf *out);

/* Append s[0, n) to out as XML text: & < > " escaped, bytes that are not
 * UTF-8 and characters HTML text must not hold as U+FFFD; tab, newline and
 * carriage return kept. What the annotation holds. */
void tex_mathml_escape(struct buf *out, const char *s, size_t n);

#endif
