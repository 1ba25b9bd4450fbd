/* cli.h — the `confab` command's subcommands, one file each. */
#ifndef CONFAB_CLI_H
#define CONFAB_CLI_H

/* Print "confab: MESSAGE" on stderr; returns 1 (the exit status). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* confab model ... (argv after "model") */
int cmd_model(int argc, char **argv);

#endif
