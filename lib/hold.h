/* hold.h — the most a request can cost, worked out from exactly what the
 * worker will send: what a send holds (store_quota.c quota_admit), what the
 * worker caps its request at (worker/stream.c), and what a reply is
 * charged at most (store_credits.c credits_settle).
 *
 * Input tokens are counted on the safe side of every provider's rules:
 * text as one token per UTF-8 byte (no tokenizer makes more tokens than
 * bytes; about 4 bytes a token is the average, not a bound, so a hold is
 * about 4 times the typical cost of the prompt: a user who could afford
 * the request on average but not at the bound is refused), a few tokens
 * of wire overhead per message, images by the provider's pixel rules and
 * PDFs per page (media_dims.h). Output is the max_tokens the adapter will
 * send, thinking included. */
#ifndef CONFAB_HOLD_H
#define CONFAB_HOLD_H

#include <stddef.h>
#include <stdint.h>
#include "models.h"

struct turn;

/* Tokens of wire overhead: of each message (role, separators) and of the
 * request (the reply's priming). */
#define HOLD_MESSAGE_TOKENS 8
#define HOLD_REQUEST_TOKENS 8
/* A PDF page: its image (about 1,600 at most) and its text (1,500 to
 * 3,000 on a dense page), as Anthropic and OpenAI count them; Gemini
 * counts less. */
#define HOLD_PDF_PAGE_TOKENS 4600

/* The most provider_type ("openai", "openai-compatible", "anthropic",
 * "gemini", "ollama") bills for one attached file. */
int64_t hold_file_tokens(const char *provider_type, const char *media_type,
			 const unsigned char *data, size_t len);

/* The most the provider bills as input for the system prompt and the
 * turns (with their files, as turn_files_load read them). */
int64_t hold_input_tokens(const char *provider_type, const char *system,
			  const struct turn *turns, size_t n);

/* The max_tokens the worker sends for model m under a plan's cap on
 * tokens per request (-1: none): never above the cap, and at least 1
 * (providers want one; a cap of 0 still sends 1). */
int64_t hold_max_tokens(const struct model_cfg *m, int64_t plan_cap);

/* Micro-dollars for tin and tout tokens at m's prices, rounded up (the
 * worker's cost rounds to the nearest, so it never passes this). */
int64_t hold_cost(int64_t price_in, int64_t price_out, int64_t tin, int64_t tout);

#endif
