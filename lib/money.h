/* money.h — amounts of money as people read them.
 *
 * The ledgers count micro-dollars (1e-6 USD, int64). Pages and the
 * command line show them one of three ways, each for a reason:
 *  - exact: "$1.234567", every micro-dollar (what was charged, dashboards,
 *    the command line, a refusal saying how much is needed);
 *  - cents: "$1.23", rounded down to the cent (a balance at a glance, and
 *    prices sold in cents);
 *  - short: "$2.50", "$10", "$0.00015": trailing zeros dropped but cents
 *    kept unless whole (prices per million tokens, a reply's cost).
 * A negative amount reads "-$1.23". */
#ifndef CONFAB_MONEY_H
#define CONFAB_MONEY_H

#include "arena.h"

#include <stddef.h>
#include <stdint.h>

enum money_style { MONEY_EXACT, MONEY_CENTS, MONEY_SHORT };

/* MONEY_BARE, or'ed in: no "$" (a number for a column or a file). */
#define MONEY_BARE 0x100

/* Write micro-dollars micro into buf (n bytes, NUL-terminated; 32 hold any
 * amount); the length written, as snprintf. */
int money_print(char *buf, size_t n, int64_t micro, unsigned style);
/* The same in the arena. */
const char *money_format(struct arena *a, int64_t micro, unsigned style);

#endif
