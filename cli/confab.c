/* confab — the administrator's command line. */
#include "config.h"
#include "app.h"
#include "cli.h"
#include "db.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int usage(FILE *f)
{
	fputs("usage: confab COMMAND\n"
	      "  init      create the data directory, its key file and both databases\n"
	      "  migrate   bring both databases up to the current schema\n"
	      "  model     the model registry: list, add, enable, disable, remove\n"
	      "  version   print the version\n"
	      "Environment: CONFAB_CONFIG (the INI file), CONFAB_DATA_DIR (the data\n"
	      "directory), CONFAB_SHARE_DIR (templates, static files and schema).\n", f);
	return f == stdout ? 0 : 2;
}

/* mkdir -p with mode 0700 for what it creates: the data directory holds
 * the key and the databases. */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0700) && errno != EEXIST) {
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

/* Load config, create the data directory, open and migrate both files. */
static int open_all(int create)
{
	if (create) {
		struct config c;
		char *err = NULL;
		int allow_missing = 0, rc;
		if (config_load(&c, app_config_path(&allow_missing), allow_missing, &err)) {
			fprintf(stderr, "confab: %s\n", err ? err : "out of memory");
			free(err);
			return 1;
		}
		rc = make_dirs(c.data_dir);
		if (rc)
			fprintf(stderr, "confab: cannot create %s: %s\n", c.data_dir, strerror(errno));
		config_free(&c);
		if (rc)
			return 1;
	}
	if (app_init("confab", NULL, 0))
		return 1;
	printf("data directory %s: user.db at version %d, data.db at version %d\n",
	       g.cfg.data_dir, db_version(g.user_db), db_version(g.data_db));
	app_fini();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	if (!strcmp(argv[1], "version")) {
		puts(PACKAGE_STRING);
		return 0;
	}
	if (!strcmp(argv[1], "init"))
		return open_all(1);
	if (!strcmp(argv[1], "migrate"))
		return open_all(0);
	if (!strcmp(argv[1], "model"))
		return cmd_model(argc - 2, argv + 2);
	fprintf(stderr, "confab: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
