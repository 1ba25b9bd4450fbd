/* cli.h — the confab command: one table of subcommands (confab.c) and one
 * file per group of them. To add a command: write `int cmd_NAME(int argc,
 * char **argv)` in cli/cmd_NAME.c (argv[0] is the command's name; answer
 * --help with "usage: confab NAME ..." on stdout, exit with the CLI_*
 * codes below), add it to the table in confab.c and to Makefile.am, and
 * give it a section in man/confab.1.in. t_init and t_install check the
 * --help and the manual section of every command in the table. */
#ifndef CONFAB_CLI_H
#define CONFAB_CLI_H

#include <stdio.h>
#include "config.h"

/* Exit codes every command uses. */
#define CLI_OK 0
#define CLI_FAILED 1     /* the command could not do its work: stderr says why */
#define CLI_USAGE 2      /* the command line was wrong */

struct command {
	const char *name;
	const char *args;      /* after the name, for the summary */
	const char *summary;   /* one line */
	int (*run)(int argc, char **argv);
};

/* Print "confab: MESSAGE" on stderr; returns 1 (the exit status). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "confab NAME: MESSAGE" to stderr. */
void cli_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Load the configuration (CONFAB_CONFIG or the installed confab.ini) into c.
 * Run by root on a data directory owned by another user, switch to that
 * user. On error prints it and returns -1. Every command that touches the
 * data directory calls it first. */
int cli_load_config(const char *name, struct config *c);

/* The options shared by every command: 1 if argv[i] asks for help. */
int cli_is_help(const char *arg);

/* Read a line (a password) into buf, without echo when tty; 0, -1 when
 * nothing was read, -2 when it was longer than size. */
int cli_read_password(const char *prompt, char *buf, size_t size, int tty);

/* Commands. */
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_vacuum(int argc, char **argv);
/* confab model ... (argv after "model") */
int cmd_model(int argc, char **argv);
/* confab user ... and confab plan ... (argv[0] is "user" / "plan") */
int cmd_user(int argc, char **argv);
int cmd_plan(int argc, char **argv);

#endif
