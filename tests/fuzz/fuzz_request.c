/* fuzz_request.c — libFuzzer target for what the server hands a request:
 * http_read_vars (read_params and the body's parsers), then the checks
 * made on its parts: http_local_path (where a redirect may go),
 * site_origin_ok (the Origin check of every POST) and site_url (the
 * address put into Location). The input is NUL-separated: CGI variables
 * ("NAME=VALUE") up to an empty one, then the body. The checks are their
 * promises: a local path starts with one '/' and holds no tab or line
 * break; an Origin passes only when it is http(s):// and its host is the
 * request's; a site URL is http(s):// with only host and port characters.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ilib tests/fuzz/fuzz_request.c \
 *   lib/http.c lib/site_url.c lib/form.c lib/multipart.c lib/valid.c lib/log.c lib/esc.c \
 *   lib/buf.c lib/arena.c lib/util.c -lfcgi -lsodium -o fuzz_request */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "http.h"
#include "site_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define MAX_VARS 32

static void check_local_path(const char *p)
{
	if (!http_local_path(p))
		return;
	CHECK(p[0] == '/' && p[1] != '/' && p[1] != '\\');
	CHECK(!strpbrk(p, "\t\r\n"));
}

static void check_origin(const char *o, const char *host)
{
	const char *rest;
	size_t n;
	if (!site_origin_ok(o, host) || !*o)
		return;
	rest = !strncmp(o, "https://", 8) ? o + 8 : !strncmp(o, "http://", 7) ? o + 7 : NULL;
	CHECK(rest && *host);
	/* The host part up to a port (or the end) is the request's. */
	n = strcspn(host, rest[0] == '[' ? "]" : ":");
	CHECK(strncasecmp(rest, host, n) == 0);
}

static void check_site(const char *url)
{
	const char *p;
	if (!url)
		return;
	CHECK(!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8));
	p = strstr(url, "://") + 3;
	CHECK(*p);
	for (; *p; p++)
		CHECK((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr(".-:[]", *p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static struct buf hdr = BUF_INIT, body = BUF_INIT;
	static int ready;
	char *in = malloc(size + 1), *vars[MAX_VARS + 1], *p, *end;
	size_t n = 0;
	struct req r;
	char *site;

	if (!in)
		return 0;
	if (!ready) {
		arena_init(&a, 4096);
		ready = 1;
	}
	memcpy(in, data, size);
	in[size] = 0;
	p = in;
	end = in + size;
	while (p < end && *p && n < MAX_VARS) {
		vars[n++] = p;
		p += strlen(p) + 1;
	}
	vars[n] = NULL;
	if (p < end && !*p)
		p++;
	if (p > end)
		p = end;
	memset(&r, 0, sizeof r);
	buf_clear(&hdr);
	buf_clear(&body);
	r.a = &a;
	r.resp_headers = &hdr;
	r.resp_body = &body;
	r.status = 200;
	if (http_read_vars(&r, vars, p, (size_t)(end - p), 65536) == 0) {
		CHECK(r.path && r.query && r.origin && r.host && r.method);
		check_local_path(r.path);
		check_local_path(r.query);
		check_origin(r.origin, r.host);
		check_origin(r.query, r.host);
		site = site_url(NULL, r.https, r.host, http_env(&r, "SERVER_PORT"));
		check_site(site);
		free(site);
		http_redirect(&r, r.query);
	}
	arena_reset(&a);
	free(in);
	return 0;
}
