/* money.c — see money.h. */
#include "money.h"

#include <stdio.h>
#include <string.h>

#define MONEY_BUF 32

int money_print(char *buf, size_t n, int64_t micro, unsigned style)
{
	/* Magnitude as unsigned, so INT64_MIN has one too. */
	uint64_t m = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
	unsigned long long whole = m / 1000000, frac = m % 1000000;
	const char *sign = micro < 0 ? "-" : "", *dollar = (style & MONEY_BARE) ? "" : "$";
	char digits[8];
	int k;

	switch (style & 0xff) {
	case MONEY_CENTS:
		return snprintf(buf, n, "%s%s%llu.%02llu", sign, dollar, whole, frac / 10000);
	case MONEY_SHORT:
		if (frac == 0)
			return snprintf(buf, n, "%s%s%llu", sign, dollar, whole);
		k = snprintf(digits, sizeof digits, "%06llu", frac);
		while (k > 2 && digits[k - 1] == '0')
			digits[--k] = '\0';
		return snprintf(buf, n, "%s%s%llu.%s", sign, dollar, whole, digits);
	default:
		return snprintf(buf, n, "%s%s%llu.%06llu", sign, dollar, whole, frac);
	}
}

const char *money_format(struct arena *a, int64_t micro, unsigned style)
{
	char buf[MONEY_BUF];
	money_print(buf, sizeof buf, micro, style);
	return arena_strdup(a, buf);
}
