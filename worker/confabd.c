/* confabd — the only process that talks to providers. It claims queued
 * replies, streams many at once in one libcurl multi loop, and writes what
 * arrives to data.db once per tick in one transaction for all streams.
 *
 *   confabd [--idle-exit SECONDS] [--wait]
 *
 * One worker per data directory holds the lease (lease.h); a second one
 * exits at once (or, with --wait, waits for the lease). With --idle-exit it
 * exits after that many seconds with nothing to do: that is how the page
 * executables run it on demand where no service may be left running.
 *
 * A reply left `running` by a worker that died is, on the next start,
 * ended `failed` with its partial text kept and a message saying so. It is
 * not resumed: a provider stream cannot be picked up where it broke, and
 * asking again would charge the user twice. */
#include "confabd.h"
#include "config_perm.h"
#include "keybox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

struct worker w;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	(void)sig;
	stop_signal = 1;
}

/* A start-up error: a [worker] or [cache] value that does not read. */
static void bad_config(char *err)
{
	die("config: %s", err ? err : "out of memory");
}

static int64_t setting(const char *key, int64_t def, int64_t min, int64_t max)
{
	char *err = NULL;
	int64_t n;
	if (config_int(&w.cfg, "worker", key, def, min, max, &n, &err))
		bad_config(err);
	return n;
}

/* [cache] enabled (false), ttl_minutes (1440), shared (false). */
static void load_cache_settings(void)
{
	char *err = NULL;
	int64_t minutes;
	if (config_bool(&w.cfg, "cache", "enabled", 0, &w.cache_on, &err) ||
	    config_int(&w.cfg, "cache", "ttl_minutes", 1440, 1, 525600, &minutes, &err) ||
	    config_bool(&w.cfg, "cache", "shared", 0, &w.cache_shared, &err))
		bad_config(err);
	w.cache_ttl_ms = minutes * 60000;
}

static void load(void)
{
	char *err = NULL, path[4096];
	int allow_missing;
	const char *cfgpath = config_file_path(&allow_missing);

	if (config_load(&w.cfg, cfgpath, allow_missing, &err))
		die("config: %s", err ? err : "out of memory");
	config_warn_perm(cfgpath);
	if (models_load(&w.models, &w.cfg, getenv("CONFAB_DEMO_URL"), &err))
		die("config: %s", err ? err : "out of memory");
	w.connect_timeout_ms = setting("connect_timeout", 10, 1, 600) * 1000;
	w.first_token_timeout_ms = setting("first_token_timeout", 60, 1, 3600) * 1000;
	w.silence_timeout_ms = setting("silence_timeout", 30, 1, 3600) * 1000;
	w.max_retries = (int)setting("retries", 3, 0, 10);
	w.max_streams = (size_t)setting("max_streams", 2000, 1, 100000);
	w.tick_ms = setting("tick_ms", 50, 5, 1000);
	w.reclaim_ms = setting("reclaim_interval", 10, 0, 86400) * 1000;
	w.max_reply_bytes = (size_t)setting("max_reply_kib", 1024, 16, 64 * 1024) * 1024;
	/* Bounds on what one provider response may cost (stream.c). */
	w.max_event_bytes = (size_t)setting("max_event_kib", 1024, 4, 64 * 1024) * 1024;
	w.max_response_bytes = (size_t)setting("max_response_mib", 64, 1, 4096) << 20;
	w.reply_timeout_ms = setting("reply_timeout", 600, 1, 86400) * 1000;
	load_cache_settings();
	snprintf(path, sizeof path, "%s/data.db", w.cfg.data_dir);
	if (!(w.db = db_open(path, &err)))
		die("%s", err ? err : "cannot open data.db");
	snprintf(path, sizeof path, "%s/schema/data", w.cfg.share_dir);
	if (db_migrate(w.db, path, &err))
		die("%s", err ? err : "migration failed");
	/* Users' own provider keys: user.db, opened with the key file. The
	 * pages create both; until then no user has a key. */
	snprintf(path, sizeof path, "%s/user.db", w.cfg.data_dir);
	if (access(path, F_OK) == 0 && !(w.user_db = db_open(path, &err)))
		die("%s", err ? err : "cannot open user.db");
	snprintf(path, sizeof path, "%s/secret.key", w.cfg.data_dir);
	w.have_key = secret_load(path, w.key, 0, &err) == 0;
	free(err);
}

static void usage(void)
{
	fputs("usage: confabd [--idle-exit SECONDS] [--wait]\n"
	      "  Streams replies from providers for the data directory of CONFAB_CONFIG /\n"
	      "  CONFAB_DATA_DIR. --idle-exit: exit after SECONDS with nothing to do.\n"
	      "  --wait: wait for the lease instead of exiting when another worker holds it.\n",
	      stderr);
}

int main(int argc, char **argv)
{
	int wait_lease = 0, lease;
	struct sigaction sa;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--idle-exit") && i + 1 < argc) {
			if (parse_int64(argv[++i], &w.idle_exit_ms) || w.idle_exit_ms < 1)
				die("--idle-exit needs a number of seconds");
			w.idle_exit_ms *= 1000;
		} else if (!strcmp(argv[i], "--wait")) {
			wait_lease = 1;
		} else {
			usage();
			return !strcmp(argv[i], "--help") ? 0 : 2;
		}
	}
	log_set_name("confabd");
	if (sodium_init() < 0)
		die("libsodium failed to start");
	load();
	lease = lease_acquire(w.cfg.data_dir, wait_lease);
	if (lease < 0) {
		log_info("another confabd holds the lease on %s; exiting", w.cfg.data_dir);
		return 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (render_start() != 0)
		log_warn("no render thread: large replies are rendered in the loop");
	{
		char path[4096];
		snprintf(path, sizeof path, "%s/data.db", w.cfg.data_dir);
		checkpoint_start(path);
	}

	if (db_begin(w.db) == SQLITE_OK) {
		const char *why;
		int n = reply_recover(w.db, &w.models, "This reply was interrupted: confab's worker "
				      "stopped while writing it. The text so far is kept.", now_ms());
		if (n < 0 || db_commit(w.db) != SQLITE_OK) {
			db_tx_error(w.db, &why);
			db_rollback(w.db);
			log_error("data.db: could not end the replies a previous worker left "
				  "running (%s); they are tried again at the next start", why);
		} else if (n) {
			log_warn("ended %d replies left running by a previous worker", n);
		}
	}
	log_info("serving %s with %zu models%s", w.cfg.data_dir, w.models.nmodels,
		 w.idle_exit_ms ? " (exits when idle)" : "");
	for (;;) {
		worker_run(&stop_signal);
		if (stop_signal)
			break;
		/* Idle: give the lease back first, then look once more. A page
		 * that queued a job meanwhile either saw the lease held (and left
		 * the job to us: we see it now) or saw it free and started a
		 * new worker (which then holds the lease). */
		close(lease);
		if (!reply_queued(w.db) || (lease = lease_acquire(w.cfg.data_dir, 0)) < 0) {
			lease = -1;
			break;
		}
	}
	log_info("stopped");
	render_stop();
	checkpoint_stop();
	curl_global_cleanup();
	models_free(&w.models);
	db_close(w.db);
	if (w.user_db)
		db_close(w.user_db);
	sodium_memzero(w.key, sizeof w.key);
	config_free(&w.cfg);
	if (lease >= 0)
		close(lease);
	return 0;
}
