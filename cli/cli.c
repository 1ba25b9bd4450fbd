/* cli.c — what the subcommands of `confab` share. */
#include "cli.h"
#include "app.h"
#include "config_perm.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("confab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

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
	const char *path = config_file_path(&allow_missing);
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
