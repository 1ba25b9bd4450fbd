/* confab — the administrator's command line: `confab COMMAND [ARGS]`.
 * The commands live in cli/cmd_*.c; this file holds their table and what
 * they share. See cli.h for how to add one. */
#include "cli.h"
#include "app.h"
#include "util.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts(PACKAGE_STRING);
	return CLI_OK;
}

static const struct command commands[] = {
	{ "init", "[--admin EMAIL [--password-stdin]]",
	  "create the data directory, key file, databases, first admin", cmd_init },
	{ "migrate", "", "upgrade both databases to this version's schema", cmd_migrate },
	{ "backup", "DIR", "copy the databases and key file into DIR, live", cmd_backup },
	{ "restore", "DIR [--force]", "bring a backup back into the data directory", cmd_restore },
	{ "vacuum", "[--full]", "give deleted data's space back to the disk", cmd_vacuum },
	{ "version", "", "print the version", cmd_version },
};

void cli_error(const char *name, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "confab %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* Run as root on a data directory another user owns, become that user:
 * files made as root there (a key file, a database) would lock the site
 * out of its own data. */
static int become_owner(const char *name, const char *data_dir)
{
	struct stat sb;
	struct passwd *pw;
	if (geteuid() != 0 || stat(data_dir, &sb) || sb.st_uid == 0)
		return 0;
	pw = getpwuid(sb.st_uid);
	if (setgroups(0, NULL) || setgid(sb.st_gid) || setuid(sb.st_uid)) {
		cli_error(name, "cannot switch to %s, the owner of %s: %s",
			  pw ? pw->pw_name : "its owner", data_dir, strerror(errno));
		return -1;
	}
	fprintf(stderr, "confab %s: running as %s, the owner of %s\n", name,
		pw ? pw->pw_name : "its owner", data_dir);
	return 0;
}

int cli_load_config(const char *name, struct config *c)
{
	char *err = NULL;
	int allow_missing;
	/* Two statements: the order arguments are evaluated in is unspecified. */
	const char *path = app_config_path(&allow_missing);
	if (config_load(c, path, allow_missing, &err)) {
		cli_error(name, "%s", err ? err : "out of memory");
		free(err);
		return -1;
	}
	if (become_owner(name, c->data_dir)) {
		config_free(c);
		return -1;
	}
	return 0;
}

static int usage(FILE *f)
{
	fputs("usage: confab COMMAND [ARGS]\n\n", f);
	for (size_t i = 0; i < COUNTOF(commands); i++) {
		char left[80];
		snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].args);
		/* A long synopsis gets a line of its own. */
		if (strlen(left) > 22)
			fprintf(f, "  %s\n  %-22s %s\n", left, "", commands[i].summary);
		else
			fprintf(f, "  %-22s %s\n", left, commands[i].summary);
	}
	fputs("\n`confab COMMAND --help` says more; so does man confab.\n"
	      "Environment: CONFAB_CONFIG (the INI file, default " CONFAB_CONFIG_FILE "),\n"
	      "CONFAB_DATA_DIR (the data directory, default " CONFAB_STATE_DIR "),\n"
	      "CONFAB_SHARE_DIR (templates, static files and schema, default\n"
	      CONFAB_SHARE_DIR ").\n", f);
	return f == stdout ? CLI_OK : CLI_USAGE;
}

int main(int argc, char **argv)
{
	/* What confab creates (databases, key, backups) is for the site's
	 * user alone: SQLite gives new files 0644 under the usual umask. */
	umask(077);
	if (argc < 2)
		return usage(stderr);
	if (cli_is_help(argv[1]) || !strcmp(argv[1], "help"))
		return usage(stdout);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	for (size_t i = 0; i < COUNTOF(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "confab: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
