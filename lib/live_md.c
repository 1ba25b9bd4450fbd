/* live_md.c — see live_md.h. Only block starts matter here, and only the
 * few that decide where a block may end: code fences (whose blank lines do
 * not end anything), blank lines and ATX headings. Whatever the cut, the
 * whole prefix is rendered again each time, so a list or a table continued
 * past a cut comes out as the finished reply will show it. */
#include "live_md.h"
#include "markdown.h"

#include <string.h>

/* The code fence a line opens or closes: its character and run length, 0
 * when the line is none. Up to three spaces of indent (CommonMark 4.5). */
static size_t fence_run(const char *s, size_t n, char *ch)
{
	size_t i = 0, run = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	*ch = s[i];
	while (i + run < n && s[i + run] == *ch)
		run++;
	if (run < 3)
		return 0;
	/* A backtick fence's info string holds no backtick. */
	if (*ch == '`' && memchr(s + i + run, '`', n - i - run))
		return 0;
	return run;
}

/* Only spaces and tabs after the fence run: the line can close a fence. */
static int only_blank_after(const char *s, size_t n, char ch)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == ch))
		i++;
	for (; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int atx_heading(const char *s, size_t n)
{
	size_t i = 0, h = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	while (i + h < n && s[i + h] == '#')
		h++;
	return h >= 1 && h <= 6 && (i + h == n || s[i + h] == ' ' || s[i + h] == '\t' ||
				    s[i + h] == '\r');
}

size_t live_md_end(const char *text, size_t n)
{
	size_t end = 0, at = 0, open = 0;
	char open_ch = 0;
	while (at < n) {
		const char *nl = memchr(text + at, '\n', n - at);
		if (!nl)
			break;
		size_t len = (size_t)(nl - (text + at)), next = at + len + 1, run;
		char ch;
		if (open) {
			run = fence_run(text + at, len, &ch);
			if (run >= open && ch == open_ch && only_blank_after(text + at, len, ch)) {
				open = 0;
				end = next;
			}
		} else if ((run = fence_run(text + at, len, &ch))) {
			/* A fence may interrupt a paragraph: what came before is whole. */
			open = run;
			open_ch = ch;
			end = at;
		} else if (blank(text + at, len) || atx_heading(text + at, len)) {
			end = next;
		}
		at = next;
	}
	return end;
}

size_t live_md_render(const char *text, size_t n, struct buf *out)
{
	size_t end = live_md_end(text, n);
	if (!end || end > LIVE_MD_MAX)
		return 0;
	return markdown_render(text, end, out) == 0 ? end : 0;
}
