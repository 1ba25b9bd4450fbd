/* cmd_user.c — `confab user` (accounts, their plans and credits) and
 * `confab plan list`. Credits live in data.db's ledger (store_credits.h):
 * a grant is a ledger row, so the balance always equals the ledger's sum. */
#include "app.h"
#include "money.h"
#include "cli.h"
#include "session.h"
#include "store_credits.h"
#include "store_plan.h"
#include "store_user.h"
#include "util.h"
#include "valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#define PASSWORD_MAX 1024

static int user_usage(FILE *f)
{
	fputs("usage: confab user COMMAND\n"
	      "  add EMAIL [--plan NAME] [--password-stdin]\n"
	      "                            create an account (the password is asked for,\n"
	      "                            or read as one line from standard input)\n"
	      "  list                      every account: plan, state, credits\n"
	      "  disable EMAIL | enable EMAIL\n"
	      "                            switch an account off (its sessions end) or on\n"
	      "  set-plan EMAIL PLAN [--until YYYY-MM-DD]\n"
	      "                            move an account to a plan, until a day (UTC)\n"
	      "  grant-credits EMAIL USD [--note TEXT]\n"
	      "                            add credits (a negative amount takes them back,\n"
	      "                            never below zero)\n"
	      "  reset-password EMAIL [--password-stdin]\n"
	      "                            set a new password; the account's sessions end\n", f);
	return f == stdout ? CLI_OK : CLI_USAGE;
}

/* The account of email, or a message and NULL. */
static struct user *find(struct arena *a, const char *email)
{
	struct user *u = arena_zalloc(a, sizeof *u);
	const char *hash;
	if (user_find_by_email(g.user_db, a, email, u, &hash) != STORE_OK) {
		cli_fail("there is no account with the email %s (confab user list)", email);
		return NULL;
	}
	return u;
}

/* A new password into hash: asked twice on a terminal, else one line of
 * standard input (only with --password-stdin). */
static int new_password(int from_stdin, char hash[crypto_pwhash_STRBYTES])
{
	static const struct field pw_field = { "password", V_STRING, 1, 8, 1024, NULL, "Password" };
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
	int tty = !from_stdin && isatty(0), rc = -1;
	const char *msg;
	if (!from_stdin && !tty)
		return cli_fail("no terminal to ask for the password on: give it on standard "
				"input with --password-stdin"), -1;
	if (cli_read_password("Password: ", pw, sizeof pw, tty))
		cli_fail("no password read");
	else if ((msg = valid_check(&pw_field, pw)))
		cli_fail("%s", msg);
	else if (tty && (cli_read_password("The same again: ", again, sizeof again, tty) ||
			 strcmp(pw, again)))
		cli_fail("the two passwords differ; nothing was changed");
	else if (password_hash(pw, hash))
		cli_fail("cannot hash the password (out of memory?)");
	else
		rc = 0;
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(again, sizeof again);
	return rc;
}

static int has_flag(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return 1;
	return 0;
}

static const char *flag_value(int argc, char **argv, const char *flag)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], flag))
			return argv[i + 1];
	return NULL;
}

static int add(struct arena *a, int argc, char **argv)
{
	static const struct field email_field = { "email", V_EMAIL, 1, 3, 254, NULL, "Email" };
	const char *email = argv[0], *plan = flag_value(argc, argv, "--plan"), *msg;
	char hash[crypto_pwhash_STRBYTES];
	struct user u;
	if ((msg = valid_check(&email_field, email)))
		return cli_fail("%s: %s", email, msg);
	if (plan && !plan_find(&g.plans, plan))
		return cli_fail("there is no plan %s (confab plan list)", plan);
	if (new_password(has_flag(argc, argv, "--password-stdin"), hash))
		return CLI_FAILED;
	switch (user_create(g.user_db, a, email, "", hash, g.cfg.default_timezone, &u)) {
	case STORE_OK:
		break;
	case STORE_EXISTS:
		return cli_fail("an account with the email %s exists", email);
	default:
		return cli_fail("cannot write user.db");
	}
	if (plan && user_set_plan(g.user_db, u.id, plan, 0, now_ms()) != STORE_OK)
		return cli_fail("account created, but its plan could not be set");
	printf("created %s on plan %s%s\n", email, plan ? plan : u.plan,
	       u.is_admin ? " (administrator: the first account)" : "");
	return CLI_OK;
}

static int list(struct arena *a)
{
	size_t n;
	struct user *us = user_list(g.user_db, a, &n);
	int64_t now = now_ms();
	printf("%-32s %-12s %-8s %-6s %14s  %s\n", "EMAIL", "PLAN", "STATE", "ADMIN", "CREDITS $",
	       "CREATED (UTC)");
	for (size_t i = 0; i < n; i++) {
		int64_t c = credits_balance(g.data_db, us[i].id);
		char when[32];
		time_t t = (time_t)(us[i].created_at / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		char credits[32];
		money_print(credits, sizeof credits, c, MONEY_EXACT | MONEY_BARE);
		printf("%-32s %-12s %-8s %-6s %14s  %s\n", us[i].email,
		       plan_effective(&g.plans, us[i].plan, us[i].plan_expires_at, now)->name,
		       us[i].is_active ? "active" : "disabled", us[i].is_admin ? "yes" : "", credits,
		       when);
	}
	return CLI_OK;
}

/* "YYYY-MM-DD" → Unix ms of the end of that day, UTC. */
static int64_t day_end(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *rest = strptime(s, "%Y-%m-%d", &tm);
	if (!rest || *rest)
		return -1;
	return ((int64_t)timegm(&tm) + 86400) * 1000;
}

static int set_plan(struct arena *a, int argc, char **argv)
{
	struct user *u = find(a, argv[0]);
	const char *until = flag_value(argc, argv, "--until");
	int64_t end = 0;
	if (!u)
		return CLI_FAILED;
	if (!plan_find(&g.plans, argv[1]))
		return cli_fail("there is no plan %s (confab plan list)", argv[1]);
	if (until && (end = day_end(until)) < 0)
		return cli_fail("--until %s: give a day as YYYY-MM-DD", until);
	if (user_set_plan(g.user_db, u->id, argv[1], end, now_ms()) != STORE_OK)
		return cli_fail("cannot write user.db");
	printf("%s is on plan %s%s%s\n", argv[0], argv[1], until ? " until the end of " : "",
	       until ? until : "");
	return CLI_OK;
}

static int grant(struct arena *a, int argc, char **argv)
{
	struct user *u = find(a, argv[0]);
	const char *v = argv[1], *note = flag_value(argc, argv, "--note");
	int neg = v[0] == '-';
	int64_t amount = models_parse_usd(v + neg);
	if (!u)
		return CLI_FAILED;
	if (amount < 0)
		return cli_fail("%s: give US dollars, with at most 6 decimals (for example 5 or "
				"-1.25)", v);
	if (neg)
		amount = -amount;
	switch (credits_add(g.data_db, u->id, "grant", amount, NULL,
			    note ? note : "granted by an administrator", now_ms())) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
		return cli_fail("%s has less than that; credits never go below zero", argv[0]);
	default:
		return cli_fail("cannot write data.db");
	}
	amount = credits_balance(g.data_db, u->id);
	printf("%s now has %s in credits\n", argv[0],
	       money_format(a, amount, MONEY_EXACT));
	return CLI_OK;
}

static int set_active(struct arena *a, const char *email, int on)
{
	struct user *u = find(a, email);
	if (!u)
		return CLI_FAILED;
	if (user_set_active(g.user_db, u->id, on, now_ms()) != STORE_OK)
		return cli_fail("cannot write user.db");
	printf("%s is %s\n", email, on ? "enabled" : "disabled; its sessions have ended");
	return CLI_OK;
}

static int reset_password(struct arena *a, int argc, char **argv)
{
	struct user *u = find(a, argv[0]);
	char hash[crypto_pwhash_STRBYTES];
	if (!u || new_password(has_flag(argc, argv, "--password-stdin"), hash))
		return CLI_FAILED;
	if (user_set_password(g.user_db, u->id, hash, now_ms()) != STORE_OK)
		return cli_fail("cannot write user.db");
	printf("the password of %s is changed; its sessions have ended\n", argv[0]);
	return CLI_OK;
}

/* Open the data directory (as its owner when run by root). */
static int open_data(const char *name)
{
	struct config c;
	if (cli_load_config(name, &c))
		return -1;
	config_free(&c);
	if (app_init("confab", NULL, 0))
		return -1;
	plans_sync(&g.plans, &g.cfg, g.data_db, now_ms());   /* with `plan set`'s */
	return 0;
}

int cmd_user(int argc, char **argv)
{
	struct arena a;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc, n = argc - 2;
	char **rest = argv + 2;
	if (!sub || cli_is_help(sub) || !strcmp(sub, "help"))
		return user_usage(sub ? stdout : stderr);
	if (!((!strcmp(sub, "add") && n >= 1) || (!strcmp(sub, "list") && n == 0) ||
	      ((!strcmp(sub, "disable") || !strcmp(sub, "enable")) && n == 1) ||
	      (!strcmp(sub, "set-plan") && n >= 2) || (!strcmp(sub, "grant-credits") && n >= 2) ||
	      (!strcmp(sub, "reset-password") && n >= 1)))
		return user_usage(stderr);
	if (open_data("user"))
		return CLI_FAILED;
	arena_init(&a, 0);
	if (!strcmp(sub, "add"))
		rc = add(&a, n, rest);
	else if (!strcmp(sub, "list"))
		rc = list(&a);
	else if (!strcmp(sub, "disable") || !strcmp(sub, "enable"))
		rc = set_active(&a, rest[0], sub[0] == 'e');
	else if (!strcmp(sub, "set-plan"))
		rc = set_plan(&a, n, rest);
	else if (!strcmp(sub, "grant-credits"))
		rc = grant(&a, n, rest);
	else
		rc = reset_password(&a, n, rest);
	arena_free(&a);
	app_fini();
	return rc;
}

static void print_limit(const char *label, int64_t v)
{
	if (v < 0)
		printf("  %-24s no limit\n", label);
	else
		printf("  %-24s %lld\n", label, (long long)v);
}

static int known_key(const char *k)
{
	for (const char *const *p = plan_keys; *p; p++)
		if (!strcmp(*p, k))
			return 1;
	return 0;
}

/* confab plan set NAME KEY VALUE...: stored in data.db over the config;
 * refused (and nothing kept) when the plans then do not read. */
static int plan_set(int argc, char **argv)
{
	const char *name = argv[0];
	struct plans trial;
	int64_t now = now_ms();
	char *err = NULL;
	int rc;
	for (int i = 1; i < argc; i += 2)
		if (!known_key(argv[i]))
			return cli_fail("plan %s: unknown key %s (confab plan --help)", name, argv[i]);
	if (db_begin(g.data_db) != SQLITE_OK)
		return cli_fail("data.db is busy; try again");
	for (int i = 1; i < argc; i += 2)
		if (plan_setting_put(g.data_db, name, argv[i], argv[i + 1], now)) {
			db_rollback(g.data_db);
			return cli_fail("cannot write data.db");
		}
	if (plans_load_db(&trial, &g.cfg, g.data_db, &err)) {
		db_rollback(g.data_db);
		rc = cli_fail("plan %s: %s; nothing was changed", name,
			      err ? err : "out of memory");
		free(err);
		return rc;
	}
	plans_free(&trial);
	if (db_commit(g.data_db) != SQLITE_OK)
		return cli_fail("cannot write data.db");
	printf("plan %s changed; running pages use it within a second\n", name);
	return CLI_OK;
}

int cmd_plan(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	int set = sub && !strcmp(sub, "set") && argc >= 5 && (argc - 3) % 2 == 0;
	if (!sub || cli_is_help(sub) || (strcmp(sub, "list") && !set) ||
	    (!strcmp(sub, "list") && argc > 2)) {
		fputs("usage: confab plan list\n"
		      "       confab plan set NAME KEY VALUE [KEY VALUE ...]\n"
		      "  list: the plans (the built-in free, pro and enterprise, with the\n"
		      "  config's [plan.NAME] sections and then what `plan set` changed over\n"
		      "  them) and every limit; [auth] default_plan is marked. set: change (or\n"
		      "  create) a plan in data.db over the config, keeping the other keys and\n"
		      "  plans; KEY is one of requests_per_hour, requests_per_day,\n"
		      "  requests_per_month, tokens_per_month, max_tokens_per_request,\n"
		      "  max_presets, max_components, models, price_per_month, charge_credits,\n"
		      "  features, enabled (a limit may be none; a boolean is true/false,\n"
		      "  yes/no, on/off or 1/0; enabled false removes the plan)\n",
		      sub && cli_is_help(sub) ? stdout : stderr);
		return sub && cli_is_help(sub) ? CLI_OK : CLI_USAGE;
	}
	if (open_data("plan"))
		return CLI_FAILED;
	plans_sync(&g.plans, &g.cfg, g.data_db, now_ms());
	if (set) {
		int rc = plan_set(argc - 2, argv + 2);
		app_fini();
		return rc;
	}
	for (size_t i = 0; i < g.plans.n; i++) {
		const struct plan_cfg *p = &g.plans.plans[i];
		printf("%s%s: $%lld.%02lld a month%s\n", p->name, p == g.plans.def ? " (default)" : "",
		       (long long)(p->price_per_month / 100), (long long)(p->price_per_month % 100),
		       p->charge_credits ? ", each request charged to credits" : "");
		print_limit("requests_per_hour", p->requests_per_hour);
		print_limit("requests_per_day", p->requests_per_day);
		print_limit("requests_per_month", p->requests_per_month);
		print_limit("tokens_per_month", p->tokens_per_month);
		print_limit("max_tokens_per_request", p->max_tokens_per_request);
		print_limit("max_presets", p->max_presets);
		print_limit("max_components", p->max_components);
		printf("  %-24s", "models");
		if (!p->nmodels)
			printf(" all\n");
		for (size_t j = 0; j < p->nmodels; j++)
			printf(" %s%s", p->models[j], j + 1 == p->nmodels ? "\n" : "");
	}
	app_fini();
	return CLI_OK;
}
