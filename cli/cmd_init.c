/* confab init, confab migrate — creating a data directory and upgrading
 * one in place. */
#include "cli.h"
#include "app.h"
#include "arena.h"
#include "files.h"
#include "session.h"
#include "store_user.h"
#include "util.h"
#include "vacuum.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#define PASSWORD_MAX 1024

/* Print each file's version, and bring files made before incremental vacuum
 * to it (one VACUUM each: it says so, since a big file takes a while). */
static int report_and_convert(const char *name, const char *file, struct db *db,
			      const char *schema_dir, int before)
{
	char *err = NULL, dir[4096];
	int rc, latest;
	snprintf(dir, sizeof dir, "%s/schema/%s", g.cfg.share_dir, schema_dir);
	latest = db_migrations_latest(dir);
	if (before == db_version(db))
		printf("%s: version %d (latest %d)\n", file, db_version(db), latest);
	else
		printf("%s: version %d -> %d (latest %d)\n", file, before, db_version(db), latest);
	rc = vacuum_make_incremental(db, &err);
	if (rc < 0) {
		cli_error(name, "%s: %s", file, err ? err : "out of memory");
		free(err);
		return -1;
	}
	if (rc > 0)
		printf("%s: switched to incremental vacuum (deleted data now gives its space back)\n",
		       file);
	return 0;
}

/* The schema versions before opening (opening migrates). -1: no file. */
static int version_before(const char *data_dir, const char *file)
{
	char path[4096], *err = NULL;
	int v = -1;
	struct db *db;
	snprintf(path, sizeof path, "%s/%s", data_dir, file);
	if (access(path, F_OK))
		return 0;
	if ((db = db_open(path, &err))) {
		v = db_version(db);
		db_close(db);
	}
	free(err);
	return v;
}

/* Open everything (creating what is missing and migrating) and report. */
static int open_and_report(const char *name, const char *data_dir)
{
	int ub = version_before(data_dir, "user.db"), dbv = version_before(data_dir, "data.db");
	if (app_init("confab", NULL, 0))
		return -1;
	printf("data directory %s\n", g.cfg.data_dir);
	if (report_and_convert(name, "user.db", g.user_db, "user", ub) ||
	    report_and_convert(name, "data.db", g.data_db, "data", dbv))
		return -1;
	return 0;
}

/* Read a line into buf without echo when stdin is a terminal. */
int cli_read_password(const char *prompt, char *buf, size_t size, int tty)
{
	struct termios old, quiet;
	char *ok;
	size_t n;
	if (tty) {
		/* Echo off before the prompt shows: what is typed after it is
		 * never displayed. */
		if (tcgetattr(0, &old))
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(0, TCSAFLUSH, &quiet);
		fputs(prompt, stderr);
		fflush(stderr);
	}
	ok = fgets(buf, (int)size, stdin);
	if (tty)
		tcsetattr(0, TCSANOW, &old);
	if (!ok)
		return -1;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == size - 1)
		return -2;  /* longer than we take */
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int create_admin(const char *email, int from_stdin)
{
	static const struct field email_field = { "email", V_EMAIL, 1, 3, 254, NULL, "Email" };
	static const struct field pw_field = { "password", V_STRING, 1, 8, 1024, NULL, "Password" };
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2], hash[crypto_pwhash_STRBYTES];
	const char *msg;
	int tty = !from_stdin && isatty(0), rc = -1;
	struct arena a;
	struct user u;

	if ((msg = valid_check(&email_field, email))) {
		cli_error("init", "--admin: %s", msg);
		return -1;
	}
	if (user_count(g.user_db) > 0) {
		cli_error("init", "user.db already has accounts, so its first administrator "
				  "exists; --admin only creates the first one");
		return -1;
	}
	if (!from_stdin && !tty) {
		cli_error("init", "no terminal to ask for the password on: give it on standard "
				  "input with --password-stdin");
		return -1;
	}
	if (cli_read_password("Password for the administrator: ", pw, sizeof pw, tty)) {
		cli_error("init", "no password read%s", from_stdin ? " from standard input" : "");
		goto out;
	}
	if ((msg = valid_check(&pw_field, pw))) {
		cli_error("init", "%s", msg);
		goto out;
	}
	if (tty && (cli_read_password("The same again: ", again, sizeof again, tty) ||
		    strcmp(pw, again))) {
		cli_error("init", "the two passwords differ; nothing was created");
		goto out;
	}
	if (password_hash(pw, hash)) {
		cli_error("init", "cannot hash the password (out of memory?)");
		goto out;
	}
	arena_init(&a, 0);
	switch (user_create(g.user_db, &a, email, "", hash, g.cfg.default_timezone, &u)) {
	case STORE_OK:
		printf("administrator %s created%s\n", email,
		       u.is_admin ? "" : " (but not as administrator: accounts appeared meanwhile)");
		rc = u.is_admin ? 0 : -1;
		break;
	case STORE_EXISTS:
		cli_error("init", "an account with the email %s exists", email);
		break;
	default:
		cli_error("init", "cannot write user.db: %s", sqlite3_errmsg(db_handle(g.user_db)));
		break;
	}
	arena_free(&a);
out:
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(again, sizeof again);
	return rc;
}

/* The key file must be 0600: it will encrypt users' provider keys. */
static int check_key_mode(const char *data_dir)
{
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof path, "%s/secret.key", data_dir);
	if (stat(path, &sb)) {
		cli_error("init", "%s: %s", path, strerror(errno));
		return -1;
	}
	if (sb.st_mode & 077) {
		if (chmod(path, 0600)) {
			cli_error("init", "%s is readable by others and cannot be fixed: %s", path,
				  strerror(errno));
			return -1;
		}
		printf("%s: was readable by others; now 0600\n", path);
	}
	printf("key file %s (0600)\n", path);
	if (stat(data_dir, &sb) == 0 && (sb.st_mode & 077))
		printf("note: %s can be entered by other users (mode %o); 0700 or 0750 keeps "
		       "the databases private\n", data_dir, (unsigned)(sb.st_mode & 0777));
	return 0;
}

static int init_usage(FILE *f)
{
	fputs("usage: confab init [--admin EMAIL [--password-stdin]]\n"
	      "  Create the data directory (0700), its key file (0600) and both databases;\n"
	      "  on an existing one, migrate and report (running it twice is harmless).\n"
	      "  --admin EMAIL     also create the first administrator. The password is\n"
	      "                    asked for twice without echo, or with --password-stdin\n"
	      "                    read as one line from standard input.\n"
	      "  Without --admin the first account to sign up becomes the administrator.\n", f);
	return f == stdout ? CLI_OK : CLI_USAGE;
}

int cmd_init(int argc, char **argv)
{
	const char *admin = NULL;
	int from_stdin = 0, rc = CLI_FAILED;
	struct config c;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return init_usage(stdout);
		if (!strcmp(argv[i], "--admin") && i + 1 < argc)
			admin = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = 1;
		else
			return init_usage(stderr);
	}
	if (from_stdin && !admin) {
		cli_error("init", "--password-stdin goes with --admin EMAIL");
		return CLI_USAGE;
	}
	if (cli_load_config("init", &c))
		return CLI_FAILED;
	if (files_mkdirs(c.data_dir, 0700)) {
		cli_error("init", "cannot create %s: %s", c.data_dir, strerror(errno));
		config_free(&c);
		return CLI_FAILED;
	}
	if (open_and_report("init", c.data_dir) == 0 && check_key_mode(g.cfg.data_dir) == 0) {
		if (admin)
			rc = create_admin(admin, from_stdin) ? CLI_FAILED : CLI_OK;
		else
			rc = CLI_OK;
		if (rc == CLI_OK && !admin && user_count(g.user_db) == 0)
			printf("no accounts yet: the first account to sign up becomes the "
			       "administrator%s\n",
			       g.cfg.allow_signup ? "" : " (sign-up is off: use confab init --admin EMAIL)");
	}
	app_fini();
	config_free(&c);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	struct config c;
	int rc;
	for (int i = 1; i < argc; i++) {
		FILE *f = cli_is_help(argv[i]) ? stdout : stderr;
		fputs("usage: confab migrate\n"
		      "  Apply the schema migrations this version brings to user.db and data.db,\n"
		      "  each in its own transaction, and print the versions before and after.\n"
		      "  Safe while the site runs; take a backup first (confab backup DIR).\n", f);
		return f == stdout ? CLI_OK : CLI_USAGE;
	}
	if (cli_load_config("migrate", &c))
		return CLI_FAILED;
	if (access(c.data_dir, F_OK)) {
		cli_error("migrate", "%s does not exist: create it with confab init", c.data_dir);
		config_free(&c);
		return CLI_FAILED;
	}
	rc = open_and_report("migrate", c.data_dir) ? CLI_FAILED : CLI_OK;
	app_fini();
	config_free(&c);
	return rc;
}
