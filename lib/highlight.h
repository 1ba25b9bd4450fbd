/* highlight.h — syntax highlighting of code blocks, on the server.
 *
 * A table-driven lexer for the languages chat models write most: each
 * language is a row of comment markers, quote characters, keywords and a
 * few flags (highlight_lang.c), read by one scanner (highlight.c), plus
 * line-based scanners for diff and markdown and a tag scanner for
 * HTML/XML. Debian has no C library for this (source-highlight and
 * highlight are C++ programs); the lexer has no state beyond one block,
 * so it is linear in the code's length and cannot fail.
 *
 * Tokens become <span class="hl-X">, X one of: k keyword, t type or
 * built-in or literal, s string, c comment, n number, m meta (preprocessor,
 * decorator, attribute), a attribute or key, v variable, i inserted line,
 * d deleted line. The stylesheet colours them for both themes. Every byte
 * of the code is written, escaped, exactly once: stripping the tags and
 * unescaping gives the code back. */
#ifndef CONFAB_HIGHLIGHT_H
#define CONFAB_HIGHLIGHT_H

#include "buf.h"

#include <stddef.h>

/* Append code (n bytes, raw text) to out as escaped HTML with highlighted
 * tokens when lang (a fence's info word, lang_len bytes, any case) names a
 * known language; plain escaped text otherwise. 1 if highlighted, else 0. */
int highlight_code(const char *lang, size_t lang_len, const char *code, size_t n,
		   struct buf *out);

#endif
