/* highlight_lang.h — the languages highlight.c knows: one row each.
 * Internal to the highlighter. */
#ifndef CONFAB_HIGHLIGHT_LANG_H
#define CONFAB_HIGHLIGHT_LANG_H

#include <stddef.h>

enum hl_scanner {
	HL_CODE,      /* comments, strings, numbers, words: most languages */
	HL_MARKUP,    /* tags, attributes, comments, entities: HTML, XML */
	HL_MARKDOWN,  /* headings, fences, list markers, `code` */
	HL_DIFF,      /* +, -, @@ and header lines */
};

#define HL_HASH_PREPROC 0x0001u /* '#' first on a line: meta to its end (C, C++, C#) */
#define HL_AT_META      0x0002u /* @name: meta (decorators, annotations, at-rules) */
#define HL_TRIPLE       0x0004u /* """ and ''' strings, across lines */
#define HL_MULTILINE    0x0008u /* any string may span lines */
#define HL_NOCASE       0x0010u /* keywords in any case (SQL) */
#define HL_DOLLAR_VAR   0x0020u /* $name and ${...}: variables (shell, PHP) */
#define HL_LIFETIME     0x0040u /* 'a is a lifetime, not a character (Rust) */
#define HL_HASH_ATTR    0x0080u /* #[...] and #![...]: meta (Rust) */
#define HL_LINE_KEYS    0x0100u /* a word and ':' opening a line: a key (YAML) */
#define HL_BRACE_PROPS  0x0200u /* a word and ':' inside braces: a property (CSS) */
#define HL_SQL_QUOTES   0x0400u /* '' inside a string is a quote; no backslash escapes */
#define HL_WORD_COMMENT 0x0800u /* the line comment only where a word may start (shell) */
#define HL_STRING_KEYS  0x1000u /* a string followed by ':' is a key (JSON) */
#define HL_DASH_WORDS   0x2000u /* '-' inside words (CSS, YAML) */
#define HL_CAPS_TYPES   0x4000u /* Capitalised words are types (Java, Kotlin, Swift, ...) */
#define HL_HEX_COLOR    0x8000u /* #fff inside braces is a number (CSS) */

struct hl_lang {
	const char *names;         /* " python py ": the fence words it answers to */
	enum hl_scanner scanner;
	const char *line_comment;  /* to the end of the line, or NULL */
	const char *line_comment2; /* a second one (PHP's '#'), or NULL */
	const char *block_open;    /* a block comment, or NULL */
	const char *block_close;
	const char *quotes;        /* characters that open a string */
	unsigned flags;
	const char *keywords;      /* " if else ... ": space-separated, spaces around */
	const char *types;         /* built-ins, types and literals, the same way */
};

/* 'k' if w (n bytes) is one of l's keywords, 't' if one of its types, else 0. */
char hl_lang_word(const struct hl_lang *l, const char *w, size_t n);

/* The row for a fence word (any case), or NULL. */
const struct hl_lang *hl_lang_find(const char *name, size_t n);

#endif
