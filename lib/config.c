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

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct config *cfg = user;
	if (cfg->n == cfg->cap) {
		cfg->cap = cfg->cap ? cfg->cap * 2 : 32;
		cfg->entries = xrealloc(cfg->entries, cfg->cap * sizeof *cfg->entries);
	}
	cfg->entries[cfg->n].section = xstrdup(section);
	cfg->entries[cfg->n].key = xstrdup(key);
	cfg->entries[cfg->n].value = xstrdup(value);
	cfg->n++;
	return 1;
}

void config_push(struct config *cfg, const char *section, const char *key, const char *value)
{
	on_entry(cfg, section, key, value);
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

const char *config_get(const struct config *cfg, const char *section, const char *key)
{
	/* The last occurrence wins, as a reader of the file would expect. */
	for (size_t i = cfg->n; i-- > 0;)
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key) == 0)
			return cfg->entries[i].value;
	return NULL;
}

/* Read an integer setting within [min, max]; a bad one is a start-up error. */
static int get_int(const struct config *cfg, const char *sec, const char *key,
		   int64_t def, int64_t min, int64_t max, int64_t *out, char **err)
{
	const char *v = config_get(cfg, sec, key);
	int64_t n;
	if (!v) {
		*out = def;
		return 0;
	}
	if (parse_int64(v, &n) || n < min || n > max) {
		if (asprintf(err, "[%s] %s = %s: expected a whole number from %lld to %lld",
			     sec, key, v, (long long)min, (long long)max) < 0)
			*err = NULL;
		return -1;
	}
	*out = n;
	return 0;
}

static int get_bool(const struct config *cfg, const char *sec, const char *key,
		    int def, int *out, char **err)
{
	const char *v = config_get(cfg, sec, key);
	if (!v) {
		*out = def;
	} else if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
		   !strcasecmp(v, "on")) {
		*out = 1;
	} else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
		   !strcasecmp(v, "off")) {
		*out = 0;
	} else {
		if (asprintf(err, "[%s] %s = %s: expected true or false", sec, key, v) < 0)
			*err = NULL;
		return -1;
	}
	return 0;
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
			int line;
			struct stat sb;
			if (fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode)) {
				fclose(f);
				if (asprintf(err, "%s: not a file", path) < 0)
					*err = NULL;
				return -1;
			}
			line = ini_parse_file(f, on_entry, cfg);
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

	if (get_int(cfg, "server", "max_body", 65536, 1024, 64 << 20, &v, err))
		return -1;
	cfg->max_body = (size_t)v;
	if (get_int(cfg, "server", "page_size", 50, 5, 500, &v, err))
		return -1;
	cfg->page_size = (int)v;
	if (get_int(cfg, "chat", "max_attachments", 4, 0, 32, &v, err))
		return -1;
	cfg->max_attachments = (int)v;
	if (get_int(cfg, "chat", "max_attachment_kib", 5120, 1, 100 * 1024, &v, err))
		return -1;
	cfg->max_attachment_bytes = (size_t)v * 1024;
	if (get_bool(cfg, "auth", "allow_signup", 1, &cfg->allow_signup, err))
		return -1;
	if (get_int(cfg, "auth", "session_idle_hours", 24 * 7, 1, 24 * 365, &v, err))
		return -1;
	cfg->session_idle_ms = v * 3600 * 1000;
	if (get_int(cfg, "auth", "session_max_days", 30, 1, 3650, &v, err))
		return -1;
	cfg->session_max_ms = v * 24 * 3600 * 1000;
	if (get_int(cfg, "auth", "login_max_failures", 5, 1, 1000, &v, err))
		return -1;
	cfg->login_max_failures = (int)v;
	if (get_int(cfg, "auth", "login_max_failures_per_address", 20, 1, 100000, &v, err))
		return -1;
	cfg->login_max_failures_ip = (int)v;
	if (get_int(cfg, "auth", "login_window_minutes", 15, 1, 24 * 60, &v, err))
		return -1;
	cfg->login_window_ms = v * 60 * 1000;
	/* OWASP's argon2id minimum: 19 MiB, 2 passes. Memory is freed after
	 * each hash, so a responder's resident size returns to normal. */
	if (get_int(cfg, "auth", "password_memory_kib", 19 * 1024, 8, 1 << 22, &v, err))
		return -1;
	cfg->password_memlimit = (size_t)v * 1024;
	if (get_int(cfg, "auth", "password_passes", 2, 1, 10, &v, err))
		return -1;
	cfg->password_opslimit = (unsigned long long)v;
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
	free(cfg->data_dir);
	free(cfg->share_dir);
	free(cfg->default_timezone);
	memset(cfg, 0, sizeof *cfg);
}
