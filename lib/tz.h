/* tz.h — the user's time zone: day boundaries and dates shown in it. */
#ifndef CONFAB_TZ_H
#define CONFAB_TZ_H

#include <stddef.h>
#include <stdint.h>

/* 1 if name is an IANA zone present on this system ("UTC", "Asia/Tokyo"). */
int tz_valid(const char *name);

/* Unix ms of local midnight `days_back` days before the day holding now_ms,
 * in zone tz (an invalid zone is treated as UTC). */
int64_t tz_day_start(const char *tz, int64_t now_ms, int days_back);

/* Unix ms of local midnight on the 1st of the month holding now_ms, moved
 * months_ahead months on (1: when this month ends), in zone tz. A negative
 * days_back for tz_day_start likewise gives a day ahead. */
int64_t tz_month_start(const char *tz, int64_t now_ms, int months_ahead);

/* Format t_ms in zone tz with strftime fmt into out. */
void tz_format(const char *tz, int64_t t_ms, const char *fmt, char *out, size_t n);

#endif
