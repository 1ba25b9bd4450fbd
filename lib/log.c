/* log.c — see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_name = "confab";
static const char *log_reqid;

void log_set_name(const char *name)
{
	log_name = name;
}

void log_set_request(const char *reqid)
{
	log_reqid = reqid;
}

/* One line, one write(2): stderr is unbuffered, and a line written in
 * pieces costs a system call a piece and can interleave with another
 * process's line in the shared log. */
static void log_line(const char *level, const char *fmt, va_list ap)
{
	char when[32], line[1024], *big = NULL, *out = line;
	time_t t = time(NULL);
	struct tm tm;
	va_list again;
	int n, m;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof line, "%s %s[%d] %s%s%s: ", when, log_name, (int)getpid(),
		     level, log_reqid ? " req=" : "", log_reqid ? log_reqid : "");
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_copy(again, ap);
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0) {
		va_end(again);
		return;
	}
	if ((size_t)(n + m) + 1 >= sizeof line && (big = malloc((size_t)(n + m) + 2))) {
		memcpy(big, line, (size_t)n);
		vsnprintf(big + n, (size_t)m + 1, fmt, again);
		out = big;
	} else if ((size_t)(n + m) + 1 >= sizeof line) {
		m = (int)(sizeof line - (size_t)n) - 2; /* no memory: the start */
	}
	va_end(again);
	out[n + m] = '\n';
	fwrite(out, 1, (size_t)(n + m) + 1, stderr);
	free(big);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("warn", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}
