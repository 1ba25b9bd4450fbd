/* test_config.c — config_load on temporary INI files: defaults, parsed
 * values, range and syntax errors naming the file and line, the
 * environment overrides, config_get, and the one boolean and number parser
 * (config_bool, config_int) every other reader of the config uses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

struct fixture {
	char dir[64];
	char path[128];
	char *saved_data_dir, *saved_share_dir;
	struct config cfg;
	char *err;
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);
	return v ? strdup(v) : NULL;
}

static void restore_env(const char *name, char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	else
		unsetenv(name);
	free(saved);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-config-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/confab.ini", f->dir);
	/* Tests start with no overrides; the caller's are put back after. */
	f->saved_data_dir = dup_env("CONFAB_DATA_DIR");
	f->saved_share_dir = dup_env("CONFAB_SHARE_DIR");
	unsetenv("CONFAB_DATA_DIR");
	unsetenv("CONFAB_SHARE_DIR");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	config_free(&f->cfg);
	free(f->err);
	unlink(f->path);
	rmdir(f->dir);
	restore_env("CONFAB_DATA_DIR", f->saved_data_dir);
	restore_env("CONFAB_SHARE_DIR", f->saved_share_dir);
	free(f);
	return 0;
}

static void write_ini(struct fixture *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Load text as the configuration file; a previous load is freed first. */
static int load(struct fixture *f, const char *text)
{
	config_free(&f->cfg);
	free(f->err);
	f->err = NULL;
	write_ini(f, text);
	return config_load(&f->cfg, f->path, 0, &f->err);
}

/* Load text expecting an error, and check the message is exactly want. */
static void load_fails(struct fixture *f, const char *text, const char *want)
{
	assert_int_equal(load(f, text), -1);
	assert_non_null(f->err);
	assert_string_equal(f->err, want);
}

/* The same, the message being "PATH:LINE: want". */
static void load_fails_at(struct fixture *f, const char *text, int line, const char *want)
{
	char full[512];
	snprintf(full, sizeof full, "%s:%d: %s", f->path, line, want);
	load_fails(f, text, full);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void assert_defaults(const struct config *c)
{
	assert_int_equal(c->max_body, 65536);
	assert_int_equal(c->page_size, 50);
	assert_int_equal(c->trash_days, 30);
	assert_int_equal(c->allow_signup, 1);
	assert_int_equal(c->session_idle_ms, INT64_C(7) * 24 * 3600 * 1000);  /* 604800000 */
	assert_int_equal(c->session_max_ms, INT64_C(30) * 24 * 3600 * 1000);  /* 2592000000 */
	assert_int_equal(c->login_max_failures, 5);
	assert_int_equal(c->login_max_failures_ip, 20);
	assert_int_equal(c->login_window_ms, 15 * 60 * 1000);
	assert_int_equal(c->password_memlimit, 19 * 1024 * 1024);
	assert_int_equal(c->password_opslimit, 2);
	assert_string_equal(c->default_timezone, "UTC");
	/* The built-in directories depend on configure's prefix. */
	assert_non_null(c->data_dir);
	assert_non_null(c->share_dir);
	assert_true(c->data_dir[0] == '/' && ends_with(c->data_dir, "/lib/confab"));
	assert_true(c->share_dir[0] == '/' && ends_with(c->share_dir, "/share/confab"));
}

/* ---- missing files ---- */

static void missing_file_allowed(void **state)
{
	struct fixture *f = *state;
	char stale, *err = &stale;  /* must be cleared */
	assert_int_equal(config_load(&f->cfg, f->path, 1, &err), 0);
	assert_null(err);
	assert_int_equal(f->cfg.n, 0);
	assert_null(config_get(&f->cfg, "server", "max_body"));
	assert_defaults(&f->cfg);
}

static void null_path_defaults(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(config_load(&f->cfg, NULL, 0, &f->err), 0);
	assert_null(f->err);
	assert_defaults(&f->cfg);
}

static void empty_file_defaults(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, ""), 0);
	assert_null(f->err);
	assert_int_equal(f->cfg.n, 0);
	assert_defaults(&f->cfg);
}

static void missing_file_refused(void **state)
{
	struct fixture *f = *state;
	char want[256];
	snprintf(want, sizeof want, "%s: No such file or directory", f->path);
	assert_int_equal(config_load(&f->cfg, f->path, 0, &f->err), -1);
	assert_non_null(f->err);
	assert_string_equal(f->err, want);
}

static void unreadable_is_error_even_if_missing_allowed(void **state)
{
	struct fixture *f = *state;
	char path[192], want[256];
	/* A missing directory on the way is ENOENT too; a file used as a
	 * directory is ENOTDIR, which allow_missing must not excuse. */
	write_ini(f, "");
	snprintf(path, sizeof path, "%s/sub.ini", f->path);
	snprintf(want, sizeof want, "%s: Not a directory", path);
	assert_int_equal(config_load(&f->cfg, path, 1, &f->err), -1);
	assert_non_null(f->err);
	assert_string_equal(f->err, want);
}

/* ---- values ---- */

static void values_parsed(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f,
		"; a comment\n"
		"# another\n"
		"[server]\n"
		"max_body = 2048\n"
		"page_size=10\n"
		"data_dir = /srv/confab\n"
		"share_dir = /opt/confab\n"
		"\n"
		"[auth]\n"
		"allow_signup = false\n"
		"session_idle_hours = 2\n"
		"session_max_days = 3\n"
		"login_max_failures = 7\n"
		"login_max_failures_per_address = 99\n"
		"login_window_minutes = 1\n"
		"password_memory_kib = 8\n"
		"password_passes = 1\n"
		"default_timezone = Europe/Paris\n"
		"[model.fast]\n"
		"provider = openai\n"
		"note = words with  spaces   \n"), 0);
	assert_null(f->err);
	assert_int_equal(f->cfg.max_body, 2048);
	assert_int_equal(f->cfg.page_size, 10);
	assert_string_equal(f->cfg.data_dir, "/srv/confab");
	assert_string_equal(f->cfg.share_dir, "/opt/confab");
	assert_int_equal(f->cfg.allow_signup, 0);
	assert_int_equal(f->cfg.session_idle_ms, 2 * 3600 * 1000);            /* 7200000 */
	assert_int_equal(f->cfg.session_max_ms, INT64_C(3) * 24 * 3600 * 1000); /* 259200000 */
	assert_int_equal(f->cfg.login_max_failures, 7);
	assert_int_equal(f->cfg.login_max_failures_ip, 99);
	assert_int_equal(f->cfg.login_window_ms, 60000);
	assert_int_equal(f->cfg.password_memlimit, 8 * 1024);
	assert_int_equal(f->cfg.password_opslimit, 1);
	assert_string_equal(f->cfg.default_timezone, "Europe/Paris");
	/* Every entry is kept, trimmed, for the features that read their own. */
	assert_int_equal(f->cfg.n, 15);
	assert_string_equal(config_get(&f->cfg, "model.fast", "provider"), "openai");
	assert_string_equal(config_get(&f->cfg, "model.fast", "note"), "words with  spaces");
	assert_string_equal(config_get(&f->cfg, "server", "page_size"), "10");
	assert_null(config_get(&f->cfg, "server", "provider"));
	assert_null(config_get(&f->cfg, "nosuch", "max_body"));
	/* The getter for text settings reads the same entries. */
	assert_string_equal(config_str(&f->cfg, "model.fast", "note"), "words with  spaces");
	assert_null(config_str(&f->cfg, "server", "provider"));
}

static void largest_values(void **state)
{
	struct fixture *f = *state;
	/* The top of each range, so the ms conversions cannot overflow. */
	assert_int_equal(load(f,
		"[server]\nmax_body = 67108864\npage_size = 500\n"
		"[auth]\nsession_idle_hours = 8760\nsession_max_days = 3650\n"
		"login_window_minutes = 1440\npassword_memory_kib = 4194304\n"
		"password_passes = 10\n"), 0);
	assert_int_equal(f->cfg.max_body, 64 << 20);
	assert_int_equal(f->cfg.page_size, 500);
	assert_int_equal(f->cfg.session_idle_ms, INT64_C(8760) * 3600 * 1000);   /* 31536000000 */
	assert_int_equal(f->cfg.session_max_ms, INT64_C(3650) * 86400 * 1000);   /* 315360000000 */
	assert_int_equal(f->cfg.login_window_ms, 1440 * 60 * 1000);
	assert_int_equal(f->cfg.password_memlimit, (size_t)4194304 * 1024);
	assert_int_equal(f->cfg.password_opslimit, 10);
	assert_int_equal(load(f, "[chat]\ntrash_days = 3650\n"), 0);
	assert_int_equal(f->cfg.trash_days, 3650);
	assert_int_equal(load(f, "[chat]\ntrash_days = 1\n"), 0);
	assert_int_equal(f->cfg.trash_days, 1);
	/* And the bottom. */
	assert_int_equal(load(f, "[server]\nmax_body = 1024\npage_size = 5\n"), 0);
	assert_int_equal(f->cfg.max_body, 1024);
	assert_int_equal(f->cfg.page_size, 5);
}

static void booleans(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *v;
		int want;
	} cases[] = {
		{ "false", 0 }, { "true", 1 }, { "yes", 1 }, { "0", 0 }, { "1", 1 },
		{ "no", 0 }, { "on", 1 }, { "off", 0 }, { "TRUE", 1 }, { "No", 0 },
		{ "False", 0 }, { "YES", 1 }, { "On", 1 }, { "OFF", 0 }, { "nO", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[64];
		snprintf(text, sizeof text, "[auth]\nallow_signup = %s\n", cases[i].v);
		assert_int_equal(load(f, text), 0);
		assert_int_equal(f->cfg.allow_signup, cases[i].want);
	}
	load_fails_at(f, "[auth]\nallow_signup = maybe\n", 2,
		      "[auth] allow_signup = maybe: expected true or false");
	load_fails_at(f, "[auth]\nallow_signup = 2\n", 2,
		      "[auth] allow_signup = 2: expected true or false");
	load_fails_at(f, "[auth]\nallow_signup =\n", 2,
		      "[auth] allow_signup = : expected true or false");
	load_fails_at(f, "[auth]\nallow_signup = y\n", 2,
		      "[auth] allow_signup = y: expected true or false");
	load_fails_at(f, "[auth]\nallow_signup = true!\n", 2,
		      "[auth] allow_signup = true!: expected true or false");
	load_fails_at(f, "[auth]\nallow_signup = enabled\n", 2,
		      "[auth] allow_signup = enabled: expected true or false");
	load_fails_at(f, "[auth]\nallow_signup = 01\n", 2,
		      "[auth] allow_signup = 01: expected true or false");
}

static void out_of_range(void **state)
{
	struct fixture *f = *state;
	load_fails_at(f, "[server]\nmax_body = 1023\n", 2,
		      "[server] max_body = 1023: expected a whole number from 1024 to 67108864");
	load_fails_at(f, "[server]\nmax_body = 67108865\n", 2,
		      "[server] max_body = 67108865: expected a whole number from 1024 to 67108864");
	load_fails_at(f, "[server]\npage_size = 4\n", 2,
		      "[server] page_size = 4: expected a whole number from 5 to 500");
	load_fails_at(f, "[server]\npage_size = 501\n", 2,
		      "[server] page_size = 501: expected a whole number from 5 to 500");
	load_fails_at(f, "[chat]\ntrash_days = 0\n", 2,
		      "[chat] trash_days = 0: expected a whole number from 1 to 3650");
	load_fails_at(f, "[chat]\ntrash_days = 3651\n", 2,
		      "[chat] trash_days = 3651: expected a whole number from 1 to 3650");
	load_fails_at(f, "[auth]\nsession_idle_hours = 0\n", 2,
		      "[auth] session_idle_hours = 0: expected a whole number from 1 to 8760");
	load_fails_at(f, "[auth]\nsession_max_days = -3\n", 2,
		      "[auth] session_max_days = -3: expected a whole number from 1 to 3650");
	load_fails_at(f, "[auth]\npassword_passes = 11\n", 2,
		      "[auth] password_passes = 11: expected a whole number from 1 to 10");
	load_fails_at(f, "[worker]\nidle_exit = 0\n", 2,
		      "[worker] idle_exit = 0: expected a whole number from 1 to 86400");
}

static void not_numbers(void **state)
{
	struct fixture *f = *state;
	load_fails_at(f, "[server]\nmax_body = lots\n", 2,
		      "[server] max_body = lots: expected a whole number from 1024 to 67108864");
	load_fails_at(f, "[server]\nmax_body = 64k\n", 2,
		      "[server] max_body = 64k: expected a whole number from 1024 to 67108864");
	load_fails_at(f, "[server]\npage_size = 1.5e1\n", 2,
		      "[server] page_size = 1.5e1: expected a whole number from 5 to 500");
	load_fails_at(f, "[server]\npage_size =\n", 2,
		      "[server] page_size = : expected a whole number from 5 to 500");
	load_fails_at(f, "[server]\npage_size = 12abc\n", 2,
		      "[server] page_size = 12abc: expected a whole number from 5 to 500");
	/* Only digits and a minus sign: no plus, no inner space, no hex. */
	load_fails_at(f, "[server]\npage_size = +12\n", 2,
		      "[server] page_size = +12: expected a whole number from 5 to 500");
	load_fails_at(f, "[server]\npage_size = 1 2\n", 2,
		      "[server] page_size = 1 2: expected a whole number from 5 to 500");
	load_fails_at(f, "[server]\npage_size = 0x10\n", 2,
		      "[server] page_size = 0x10: expected a whole number from 5 to 500");
	load_fails_at(f, "[server]\npage_size = -\n", 2,
		      "[server] page_size = -: expected a whole number from 5 to 500");
	load_fails_at(f, "[auth]\nlogin_window_minutes = 99999999999999999999999\n", 2,
		      "[auth] login_window_minutes = 99999999999999999999999: "
		      "expected a whole number from 1 to 1440");
	/* A setting in another section is not that setting. */
	assert_int_equal(load(f, "[auth]\nmax_body = lots\n"), 0);
	assert_int_equal(f->cfg.max_body, 65536);
}

/* The line named is the file's own, past comments, blank lines and other
 * sections, and the last of a key set twice (the one that counts). */
static void errors_name_the_line(void **state)
{
	struct fixture *f = *state;
	load_fails_at(f,
		"; confab\n"
		"\n"
		"[server]\n"
		"# a comment\n"
		"page_size = 10\n"
		"\n"
		"[auth]\n"
		"allow_signup = true\n"
		"allow_signup = sometimes\n"
		"[chat]\n"
		"max_attachments = 2\n", 9,
		"[auth] allow_signup = sometimes: expected true or false");
	/* libinih hands an indented line on as the same key again: that line
	 * is the one named. */
	load_fails_at(f, "[server]\npage_size = 10\n  2O\n", 3,
		      "[server] page_size = 2O: expected a whole number from 5 to 500");
}

/* [worker] on_demand and idle_exit: read once here, for the pages. */
static void worker_settings(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, ""), 0);
	assert_int_equal(f->cfg.worker_on_demand, 1);
	assert_int_equal(f->cfg.worker_idle_exit, 60);
	assert_int_equal(load(f, "[worker]\non_demand = no\nidle_exit = 5\n"), 0);
	assert_int_equal(f->cfg.worker_on_demand, 0);
	assert_int_equal(f->cfg.worker_idle_exit, 5);
	load_fails_at(f, "[worker]\n\non_demand = nope\n", 3,
		      "[worker] on_demand = nope: expected true or false");
}

/* config_bool and config_int on keys config_load does not read. */
static void parsers_for_other_readers(void **state)
{
	struct fixture *f = *state;
	char *err = NULL, want[256];
	int b = 7;
	int64_t n = 7;
	assert_int_equal(load(f, "[model.x]\nimages = Yes\ncontext = 128000\n"
				 "pdfs = 0\nmax_output = -5\ncache = perhaps\n"), 0);
	assert_int_equal(config_bool(&f->cfg, "model.x", "images", 0, &b, &err), 0);
	assert_int_equal(b, 1);
	assert_int_equal(config_bool(&f->cfg, "model.x", "pdfs", 1, &b, &err), 0);
	assert_int_equal(b, 0);
	/* Absent: the default, whatever it is. */
	assert_int_equal(config_bool(&f->cfg, "model.x", "reasoning", -1, &b, &err), 0);
	assert_int_equal(b, -1);
	assert_int_equal(config_int(&f->cfg, "model.x", "context", 1, 1, 1000000, &n, &err), 0);
	assert_int_equal(n, 128000);
	assert_int_equal(config_int(&f->cfg, "model.y", "context", 8192, 1, 10, &n, &err), 0);
	assert_int_equal(n, 8192);
	assert_null(err);

	assert_int_equal(config_bool(&f->cfg, "model.x", "cache", 0, &b, &err), -1);
	snprintf(want, sizeof want, "%s:6: [model.x] cache = perhaps: expected true or false",
		 f->path);
	assert_string_equal(err, want);
	free(err);
	err = NULL;
	assert_int_equal(config_int(&f->cfg, "model.x", "max_output", 1, 1, 99, &n, &err), -1);
	snprintf(want, sizeof want, "%s:5: [model.x] max_output = -5: expected a whole "
		 "number from 1 to 99", f->path);
	assert_string_equal(err, want);
	free(err);
	err = NULL;
	assert_int_equal(config_int(&f->cfg, "model.x", "max_output", 1, -9, 99, &n, &err), 0);
	assert_int_equal(n, -5);

	/* A pushed entry has no line: its origin is named instead. */
	config_push(&f->cfg, "confab plan set", "plan.free", "charge_credits", "maybe");
	assert_int_equal(config_bool(&f->cfg, "plan.free", "charge_credits", 0, &b, &err), -1);
	assert_string_equal(err, "confab plan set: [plan.free] charge_credits = maybe: "
				 "expected true or false");
	free(err);
	err = NULL;
	config_push(&f->cfg, "confab plan set", "model.x", "images", "off");
	assert_int_equal(config_bool(&f->cfg, "model.x", "images", 1, &b, &err), 0);
	assert_int_equal(b, 0);
	config_truncate(&f->cfg, 5);
	assert_int_equal(config_bool(&f->cfg, "model.x", "images", 0, &b, &err), 0);
	assert_int_equal(b, 1);
}

static void malformed_lines(void **state)
{
	struct fixture *f = *state;
	char want[256];
	snprintf(want, sizeof want, "%s:3: not a valid INI line", f->path);
	load_fails(f, "[server]\nmax_body = 2048\nthis line has no equals sign\npage_size = 9\n",
		   want);
	snprintf(want, sizeof want, "%s:1: not a valid INI line", f->path);
	load_fails(f, "[server\nmax_body = 2048\n", want);
	/* The first bad line is the one named. */
	snprintf(want, sizeof want, "%s:2: not a valid INI line", f->path);
	load_fails(f, "[a]\nbad one\nk = v\nbad two\n", want);
}

/* ---- environment and lookups ---- */

static void env_overrides_dirs(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "[server]\ndata_dir = /from/file\nshare_dir = /share/file\n";

	setenv("CONFAB_DATA_DIR", "/from/env", 1);
	setenv("CONFAB_SHARE_DIR", "/share/env", 1);
	assert_int_equal(load(f, text), 0);
	assert_string_equal(f->cfg.data_dir, "/from/env");
	assert_string_equal(f->cfg.share_dir, "/share/env");
	/* config_get still tells what the file says. */
	assert_string_equal(config_get(&f->cfg, "server", "data_dir"), "/from/file");

	/* An empty variable counts as unset. */
	setenv("CONFAB_DATA_DIR", "", 1);
	unsetenv("CONFAB_SHARE_DIR");
	assert_int_equal(load(f, text), 0);
	assert_string_equal(f->cfg.data_dir, "/from/file");
	assert_string_equal(f->cfg.share_dir, "/share/file");

	/* With no file setting the variable still wins over the default. */
	setenv("CONFAB_DATA_DIR", "/only/env", 1);
	assert_int_equal(load(f, "[server]\n"), 0);
	assert_string_equal(f->cfg.data_dir, "/only/env");
	assert_true(ends_with(f->cfg.share_dir, "/share/confab"));
}

static void get_last_occurrence(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f,
		"[a]\nk = 1\nk = 2\n"
		"[b]\nk = 3\n"
		"[a]\nk = 4\nother = x\n"
		"[server]\nmax_body = 2048\nmax_body = 4096\n"), 0);
	assert_int_equal(f->cfg.n, 7);
	assert_string_equal(config_get(&f->cfg, "a", "k"), "4");
	assert_string_equal(config_get(&f->cfg, "b", "k"), "3");
	assert_string_equal(config_get(&f->cfg, "a", "other"), "x");
	assert_null(config_get(&f->cfg, "A", "k"));
	assert_null(config_get(&f->cfg, "a", "K"));
	assert_null(config_get(&f->cfg, "c", "k"));
	/* The parsed field follows the last occurrence too. */
	assert_int_equal(f->cfg.max_body, 4096);
	/* Entries keep file order. */
	assert_string_equal(f->cfg.entries[0].value, "1");
	assert_string_equal(f->cfg.entries[6].value, "4096");
}

static void free_clears(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, "[a]\nk = v\n[server]\ndata_dir = /x\n"), 0);
	config_free(&f->cfg);
	assert_int_equal(f->cfg.n, 0);
	assert_int_equal(f->cfg.cap, 0);
	assert_null(f->cfg.entries);
	assert_null(f->cfg.data_dir);
	assert_null(f->cfg.share_dir);
	assert_null(f->cfg.default_timezone);
	assert_null(config_get(&f->cfg, "a", "k"));
	/* Freeing twice is harmless (the teardown frees again). */
	config_free(&f->cfg);
}

static void free_after_error(void **state)
{
	struct fixture *f = *state;
	/* A failed load may hold entries and directories: config_free
	 * releases them (LeakSanitizer checks this in the sanitizer run). */
	load_fails_at(f, "[a]\nk = v\n[server]\npage_size = 1\n", 4,
		      "[server] page_size = 1: expected a whole number from 5 to 500");
	assert_int_equal(f->cfg.n, 2);
	config_free(&f->cfg);
	assert_int_equal(f->cfg.n, 0);
	assert_null(f->cfg.entries);
}

static void many_entries(void **state)
{
	struct fixture *f = *state;
	char *text = malloc(100 * 32 + 16), *p = text;
	/* More than the first allocation (32 entries) holds. */
	p += sprintf(p, "[many]\n");
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "key%d = %d\n", i, i * i);
	assert_int_equal(load(f, text), 0);
	free(text);
	assert_int_equal(f->cfg.n, 100);
	assert_string_equal(config_get(&f->cfg, "many", "key0"), "0");
	assert_string_equal(config_get(&f->cfg, "many", "key31"), "961");
	assert_string_equal(config_get(&f->cfg, "many", "key32"), "1024");
	assert_string_equal(config_get(&f->cfg, "many", "key99"), "9801");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(missing_file_allowed),
		T(null_path_defaults),
		T(empty_file_defaults),
		T(missing_file_refused),
		T(unreadable_is_error_even_if_missing_allowed),
		T(values_parsed),
		T(largest_values),
		T(booleans),
		T(out_of_range),
		T(not_numbers),
		T(errors_name_the_line),
		T(worker_settings),
		T(parsers_for_other_readers),
		T(malformed_lines),
		T(env_overrides_dirs),
		T(get_last_occurrence),
		T(free_clears),
		T(free_after_error),
		T(many_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
