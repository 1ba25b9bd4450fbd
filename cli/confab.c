/* confab — the administrator's command line: `confab COMMAND [ARGS]`.
 * The commands live in cli/cmd_*.c (and model.c); this file holds their
 * table, cli.c what they share. See cli.h for how to add one. */
#include "cli.h"
#include "app.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts(PACKAGE_STRING);
	return CLI_OK;
}

/* confab model takes the words after "model"; as the others, it first
 * becomes the data directory's owner when run by root. */
static int run_model(int argc, char **argv)
{
	struct config c;
	if (argc > 1 && !cli_is_help(argv[1]) && strcmp(argv[1], "help")) {
		if (cli_load_config("model", &c))
			return CLI_FAILED;
		config_free(&c);
	}
	return cmd_model(argc - 1, argv + 1);
}

static const struct command commands[] = {
	{ "init", "[--admin EMAIL [--password-stdin]]",
	  "create the data directory, key file, databases, first admin", cmd_init },
	{ "migrate", "", "upgrade both databases to this version's schema", cmd_migrate },
	{ "backup", "DIR", "copy the databases and key file into DIR, live", cmd_backup },
	{ "restore", "DIR [--force]", "bring a backup back into the data directory", cmd_restore },
	{ "vacuum", "[--full]", "give deleted data's space back to the disk", cmd_vacuum },
	{ "model", "list | add | enable | disable | remove",
	  "the model registry (confab model --help)", run_model },
	{ "user", "add | list | disable | enable | set-plan | grant-credits | reset-password",
	  "accounts, their plans and credits (confab user --help)", cmd_user },
	{ "plan", "list | set NAME KEY VALUE...", "the plans and their limits", cmd_plan },
	{ "version", "", "print the version", cmd_version },
};

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
