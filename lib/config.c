/* config.c — see config.h. */
#include "config.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#ifndef CONFAB_SHARE_DIR
#define CONFAB_SHARE_DIR "/usr/local/share/confab"
#endif
#ifndef CONFAB_STATE_DIR
#define CONFAB_STATE_DIR "/var/lib/confab"
#endif

static void add_entry(struct config *cfg, const char *section, const char *key,
		      const char *value, int line, const char *origin)
{
	struct config_entry *e;
	if (cfg->n == cfg->cap) {
		cfg->cap = cfg->cap ? cfg->cap * 2 : 32;
		cfg->entries = xrealloc(cfg->entries, cfg->cap * sizeof *cfg->entries);
	}
	e = &cfg->entries[cfg->n++];
	e->section = xstrdup(section);
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = line;
	e->origin = origin;
}

/* The file read line by line, counting lines: Debian's libinih passes its
 * handler no line number, and a bad value's message must name one. */
struct reading {
	FILE *f;
	struct config *cfg;
	int line;       /* of the text last read */
	int at_start;   /* the next read begins a new line (a long one takes several) */
};

static char *read_line(char *str, int num, void *stream)
{
	struct reading *rd = stream;
	char *s = fgets(str, num, rd->f);
	if (s) {
		size_t n = strlen(s);
		if (rd->at_start)
			rd->line++;
		rd->at_start = n > 0 && s[n - 1] == '\n';
	}
	return s;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct reading *rd = user;
	add_entry(rd->cfg, section, key, value, rd->line, NULL);
	return 1;
}

void config_push(struct config *cfg, const char *origin, const char *section,
		 const char *key, const char *value)
{
	add_entry(cfg, section, key, value, 0, origin);
}

void config_truncate(struct config *cfg, size_t n)
{
	while (cfg->n > n) {
		cfg->n--;
		free(cfg->entries[cfg->n].section);
		free(cfg->entries[cfg->n].key);
		free(cfg->entries[cfg->n].value);
	}
}

const struct config_entry *config_find(const struct config *cfg, const char *section,
				       const char *key)
{
	/* The last occurrence wins, as a reader of the file would expect. */
	for (size_t i = cfg->n; i-- > 0;)
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key) == 0)
			return &cfg->entries[i];
	return NULL;
}

const char *config_get(const struct config *cfg, const char *section, const char *key)
{
	const struct config_entry *e = config_find(cfg, section, key);
	return e ? e->value : NULL;
}

const char *config_str(const struct config *cfg, const char *section, const char *key)
{
	return config_get(cfg, section, key);
}

int config_fail(const struct config *cfg, const char *section, const char *key,
		const char *expected, char **err)
{
	const struct config_entry *e = config_find(cfg, section, key);
	const char *value = e ? e->value : "";
	int rc;
	if (e && e->line && cfg->path)
		rc = asprintf(err, "%s:%d: [%s] %s = %s: %s", cfg->path, e->line, section, key,
			      value, expected);
	else if (e && e->origin)
		rc = asprintf(err, "%s: [%s] %s = %s: %s", e->origin, section, key, value,
			      expected);
	else
		rc = asprintf(err, "[%s] %s = %s: %s", section, key, value, expected);
	if (rc < 0)
		*err = NULL;
	return -1;
}

int config_int(const struct config *cfg, const char *section, const char *key, int64_t def,
	       int64_t min, int64_t max, int64_t *out, char **err)
{
	const char *v = config_get(cfg, section, key), *p;
	char expected[96];
	int64_t n;
	if (!v) {
		*out = def;
		return 0;
	}
	/* Digits only: strtoll alone would take " 12", "+12" and, with a
	 * careless end check, "12abc". */
	p = v + (*v == '-');
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p || p == v + (*v == '-') || parse_int64(v, &n) || n < min || n > max) {
		snprintf(expected, sizeof expected, "expected a whole number from %lld to %lld",
			 (long long)min, (long long)max);
		return config_fail(cfg, section, key, expected, err);
	}
	*out = n;
	return 0;
}

int config_bool(const struct config *cfg, const char *section, const char *key, int def,
		int *out, char **err)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *v = config_get(cfg, section, key);
	if (!v) {
		*out = def;
		return 0;
	}
	for (size_t i = 0; i < COUNTOF(yes); i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return config_fail(cfg, section, key, "expected true or false", err);
}

static char *dir_setting(const struct config *cfg, const char *env, const char *key,
			 const char *def)
{
	const char *v = getenv(env);
	if (!v || !*v)
		v = config_get(cfg, "server", key);
	return xstrdup(v && *v ? v : def);
}

int config_load(struct config *cfg, const char *path, int allow_missing, char **err)
{
	int64_t v;
	memset(cfg, 0, sizeof *cfg);
	*err = NULL;
	if (path) {
		FILE *f = fopen(path, "r");
		if (!f && !(allow_missing && errno == ENOENT)) {
			if (asprintf(err, "%s: %s", path, strerror(errno)) < 0)
				*err = NULL;
			return -1;
		}
		if (f) {
			struct reading rd = { f, cfg, 0, 1 };
			int line;
			struct stat sb;
			if (fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode)) {
				fclose(f);
				if (asprintf(err, "%s: not a file", path) < 0)
					*err = NULL;
				return -1;
			}
			cfg->path = xstrdup(path);
			line = ini_parse_stream(read_line, &rd, on_entry, &rd);
			fclose(f);
			if (line) {
				if (asprintf(err, "%s:%d: not a valid INI line", path, line) < 0)
					*err = NULL;
				return -1;
			}
		}
	}
	cfg->data_dir = dir_setting(cfg, "CONFAB_DATA_DIR", "data_dir", CONFAB_STATE_DIR);
	cfg->share_dir = dir_setting(cfg, "CONFAB_SHARE_DIR", "share_dir", CONFAB_SHARE_DIR);
	cfg->default_timezone = xstrdup(config_get(cfg, "auth", "default_timezone")
					? config_get(cfg, "auth", "default_timezone") : "UTC");

	if (config_int(cfg, "server", "max_body", 65536, 1024, 64 << 20, &v, err))
		return -1;
	cfg->max_body = (size_t)v;
	if (config_int(cfg, "server", "page_size", 50, 5, 500, &v, err))
		return -1;
	cfg->page_size = (int)v;
	if (config_int(cfg, "chat", "max_attachments", 4, 0, 32, &v, err))
		return -1;
	cfg->max_attachments = (int)v;
	if (config_int(cfg, "chat", "max_attachment_kib", 5120, 1, 100 * 1024, &v, err))
		return -1;
	cfg->max_attachment_bytes = (size_t)v * 1024;
	if (config_int(cfg, "chat", "trash_days", 30, 1, 3650, &v, err))
		return -1;
	cfg->trash_days = (int)v;
	if (config_bool(cfg, "auth", "allow_signup", 1, &cfg->allow_signup, err))
		return -1;
	if (config_int(cfg, "auth", "session_idle_hours", 24 * 7, 1, 24 * 365, &v, err))
		return -1;
	cfg->session_idle_ms = v * 3600 * 1000;
	if (config_int(cfg, "auth", "session_max_days", 30, 1, 3650, &v, err))
		return -1;
	cfg->session_max_ms = v * 24 * 3600 * 1000;
	if (config_int(cfg, "auth", "login_max_failures", 5, 1, 1000, &v, err))
		return -1;
	cfg->login_max_failures = (int)v;
	if (config_int(cfg, "auth", "login_max_failures_per_address", 20, 1, 100000, &v, err))
		return -1;
	cfg->login_max_failures_ip = (int)v;
	if (config_int(cfg, "auth", "login_window_minutes", 15, 1, 24 * 60, &v, err))
		return -1;
	cfg->login_window_ms = v * 60 * 1000;
	/* OWASP's argon2id minimum: 19 MiB, 2 passes. Memory is freed after
	 * each hash, so a responder's resident size returns to normal. */
	if (config_int(cfg, "auth", "password_memory_kib", 19 * 1024, 8, 1 << 22, &v, err))
		return -1;
	cfg->password_memlimit = (size_t)v * 1024;
	if (config_int(cfg, "auth", "password_passes", 2, 1, 10, &v, err))
		return -1;
	cfg->password_opslimit = (unsigned long long)v;
	if (config_bool(cfg, "worker", "on_demand", 1, &cfg->worker_on_demand, err))
		return -1;
	if (config_int(cfg, "worker", "idle_exit", 60, 1, 86400, &v, err))
		return -1;
	cfg->worker_idle_exit = (int)v;
	return 0;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->path);
	free(cfg->data_dir);
	free(cfg->share_dir);
	free(cfg->default_timezone);
	memset(cfg, 0, sizeof *cfg);
}
