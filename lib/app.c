/* app.c — see app.h. */
#include "app.h"
#include "config_perm.h"
#include "billing_cfg.h"
#include "keybox.h"
#include "log.h"
#include "esc.h"
#include "page.h"
#include "session.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#ifndef CONFAB_CONFIG_FILE
#define CONFAB_CONFIG_FILE "/usr/local/etc/confab/confab.ini"
#endif

struct app g;

static volatile sig_atomic_t stop_requested;

int route_match(const char *pattern, const char *path, struct req *r)
{
	size_t np = 0;
	while (*pattern && *path) {
		if (*pattern == ':') {
			const char *end = strchr(path, '/');
			size_t len = end ? (size_t)(end - path) : strlen(path);
			if (len == 0 || np == HTTP_MAX_PARAMS)
				return 0;
			if (r)
				r->params[np] = arena_strndup(r->a, path, len);
			np++;
			path += len;
			pattern = strchr(pattern, '/');
			if (!pattern)
				pattern = "";
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	if (*pattern || *path)
		return 0;
	if (r)
		r->nparams = np;
	return 1;
}

/* Run the route's validators; the first failure is left in r->invalid. */
static void validate_fields(struct req *r, const struct route *rt)
{
	if (!rt->fields)
		return;
	for (const struct field *f = rt->fields; f->name; f++) {
		const char *v = strcmp(r->method, "POST") == 0 ? http_form(r, f->name)
							       : http_query(r, f->name);
		const char *msg = valid_check(f, v);
		if (msg) {
			r->invalid = arena_strdup(r->a, msg);
			r->invalid_field = f->name;
			return;
		}
	}
}

static void dispatch(struct req *r)
{
	const struct route *match = NULL;
	struct buf allow = BUF_INIT;
	int path_seen = 0;

	for (size_t i = 0; i < g.nroutes; i++) {
		const struct route *rt = &g.routes[i];
		if (!route_match(rt->pattern, r->path, NULL))
			continue;
		path_seen = 1;
		if (allow.len)
			buf_puts(&allow, ", ");
		buf_puts(&allow, strcmp(rt->method, "GET") == 0 ? "GET, HEAD" : rt->method);
		if (strcmp(rt->method, r->method) == 0 && !match)
			match = rt;
	}
	/* A page reads each database in one snapshot: in WAL mode every read
	 * transaction locks and unlocks the -shm file, and a page would
	 * otherwise make one per query (eight on a chat page). A write ends
	 * the snapshot first (db.h), so a GET that writes still may; the poll
	 * checks its session from memory and reads no user.db at all. */
	if (!strcmp(r->method, "GET") && g.user_db && g.data_db) {
		if (!match || !(match->flags & ROUTE_SESSION_RECENT))
			db_read_begin(g.user_db);
		db_read_begin(g.data_db);
	}
	session_identify(r, match ? match->flags : 0);
	/* Models added or switched with `confab model` (the poll needs none). */
	if (match && !(match->flags & ROUTE_SESSION_RECENT)) {
		models_sync(&g.models, g.data_db, now_ms());
		plans_sync(&g.plans, &g.cfg, g.data_db, now_ms());
	}
	if (!match) {
		if (path_seen) {
			http_header(r, "Allow", buf_str(&allow));
			page_error(r, 405, "This address does not accept that kind of request.");
		} else {
			page_error(r, 404, "There is no page at this address.");
		}
		buf_free(&allow);
		return;
	}
	buf_free(&allow);
	route_match(match->pattern, r->path, r);

	if ((match->flags & ROUTE_LOGIN) && !r->user) {
		const char *next = strcmp(r->method, "GET") == 0 ? r->path : "/chats";
		struct buf to = BUF_INIT;
		buf_puts(&to, "/login?next=");
		esc_url(&to, next, strlen(next));
		http_redirect(r, arena_strdup(r->a, buf_str(&to)));
		buf_free(&to);
		return;
	}
	if (strcmp(r->method, "POST") == 0 && !(match->flags & ROUTE_NO_CSRF) && !csrf_ok(r)) {
		page_error(r, 403, "This form has expired or did not come from this site. "
				   "Go back, reload the page and try again.");
		return;
	}
	r->fields = match->fields;
	r->fields_declared = 1;
	validate_fields(r, match);
	if (r->invalid && !(match->flags & ROUTE_FORM_ERRORS)) {
		page_error(r, 400, r->invalid);
		return;
	}
	r->status = match->handler(r);
}

void app_dispatch(struct req *r)
{
	dispatch(r);
	/* The snapshots dispatch began, if any (an end without one is none). */
	if (g.user_db && g.data_db) {
		db_read_end(g.data_db);
		db_read_end(g.user_db);
	}
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int open_databases(char **err)
{
	char path[4096];
	char dir[4096];
	db_set_sizes(DB_RESPONDER_CACHE_KIB, DB_RESPONDER_MMAP_BYTES);
	snprintf(path, sizeof path, "%s/user.db", g.cfg.data_dir);
	if (!(g.user_db = db_open(path, err)))
		return -1;
	snprintf(path, sizeof path, "%s/data.db", g.cfg.data_dir);
	if (!(g.data_db = db_open(path, err)))
		return -1;
	/* Migrations run automatically on first start; each file is applied
	 * once under the write lock, so racing processes are safe. */
	snprintf(dir, sizeof dir, "%s/schema/user", g.cfg.share_dir);
	if (db_migrate(g.user_db, dir, err))
		return -1;
	snprintf(dir, sizeof dir, "%s/schema/data", g.cfg.share_dir);
	return db_migrate(g.data_db, dir, err);
}

/* 1 if a POST to r's path goes to a route that takes files. */
static int upload_route(const struct req *r)
{
	for (size_t i = 0; i < g.nroutes; i++)
		if ((g.routes[i].flags & ROUTE_UPLOAD) && !strcmp(g.routes[i].method, "POST") &&
		    !strcmp(r->method, "POST") && route_match(g.routes[i].pattern, r->path, NULL))
			return 1;
	return 0;
}

/* The limits of a body that carries files: the form's own cap plus each
 * file and its part's headers. */
static void set_uploads(void)
{
	struct http_uploads u;
	u.route = upload_route;
	u.lim.max_fields = 256;
	u.lim.max_field_len = g.cfg.max_body;
	u.lim.max_files = (size_t)g.cfg.max_attachments;
	u.lim.max_file_len = g.cfg.max_attachment_bytes;
	/* Room for one file past the limit too, so sending one too many or
	 * one too large still reaches the page that says so (and keeps the
	 * message); a body beyond even that is refused unread. */
	u.max_body = g.cfg.max_body + ((size_t)g.cfg.max_attachments + 1) *
				      (g.cfg.max_attachment_bytes + 4096);
	http_set_uploads(&u);
}

/* Everything but the databases, which each process opens after fork. */
static int load_static(const char *name, const struct route *routes, size_t nroutes)
{
	struct billing_cfg bc;
	char *err = NULL, path[4096];
	int allow_missing;
	const char *cfgpath = config_file_path(&allow_missing);

	g.name = name;
	g.routes = routes;
	g.nroutes = nroutes;
	log_set_name(name);
	if (sodium_init() < 0) {
		log_error("libsodium failed to start");
		return -1;
	}
	if (config_load(&g.cfg, cfgpath, allow_missing, &err)) {
		log_error("config: %s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	config_warn_perm(cfgpath);
	if (models_load(&g.models, &g.cfg, getenv("CONFAB_DEMO_URL"), &err)) {
		log_error("config: %s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	set_uploads();
	if (plans_load(&g.plans, &g.cfg, &err)) {
		log_error("config: %s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	/* The billing pages read it later; a bad value stops every one now. */
	if (billing_cfg_load(&g.cfg, &bc, &err)) {
		log_error("config: %s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	billing_cfg_free(&bc);
	g.public_url = config_str(&g.cfg, "server", "public_url");
	/* The sign-up page's grant: a value that is not USD granted nothing. */
	if (config_str(&g.cfg, "auth", "signup_credits") &&
	    models_parse_usd(config_str(&g.cfg, "auth", "signup_credits")) < 0) {
		config_fail(&g.cfg, "auth", "signup_credits",
			    "expected US dollars, 0 or more, with at most 6 decimals", &err);
		log_error("config: %s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	snprintf(path, sizeof path, "%s/secret.key", g.cfg.data_dir);
	if (secret_load(path, g.key, 1, &err)) {
		log_error("%s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	snprintf(path, sizeof path, "%s/templates", g.cfg.share_dir);
	if (!(g.tmpl = tmpl_load_dir(path, &err))) {
		log_error("templates: %s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	return 0;
}

int app_init(const char *name, const struct route *routes, size_t nroutes)
{
	char *err = NULL;
	if (load_static(name, routes, nroutes))
		return -1;
	if (open_databases(&err)) {
		log_error("%s", err ? err : "cannot open the databases");
		free(err);
		return -1;
	}
	return 0;
}

void app_fini(void)
{
	db_close(g.user_db);
	db_close(g.data_db);
	tmpl_free(g.tmpl);
	models_free(&g.models);
	plans_free(&g.plans);
	config_free(&g.cfg);
	g.user_db = g.data_db = NULL;
	g.tmpl = NULL;
}

/* Prepare r for a new request using the process-wide buffers. */
static void req_init(struct req *r, struct arena *a, struct buf *hdr, struct buf *body)
{
	memset(r, 0, sizeof *r);
	r->a = a;
	buf_clear(hdr);
	buf_clear(body);
	r->resp_headers = hdr;
	r->resp_body = body;
	r->status = 200;
	r->public_url = g.public_url;
}

/* After a bad request line or body: identify the visitor so the error
 * page can show the layout, then answer status. */
static void answer_unreadable(struct req *r, int status)
{
	session_identify(r, 0);
	page_error(r, status, status != 413 ? "The request could not be read."
			      : r->refused ? r->refused : "What you sent is too large.");
}

static void serve_fastcgi(int sock)
{
	FCGX_Request fr;
	struct arena a;
	struct buf hdr = BUF_INIT, body = BUF_INIT;
	struct req r;
	char *err = NULL;

	if (open_databases(&err)) {
		log_error("%s", err ? err : "cannot open the databases");
		exit(1);
	}
	arena_init(&a, 0);
	FCGX_Init();
	FCGX_InitRequest(&fr, sock, 0);
	while (!stop_requested && FCGX_Accept_r(&fr) >= 0) {
		int rc;
		req_init(&r, &a, &hdr, &body);
		rc = http_read(&r, &fr, g.cfg.max_body);
		log_set_request(r.reqid);
		if (rc)
			answer_unreadable(&r, rc);
		else
			app_dispatch(&r);
		http_send(&r, &fr, NULL);
		FCGX_Finish_r(&fr);
		db_reset_all(g.user_db);
		db_reset_all(g.data_db);
		log_set_request(NULL);
		arena_reset(&a);
	}
	arena_free(&a);
	buf_free(&hdr);
	buf_free(&body);
	app_fini();
}

/* Plain CGI: one request from the environment and stdin to stdout. Lets
 * any page be run by hand or by a test without a web server. */
static int serve_cgi(void)
{
	extern char **environ;
	struct arena a;
	struct buf hdr = BUF_INIT, body = BUF_INIT, out = BUF_INIT, in = BUF_INIT;
	struct req r;
	char *err = NULL, chunk[8192];
	size_t n;
	int rc;

	if (open_databases(&err)) {
		log_error("%s", err ? err : "cannot open the databases");
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && in.len <= http_max_body(g.cfg.max_body))
		buf_append(&in, chunk, n);
	arena_init(&a, 0);
	req_init(&r, &a, &hdr, &body);
	rc = http_read_vars(&r, environ, buf_str(&in), in.len, g.cfg.max_body);
	log_set_request(r.reqid);
	if (rc)
		answer_unreadable(&r, rc);
	else
		app_dispatch(&r);
	http_send(&r, NULL, &out);
	fwrite(out.data, 1, out.len, stdout);
	fflush(stdout);
	arena_free(&a);
	buf_free(&hdr);
	buf_free(&body);
	buf_free(&out);
	buf_free(&in);
	app_fini();
	return 0;
}

/* Start n children serving sock; restart any that dies (no faster than
 * once a second per slot), and stop them all on SIGTERM or SIGINT. */
static int supervise(int sock, int n)
{
	pid_t *kids = xcalloc((size_t)n, sizeof *kids);
	time_t *started = xcalloc((size_t)n, sizeof *started);
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop_requested) {
		for (int i = 0; i < n && !stop_requested; i++) {
			if (kids[i] > 0)
				continue;
			/* Not faster than once a second; then start it (a
			 * slot skipped here would wait for the next death). */
			if (time(NULL) - started[i] < 1)
				sleep(1);
			if (stop_requested)
				break;
			started[i] = time(NULL);
			kids[i] = fork();
			if (kids[i] == 0) {
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_IGN);
				serve_fastcgi(sock);
				_exit(0);
			}
			if (kids[i] < 0) {
				log_error("fork: %s", strerror(errno));
				kids[i] = 0;
			}
		}
		int status;
		pid_t pid = wait(&status);
		if (pid < 0)
			continue;
		for (int i = 0; i < n; i++)
			if (kids[i] == pid) {
				kids[i] = 0;
				if (!stop_requested)
					log_warn("responder %d ended (status %d); starting another",
						 (int)pid, status);
			}
	}
	for (int i = 0; i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	/* Give a request in flight a moment, then insist. */
	for (int tries = 0; tries < 50; tries++) {
		int alive = 0;
		for (int i = 0; i < n; i++) {
			if (kids[i] > 0 && waitpid(kids[i], NULL, WNOHANG) == kids[i])
				kids[i] = 0;
			alive += kids[i] > 0;
		}
		if (!alive)
			break;
		usleep(100 * 1000);
	}
	for (int i = 0; i < n; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
	free(kids);
	free(started);
	return 0;
}

/* --procs auto: one process per core, since a page is CPU work on SQLite
 * and templates, at least 2 (a slow request never holds up the rest) and
 * at most 8 (each process holds its own caches). */
static int procs_auto(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 2 ? 2 : n > 8 ? 8 : (int)n;
}

static void usage(const char *name)
{
	fprintf(stderr,
		"usage: %s [--listen SOCKET] [--procs N|auto] [--check]\n"
		"  A confab FastCGI responder. With --listen it creates the unix socket\n"
		"  SOCKET and serves it with N processes (default auto: one per core,\n"
		"  2 to 8); without it, it serves the FastCGI socket open as fd 0 (with\n"
		"  N processes when --procs is given), or one CGI request.\n"
		"  --check loads configuration and templates, then exits.\n"
		"  Environment: CONFAB_CONFIG, CONFAB_DATA_DIR, CONFAB_SHARE_DIR.\n", name);
}

int app_main(int argc, char **argv, const char *name, const struct route *routes,
	     size_t nroutes)
{
	const char *listen_path = NULL;
	int procs = procs_auto(), procs_given = 0, check = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			listen_path = argv[++i];
		} else if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc) {
			const char *v = argv[++i];
			procs = strcmp(v, "auto") ? atoi(v) : procs_auto();
			procs_given = 1;
			if (procs < 1 || procs > 64) {
				fprintf(stderr, "%s: --procs must be 1 to 64, or auto\n", name);
				return 2;
			}
		} else if (strcmp(argv[i], "--check") == 0) {
			check = 1;
		} else {
			usage(name);
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (load_static(name, routes, nroutes))
		return 1;
	if (check) {
		char *err = NULL;
		int rc = open_databases(&err);
		if (rc)
			log_error("%s", err ? err : "cannot open the databases");
		free(err);
		app_fini();
		return rc ? 1 : 0;
	}
	if (listen_path) {
		int sock;
		mode_t old = umask(0);
		unlink(listen_path);
		sock = FCGX_OpenSocket(listen_path, 256);
		umask(old);
		if (sock < 0) {
			log_error("cannot listen on %s", listen_path);
			return 1;
		}
		chmod(listen_path, 0660);
		log_info("listening on %s with %d processes", listen_path, procs);
		return supervise(sock, procs);
	}
	if (FCGX_IsCGI())
		return serve_cgi();
	/* A socket on fd 0 (systemd socket activation, spawn-fcgi): --procs
	 * serves it with that many processes, as --listen does. */
	if (procs_given)
		return supervise(0, procs);
	serve_fastcgi(0);
	return 0;
}
