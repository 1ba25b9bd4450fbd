/* openai_chunk.h — the common OpenAI streaming chunk read without building
 * a JSON tree. Every token of an OpenAI-compatible stream is one chunk
 * ({"id":..,"choices":[{"delta":{"content":".."},..}],..}); jansson
 * allocated a node for each of its values. This scanner checks the whole
 * chunk and keeps only the few strings and numbers the adapter uses.
 *
 * It answers only when it is sure jansson would read the chunk the same
 * way: anything else (an "error" member, a duplicated member it uses, an
 * escaped key, an exponent, a \u0000, invalid JSON or UTF-8, deep nesting)
 * is left to jansson, so the result never differs (fuzz_provider checks
 * both readers agree). */
#ifndef CONFAB_OPENAI_CHUNK_H
#define CONFAB_OPENAI_CHUNK_H

#include <stddef.h>
#include "provider.h"

/* 1: the chunk was read into out and *rc is the event's result (0, or -1
 * with out->error set); 0: not read, out untouched: jansson reads it. */
int openai_chunk_read(const char *data, size_t n, struct gen_out *out, int *rc);

#endif
