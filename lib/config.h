/* config.h — the INI configuration file (CONFAB_CONFIG). Every section and
 * key is kept, so later features read their own; the common settings are
 * also parsed into fields here, checked once at start. */
#ifndef CONFAB_CONFIG_H
#define CONFAB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config_entry {
	char *section, *key, *value;
	int line;              /* in the file; 0 for an entry config_push added */
	const char *origin;    /* config_push's: where the value came from */
};

struct config {
	struct config_entry *entries;
	size_t n, cap;
	char *path;              /* the file read, for messages; NULL: none */

	/* [server] */
	char *data_dir;          /* CONFAB_DATA_DIR wins over data_dir */
	char *share_dir;         /* templates/, static/, schema/; CONFAB_SHARE_DIR wins */
	size_t max_body;         /* bytes of a urlencoded body; default 65536 */
	int page_size;           /* chats per page of the list; default 50 */

	/* [chat] attachments: how many files one message may carry (default 4;
	 * 0 turns attachments off) and the size of each (max_attachment_kib,
	 * default 5120). */
	int max_attachments;
	size_t max_attachment_bytes;
	/* [chat] trash_days: how long a deleted chat stays in the trash before
	 * the vacuum deletes it for good (default 30). */
	int trash_days;

	/* [auth] */
	int allow_signup;              /* default 1 */
	int64_t session_idle_ms;       /* default 7 days */
	int64_t session_max_ms;        /* default 30 days */
	int login_max_failures;        /* per account; default 5 */
	int login_max_failures_ip;     /* per address (many people may share one); default 20 */
	int64_t login_window_ms;       /* default 15 minutes */
	size_t password_memlimit;      /* argon2id memory, bytes; default 19 MiB */
	unsigned long long password_opslimit; /* argon2id passes; default 2 */
	char *default_timezone;        /* default "UTC" */

	/* [worker] as the pages read it: start confabd on demand (default
	 * true), which exits after idle_exit seconds with nothing to do (60). */
	int worker_on_demand;
	int worker_idle_exit;
};

/* Load path (NULL or missing file: defaults only, when allow_missing).
 * On error returns -1 with *err a malloc'd message naming the line. */
int config_load(struct config *cfg, const char *path, int allow_missing, char **err);
void config_free(struct config *cfg);

/* The value of section.key, or NULL: for lib/config.c and its test only
 * (tools/codecheck.sh checks); everyone else reads through a typed getter. */
const char *config_get(const struct config *cfg, const char *section, const char *key);
/* The entry config_get reads, or NULL (config.c and its test only too). */
const struct config_entry *config_find(const struct config *cfg, const char *section,
				       const char *key);

/* A setting whose value is text: a name, a path, a URL, a secret, a list
 * the caller splits. NULL when absent. A number or a boolean is never read
 * through this but through config_int / config_bool below, which refuse a
 * bad value with the line that set it; an amount of money goes through
 * models_parse_usd (models.h), the one parser for dollars. */
const char *config_str(const struct config *cfg, const char *section, const char *key);

/* The one way to read a boolean or a number from the config. Absent:
 * *out = def. A boolean is true, yes, on, 1 or false, no, off, 0, in any
 * case; a number is decimal digits with an optional minus sign, within
 * [min, max]. Anything else (empty, "maybe", "12abc", out of range) is -1
 * with *err (malloc'd) as config_fail makes it. */
int config_bool(const struct config *cfg, const char *section, const char *key, int def,
		int *out, char **err);
int config_int(const struct config *cfg, const char *section, const char *key, int64_t def,
	       int64_t min, int64_t max, int64_t *out, char **err);
/* -1, with *err = "WHERE: [section] key = value: expected": WHERE is
 * PATH:LINE of the line that set it, or the origin of a pushed entry. */
int config_fail(const struct config *cfg, const char *section, const char *key,
		const char *expected, char **err);

/* Add an entry after the file's (it wins over them), from origin (a static
 * string such as "confab plan set", named in messages), and drop the
 * entries past the first n again: how plans_sync layers `confab plan set`. */
void config_push(struct config *cfg, const char *origin, const char *section,
		 const char *key, const char *value);
void config_truncate(struct config *cfg, size_t n);

#endif
