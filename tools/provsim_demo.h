/* provsim_demo.h — the offline demo model's replies (reply=demo).
 *
 * Deterministic and clearly labelled as simulated: an answer that quotes
 * the question back and reshapes it (its numbers, a table of its words, a
 * code block; for a question about markdown, a sample of everything a reply
 * can show), so that a new user sees the chat's markdown and knows no AI
 * wrote it; and, for confab's title request, a title made of the question's
 * first words, so that each chat gets its own. */
#ifndef PROVSIM_DEMO_H
#define PROVSIM_DEMO_H

#include <stddef.h>

/* A malloc'd, NUL-terminated reply to question (the last user message)
 * under system (the system prompt). */
char *demo_reply(const char *system, size_t syslen, const char *question, size_t qlen);

#endif
