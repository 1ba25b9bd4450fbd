/* classify.h — request analytics (request_analytics) derived from a prompt when the
 * user chose none: request type, category and complexity, by a fixed,
 * cheap and deterministic rule (README "Dashboard"; classify.c):
 *  - words are runs of ASCII letters, compared in lower case;
 *  - type: code_generation when the prompt holds a ``` fence or a word of the
 *    code list, else analysis when it holds a word of the analysis list,
 *    else chat;
 *  - category: the first category, in the order of classify_categories,
 *    with a word of its list in the prompt; else general;
 *  - complexity: by words, up to 30 low, up to 200 medium, above high; a
 *    code fence raises low to medium. */
#ifndef CONFAB_CLASSIFY_H
#define CONFAB_CLASSIFY_H

#include <stddef.h>

struct request_tags {
	const char *request_type;   /* chat, code_generation, analysis */
	const char *category;       /* one of classify_categories */
	const char *complexity;     /* low, medium, high */
};

/* The choices a user may make (NULL-terminated, static). */
extern const char *const classify_types[];
extern const char *const classify_categories[];
extern const char *const classify_complexities[];

/* Fill t (static strings) from the prompt's first n bytes. */
void classify_prompt(const char *prompt, size_t n, struct request_tags *t);

/* The label shown for a type or category ("code_generation" → "Code
 * generation"); the value itself when unknown. Static. */
const char *classify_label(const char *value);

#endif
