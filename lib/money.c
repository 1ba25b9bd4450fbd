/* money.c — see money.h. */
#include "money.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MONEY_BUF 32

/* Written digit by digit, not with snprintf: a page shows dozens of
 * amounts (a chat's replies, the dashboard's rows), and printf's parsing
 * of its format was most of their cost. */
int money_print(char *buf, size_t n, int64_t micro, unsigned style)
{
	/* Magnitude as unsigned, so INT64_MIN has one too. */
	uint64_t m = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
	uint64_t whole = m / 1000000, frac = m % 1000000;
	char out[MONEY_BUF], rev[24];
	size_t len = 0, k = 0, places;

	if (micro < 0)
		out[len++] = '-';
	if (!(style & MONEY_BARE))
		out[len++] = '$';
	do
		rev[k++] = (char)('0' + whole % 10);
	while ((whole /= 10) > 0);
	while (k > 0)
		out[len++] = rev[--k];
	switch (style & 0xff) {
	case MONEY_CENTS:
		frac /= 10000;
		places = 2;
		break;
	case MONEY_SHORT:
		/* Whole dollars bare; else at least cents, no zeros after. */
		places = frac ? 6 : 0;
		while (places > 2 && frac % 10 == 0) {
			frac /= 10;
			places--;
		}
		break;
	default:
		places = 6;
	}
	if (places) {
		out[len++] = '.';
		for (size_t i = places; i > 0; i--) {
			out[len + i - 1] = (char)('0' + frac % 10);
			frac /= 10;
		}
		len += places;
	}
	/* As snprintf: the whole length returned, what fits written. */
	if (n > 0) {
		size_t w = len < n - 1 ? len : n - 1;
		memcpy(buf, out, w);
		buf[w] = '\0';
	}
	return (int)len;
}

const char *money_format(struct arena *a, int64_t micro, unsigned style)
{
	char buf[MONEY_BUF];
	money_print(buf, sizeof buf, micro, style);
	return arena_strdup(a, buf);
}
