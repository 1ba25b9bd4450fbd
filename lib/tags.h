/* tags.h — the tags of a component as a user types them and as they are
 * stored. No I/O, so the fuzzer can drive it. */
#ifndef CONFAB_TAGS_H
#define CONFAB_TAGS_H

#include "arena.h"

#define TAGS_MAX 10       /* tags on one component */
#define TAG_CHARS 40      /* characters in one tag */

/* Tags as a user types them ("Marketing, social media") into the stored
 * form ("marketing,social media"): split on commas, spaces trimmed and
 * runs of spaces and tabs made one space, ASCII lowercased, empty and
 * repeated tags dropped. Returns the arena string, or NULL with *err (a
 * static sentence) when there are more than TAGS_MAX tags or one is longer
 * than TAG_CHARS characters. typed must be valid UTF-8. */
const char *tags_normalize(struct arena *a, const char *typed, const char **err);

/* s without leading and trailing white space (arena copy). */
const char *text_trim(struct arena *a, const char *s);

#endif
