/* tz.c — see tz.h. glibc reads a zone through TZ; switching TZ is cheap
 * when the value does not change, so the last zone is remembered. */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef CONFAB_ZONEINFO
#define CONFAB_ZONEINFO "/usr/share/zoneinfo"
#endif

int tz_valid(const char *name)
{
	char path[256];
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 64 || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' || *p == '-' ||
		      *p == '+'))
			return 0;
	if (strcmp(name, "UTC") == 0)
		return 1;
	snprintf(path, sizeof path, "%s/%s", CONFAB_ZONEINFO, name);
	/* A zone is a TZif file: not a directory ("Asia"), not "posix". */
	{
		FILE *f = fopen(path, "rb");
		char magic[4];
		int ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
		if (f)
			fclose(f);
		return ok;
	}
}

static void tz_use(const char *tz)
{
	static char current[80];
	/* The zone in use already was checked then: a page formats dozens of
	 * times in one zone, and checking opens its file. */
	if (tz && *current && strcmp(current, tz) == 0)
		return;
	if (!tz_valid(tz))
		tz = "UTC";
	if (strcmp(current, tz) == 0)
		return;
	snprintf(current, sizeof current, "%s", tz);
	setenv("TZ", current, 1);
	tzset();
}

int64_t tz_day_start(const char *tz, int64_t now, int days_back)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	tz_use(tz);
	localtime_r(&t, &tm);
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;  /* let mktime decide across a DST change */
	return (int64_t)mktime(&tm) * 1000;
}

void tz_format(const char *tz, int64_t t_ms, const char *fmt, char *out, size_t n)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	tz_use(tz);
	localtime_r(&t, &tm);
	if (strftime(out, n, fmt, &tm) == 0 && n)
		out[0] = '\0';
}

int64_t tz_month_start(const char *tz, int64_t now, int months_ahead)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	tz_use(tz);
	localtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_mon += months_ahead;  /* mktime carries into the year */
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}
