/* billingsim [--port N] [--log FILE] [--stripe-key K] [--polar-token T]
 * (port 0, the default: any free one; prints "listening on 127.0.0.1:PORT").
 *
 * A local stand-in for the Stripe and Polar checkout APIs,
 * for tests (README: Billing; t_billing.sh). It answers as they do:
 *
 *   POST /v1/checkout/sessions   Stripe: form-encoded, Bearer secret key
 *   POST /v1/checkouts/          Polar: JSON, Bearer access token
 *
 * with a checkout object holding its hosted "url", 401 in the provider's
 * error shape for a wrong key, 400/422 for a body missing what the provider
 * requires, 404 for anything else. Every request is appended to the --log
 * file as one JSON line: method, path, headers (lowercased), the raw body
 * and its decoded fields. One request per connection, one at a time:
 * checkouts are created one per click. */
#include "arena.h"
#include "buf.h"
#include "form.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#define MAX_HEAD (64 * 1024)
#define MAX_BODY (1024 * 1024)

static const char *log_path, *stripe_key = "sk_test_confab", *polar_token = "polar_oat_confab";
static unsigned long serial;

struct request {
	char method[16], path[1024];
	json_t *headers;   /* name (lowercase) -> value */
	char *body;
	size_t body_len;
};

static void respond(int fd, int status, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	struct buf b = BUF_INIT;
	buf_printf(&b, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		   "Connection: close\r\n\r\n%s", status,
		   status == 200 ? "OK" : status == 201 ? "Created" : status == 401 ? "Unauthorized" :
		   status == 404 ? "Not Found" : "Bad Request", strlen(s), s);
	for (size_t off = 0; off < b.len;) {
		ssize_t w = write(fd, b.data + off, b.len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(s);
	buf_free(&b);
	json_decref(obj);
}

static json_t *stripe_error(const char *msg)
{
	return json_pack("{s:{s:s, s:s}}", "error", "message", msg, "type", "invalid_request_error");
}

/* Append the request and its decoded fields to the log. */
static void record(const struct request *rq, json_t *fields)
{
	json_t *line = json_pack("{s:s, s:s, s:O, s:s%, s:O}", "method", rq->method, "path", rq->path,
				 "headers", rq->headers, "body", rq->body, rq->body_len,
				 "fields", fields);
	FILE *f;
	char *s;
	if (!line) {   /* a body that is not UTF-8 */
		line = json_pack("{s:s, s:s, s:O, s:s, s:O}", "method", rq->method, "path", rq->path,
				 "headers", rq->headers, "body", "", "fields", fields);
	}
	if (log_path && line && (f = fopen(log_path, "a"))) {
		s = json_dumps(line, JSON_COMPACT);
		fprintf(f, "%s\n", s);
		free(s);
		fclose(f);
	}
	json_decref(line);
}

static int authorized(const struct request *rq, const char *key)
{
	const char *auth = json_string_value(json_object_get(rq->headers, "authorization"));
	return auth && !strncmp(auth, "Bearer ", 7) && !strcmp(auth + 7, key);
}

static void stripe_checkout(int fd, const struct request *rq)
{
	static const char *const need[] = { "mode", "success_url", "line_items[0][quantity]" };
	struct arena a;
	struct kvlist kv = { 0 };
	json_t *fields = json_object(), *md = json_object();
	char id[64], url[128];

	arena_init(&a, 0);
	if (form_parse_urlencoded(&a, rq->body, rq->body_len, 512, &kv) == FORM_OK)
		for (size_t i = 0; i < kv.n; i++)
			json_object_set_new(fields, kv.items[i].key, json_string(kv.items[i].val));
	record(rq, fields);
	if (!authorized(rq, stripe_key)) {
		respond(fd, 401, stripe_error("Invalid API Key provided: sk_***"));
		goto done;
	}
	for (size_t i = 0; i < sizeof need / sizeof *need; i++)
		if (!json_object_get(fields, need[i])) {
			char msg[128];
			snprintf(msg, sizeof msg, "Missing required param: %s", need[i]);
			respond(fd, 400, stripe_error(msg));
			goto done;
		}
	for (size_t i = 0; i < kv.n; i++) {
		const char *k = kv.items[i].key;
		size_t n = strlen(k);
		if (!strncmp(k, "metadata[", 9) && k[n - 1] == ']')
			json_object_set_new(md, arena_strndup(&a, k + 9, n - 10),
					    json_string(kv.items[i].val));
	}
	snprintf(id, sizeof id, "cs_test_sim%04lu", ++serial);
	snprintf(url, sizeof url, "https://checkout.stripe.test/c/pay/%s", id);
	respond(fd, 200, json_pack("{s:s, s:s, s:O, s:s, s:s, s:O, s:O, s:O, s:s}", "id", id,
				   "object", "checkout.session", "mode", json_object_get(fields, "mode"),
				   "status", "open", "payment_status", "unpaid", "client_reference_id",
				   json_object_get(fields, "client_reference_id") ?
				   json_object_get(fields, "client_reference_id") : json_null(),
				   "metadata", md, "success_url", json_object_get(fields, "success_url"),
				   "url", url));
done:
	json_decref(fields);
	json_decref(md);
	arena_free(&a);
}

static void polar_checkout(int fd, const struct request *rq)
{
	json_t *fields = json_loadb(rq->body, rq->body_len, 0, NULL), *products;
	char id[64], url[128];

	if (!json_is_object(fields)) {
		json_decref(fields);
		fields = json_object();
	}
	record(rq, fields);
	products = json_object_get(fields, "products");
	if (!authorized(rq, polar_token)) {
		respond(fd, 401, json_pack("{s:s, s:s}", "error", "Unauthorized", "detail",
					   "Invalid token"));
	} else if (!json_is_array(products) || json_array_size(products) == 0) {
		respond(fd, 422, json_pack("{s:[{s:[s, s], s:s, s:s}]}", "detail", "loc", "body",
					   "products", "msg", "Field required", "type", "missing"));
	} else {
		snprintf(id, sizeof id, "polar_c_sim%04lu", ++serial);
		snprintf(url, sizeof url, "https://buy.polar.test/%s", id);
		respond(fd, 201, json_pack("{s:s, s:s, s:O, s:O, s:s}", "id", id, "status", "open",
					   "products", products, "metadata",
					   json_object_get(fields, "metadata") ?
					   json_object_get(fields, "metadata") : json_object(),
					   "url", url));
	}
	json_decref(fields);
}

/* Read one request: the head, then Content-Length bytes of body. */
static int read_request(int fd, struct request *rq)
{
	struct buf in = BUF_INIT;
	char chunk[8192], *end = NULL, *line, *next;
	size_t head, want = 0;
	ssize_t got;

	while (!(end = in.len ? strstr(in.data, "\r\n\r\n") : NULL)) {
		if (in.len > MAX_HEAD || (got = read(fd, chunk, sizeof chunk)) <= 0)
			goto fail;
		buf_append(&in, chunk, (size_t)got);
	}
	head = (size_t)(end - in.data) + 4;
	*end = '\0';
	if (sscanf(in.data, "%15s %1023s", rq->method, rq->path) != 2)
		goto fail;
	rq->headers = json_object();
	for (line = strstr(in.data, "\r\n"); line; line = next) {
		char *colon, *v;
		line += 2;
		next = strstr(line, "\r\n");
		if (next)
			*next = '\0';
		if (!(colon = strchr(line, ':')))
			continue;
		*colon = '\0';
		for (char *p = line; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (v = colon + 1; *v == ' '; v++)
			;
		json_object_set_new(rq->headers, line, json_string(v));
		if (!strcmp(line, "content-length"))
			want = strtoul(v, NULL, 10);
	}
	if (want > MAX_BODY)
		goto fail;
	while (in.len - head < want) {
		if ((got = read(fd, chunk, sizeof chunk)) <= 0)
			goto fail;
		buf_append(&in, chunk, (size_t)got);
	}
	rq->body = malloc(want + 1);
	memcpy(rq->body, in.data + head, want);
	rq->body[want] = '\0';
	rq->body_len = want;
	buf_free(&in);
	return 0;
fail:
	buf_free(&in);
	return -1;
}

static void serve_one(int fd)
{
	struct request rq;
	memset(&rq, 0, sizeof rq);
	if (read_request(fd, &rq) == 0) {
		if (!strcmp(rq.method, "POST") && !strcmp(rq.path, "/v1/checkout/sessions")) {
			stripe_checkout(fd, &rq);
		} else if (!strcmp(rq.method, "POST") && !strcmp(rq.path, "/v1/checkouts/")) {
			polar_checkout(fd, &rq);
		} else {
			json_t *none = json_object();
			record(&rq, none);
			json_decref(none);
			respond(fd, 404, stripe_error("Unrecognized request URL"));
		}
	}
	json_decref(rq.headers);
	free(rq.body);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int port = 0, lfd, one = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			log_path = argv[++i];
		else if (!strcmp(argv[i], "--stripe-key") && i + 1 < argc)
			stripe_key = argv[++i];
		else if (!strcmp(argv[i], "--polar-token") && i + 1 < argc)
			polar_token = argv[++i];
		else {
			fprintf(stderr, "usage: billingsim [--port N] [--log FILE] [--stripe-key K] "
					"[--polar-token T]\n");
			return strcmp(argv[i], "--help") ? 2 : 0;
		}
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 64) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len)) {
		perror("billingsim");
		return 1;
	}
	printf("billingsim: listening on 127.0.0.1:%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve_one(fd);
		close(fd);
	}
}
