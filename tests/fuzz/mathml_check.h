/* mathml_check.h — what tex_mathml() promises about its output, checked
 * by fuzz_tex_mathml, fuzz_markdown and test_tex_mathml. */
#ifndef CONFAB_MATHML_CHECK_H
#define CONFAB_MATHML_CHECK_H

#include <stddef.h>

/* 0 if s[0, n) is one <math> element, well-formed: every tag from the
 * MathML whitelist, closed in order (or self-closing), with attributes
 * from its whitelist written name="value" (no & < " in a value); text
 * with no < or >, and & only in &amp; &lt; &gt; &quot; or &#xHEX;; an
 * <annotation> only in <semantics>, holding text only; valid UTF-8
 * (form.h's utf8_valid). Else -1, with what is wrong in *why. */
int mathml_check(const char *s, size_t n, const char **why);

#endif
