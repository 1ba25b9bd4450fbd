/* fuzz_origin.c — libFuzzer target for the Origin check of a POST
 * (lib/site_url.c site_origin_ok, the half of csrf_ok after the token). The
 * input is the Origin header, a newline, then the Host header.
 *
 * The checks: no Origin passes; an Origin that passes is http:// or
 * https:// followed by the Host's host name (any case, ports aside), read
 * here on its own; the answer does not depend on the scheme, the case, or
 * a port added to either side; and csrf_ok agrees with it when the token
 * is right and refuses when the token is wrong. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "form.h"
#include "http.h"
#include "session.h"
#include "site_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: which one, then abort (the replay names the input). */
#define CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

/* The host name of "host[:port]" or "[v6][:port]": its length. */
static size_t name_len(const char *s)
{
	size_t n = 0;
	if (*s == '[') {
		while (s[n] && s[n] != ']')
			n++;
		return s[n] ? n + 1 : n;
	}
	while (s[n] && s[n] != ':')
		n++;
	return n;
}

static int answer(struct req *r, const char *origin, const char *host)
{
	r->origin = origin;
	r->host = host;
	return site_origin_ok(origin, host);
}

/* s with ":8443" after its host name, when it has one and no port (else
 * a copy of s). */
static char *with_port(const char *s, size_t skip)
{
	size_t n = strlen(s), at = skip + name_len(s + skip);
	char *out;
	if (at == skip || s[at] || (s[skip] == '[' && s[at - 1] != ']'))
		return strdup(s);
	out = malloc(n + 6);
	if (out)
		memcpy(out, s, n), memcpy(out + n, ":8443", 6);
	return out;
}

static void flip_case(char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			*s ^= 0x20;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	struct kv token = { "csrf", "t0ken", 5 };
	char *in = malloc(size + 1), *origin, *host, *nl, *o2 = NULL, *h2 = NULL, *o3 = NULL;
	const char *rest = NULL;
	int ok;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	origin = in;
	nl = strchr(in, '\n');
	host = nl ? (*nl = '\0', nl + 1) : in + strlen(in);
	memset(&r, 0, sizeof r);
	r.method = "POST";
	r.path = "/";

	ok = answer(&r, origin, host);
	CHECK(ok == 0 || ok == 1);
	if (!*origin)
		CHECK(ok);
	if (!strncmp(origin, "https://", 8))
		rest = origin + 8;
	else if (!strncmp(origin, "http://", 7))
		rest = origin + 7;
	if (ok && *origin) {
		CHECK(rest && *host);
		CHECK(name_len(rest) == name_len(host));
		CHECK(strncasecmp(rest, host, name_len(host)) == 0);
	}
	/* The other scheme, the other case, and a port: the same answer. */
	if (rest) {
		size_t skip = (size_t)(rest - origin);
		o2 = malloc(strlen(rest) + 9);
		if (o2) {
			strcpy(o2, skip == 8 ? "http://" : "https://");
			strcat(o2, rest);
			CHECK(answer(&r, o2, host) == ok);
			free(o2);
		}
		o3 = with_port(origin, skip);
		if (o3) {
			CHECK(answer(&r, o3, host) == ok);
			flip_case(o3 + skip);
			CHECK(answer(&r, o3, host) == ok);
		}
	}
	h2 = with_port(host, 0);
	if (h2) {
		CHECK(answer(&r, origin, h2) == ok);
		flip_case(h2);
		CHECK(answer(&r, origin, h2) == ok);
	}

	/* csrf_ok: the token first, then this. */
	r.origin = origin;
	r.host = host;
	r.form.items = &token;
	r.form.n = 1;
	r.csrf = "t0ken";
	CHECK(csrf_ok(&r) == ok);
	r.csrf = "t0keN";
	CHECK(csrf_ok(&r) == 0);

	free(o3);
	free(h2);
	free(in);
	return 0;
}
