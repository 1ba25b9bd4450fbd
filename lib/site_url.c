/* site_url.c — see site_url.h. */
#include "site_url.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* 1 if s is all digits (at least one, at most five). */
static int port_valid(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The length of the host part of s ("name", "1.2.3.4" or "[v6]"), 0 when
 * it holds anything else. */
static size_t host_part(const char *s)
{
	size_t n = 0;
	if (s[0] == '[') {
		for (n = 1; s[n] && s[n] != ']'; n++)
			if (!strchr("0123456789abcdefABCDEF:.", s[n]))
				return 0;
		return s[n] == ']' && n > 1 ? n + 1 : 0;
	}
	for (; s[n] && s[n] != ':'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '.'))
			return 0;
	return n;
}

char *site_url(const char *configured, int https, const char *host, const char *server_port)
{
	const char *scheme = https ? "https" : "http", *def = https ? "443" : "80";
	size_t n;
	char *url;

	if (configured) {
		n = strlen(configured);
		while (n > 0 && configured[n - 1] == '/')
			n--;
		if (asprintf(&url, "%.*s", (int)n, configured) < 0)
			die("out of memory");
		return url;
	}
	/* After the host only a port may follow: "[::1]@evil.test" is not one. */
	if (!host || !*host || !(n = host_part(host)) || (host[n] && host[n] != ':'))
		return NULL;
	if (host[n] == ':') {
		/* The port the browser asked for (Apache and lighttpd pass the
		 * Host header as it came, having checked it). */
		if (!port_valid(host + n + 1, strlen(host + n + 1)))
			return NULL;
		if (asprintf(&url, "%s://%s", scheme, host) < 0)
			die("out of memory");
	} else if (server_port && *server_port && strcmp(server_port, def)) {
		if (!port_valid(server_port, strlen(server_port)))
			return NULL;
		if (asprintf(&url, "%s://%s:%s", scheme, host, server_port) < 0)
			die("out of memory");
	} else if (asprintf(&url, "%s://%s", scheme, host) < 0) {
		die("out of memory");
	}
	return url;
}

/* Length of the host name in "host[:port]" or "[v6]:port". */
static size_t hostname_len(const char *s)
{
	const char *end = s[0] == '[' ? strchr(s, ']') : strchr(s, ':');
	if (s[0] == '[')
		return end ? (size_t)(end - s) + 1 : strlen(s);
	return end ? (size_t)(end - s) : strlen(s);
}

int site_origin_ok(const char *o, const char *host)
{
	const char *rest;
	size_t n;
	if (!*o)
		return 1;
	if (strncmp(o, "https://", 8) == 0)
		rest = o + 8;
	else if (strncmp(o, "http://", 7) == 0)
		rest = o + 7;
	else
		return 0;
	n = hostname_len(rest);
	return *host && n == hostname_len(host) && strncasecmp(rest, host, n) == 0;
}
