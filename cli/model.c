/* model.c — `confab model`: the model registry from the command line.
 * Models come from the config ([model.ID]) and from `confab model add`
 * (data.db); any of them can be switched off and on. Running pages and the
 * worker see a change within a second (models_sync). */
#include "app.h"
#include "money.h"
#include "cli.h"
#include "store_model.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int model_usage(FILE *f)
{
	fputs("usage: confab model COMMAND\n"
	      "  list                      every model: id, provider, prices, limits, state\n"
	      "  add ID --provider NAME --price-in USD --price-out USD\n"
	      "      [--name TEXT] [--api-model NAME] [--context TOKENS]\n"
	      "      [--max-output TOKENS] [--images] [--pdfs] [--reasoning]\n"
	      "                            add a model of a configured provider; prices are\n"
	      "                            USD per million tokens (0 for a free model)\n"
	      "  enable ID | disable ID    offer the model for new messages, or stop\n"
	      "  remove ID                 delete a model added with `add`\n", f);
	return f == stdout ? 0 : 2;
}

static int id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 100)
		return 0;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("._-:", *id))
			return 0;
	return 1;
}

static void print_usd(int64_t micro)
{
	char buf[32];
	money_print(buf, sizeof buf, micro, MONEY_EXACT | MONEY_BARE);
	fputs(buf, stdout);
}

static int list(void)
{
	printf("%-24s %-12s %-10s %-10s %8s %8s %-18s %-8s %s\n", "ID", "PROVIDER", "IN $/M",
	       "OUT $/M", "CONTEXT", "OUTPUT", "CAPABILITIES", "STATE", "NAME");
	for (size_t i = 0; i < g.models.nmodels; i++) {
		const struct model_cfg *m = &g.models.models[i];
		char caps[32];
		snprintf(caps, sizeof caps, "%s%s%s", m->images ? "images " : "",
			 m->pdfs ? "pdfs " : "", m->reasoning ? "reasoning" : "");
		printf("%-24s %-12s ", m->id, m->provider->name);
		print_usd(m->price_in);
		putchar(' ');
		print_usd(m->price_out);
		printf(" %8lld %8lld %-18s %-8s %s%s\n", (long long)m->context,
		       (long long)m->max_output, *caps ? caps : "-",
		       m->active ? "active" : "disabled", m->name,
		       m->added ? "" : m->demo ? " (demo)" : " (config)");
	}
	return 0;
}

/* "--key value" options of add; 0 or a message on stderr. */
static int add(int argc, char **argv)
{
	const char *id = argv[0];
	struct model_row r = { .id = id, .name = "", .api_model = "",
			       .context = 8192, .max_output = 1024,
			       .price_in = -1, .price_out = -1 };
	int64_t n;

	if (!id_ok(id))
		return cli_fail("model id '%s': use 1 to 100 letters, digits, '.', '_', '-' or ':'", id);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--images")) { r.images = 1; continue; }
		if (!strcmp(o, "--pdfs")) { r.pdfs = 1; continue; }
		if (!strcmp(o, "--reasoning")) { r.reasoning = 1; continue; }
		if (!v)
			return cli_fail("%s needs a value (see confab model --help)", o);
		i++;
		if (!strcmp(o, "--provider"))
			r.provider = v;
		else if (!strcmp(o, "--name"))
			r.name = v;
		else if (!strcmp(o, "--api-model"))
			r.api_model = v;
		else if (!strcmp(o, "--price-in") || !strcmp(o, "--price-out")) {
			int64_t p = models_parse_usd(v);
			if (p < 0)
				return cli_fail("%s %s: give USD per million tokens, 0 or more, "
						"with at most 6 decimals", o, v);
			*(o[8] == 'i' ? &r.price_in : &r.price_out) = p;
		} else if (!strcmp(o, "--context") || !strcmp(o, "--max-output")) {
			if (parse_int64(v, &n) || n < 1 || n > 100000000)
				return cli_fail("%s %s: give a number of tokens", o, v);
			*(o[2] == 'c' ? &r.context : &r.max_output) = n;
		} else
			return cli_fail("unknown option %s (see confab model --help)", o);
	}
	if (!r.provider)
		return cli_fail("model %s: --provider is required", id);
	int known = 0;
	for (size_t i = 0; i < g.models.nproviders; i++)
		known |= !strcmp(g.models.providers[i].name, r.provider);
	if (!known)
		return cli_fail("model %s: provider '%s' is not in the config ([provider.%s])",
				id, r.provider, r.provider);
	/* A missing price must never become a free model by accident. */
	if (r.price_in < 0 || r.price_out < 0)
		return cli_fail("model %s: --price-in and --price-out are required "
				"(USD per million tokens; 0 for a free model)", id);
	if (models_find(&g.models, id))
		return cli_fail("model %s exists already", id);
	switch (model_add(g.data_db, &r, now_ms())) {
	case STORE_OK:
		printf("added model %s (%s)\n", id, r.provider);
		return 0;
	case STORE_EXISTS:
		return cli_fail("model %s exists already", id);
	default:
		return cli_fail("could not write data.db");
	}
}

static int set_active(const char *id, int active)
{
	if (!models_find(&g.models, id))
		return cli_fail("there is no model %s (confab model list shows them)", id);
	if (model_set_active(g.data_db, id, active, now_ms()) != STORE_OK)
		return cli_fail("could not write data.db");
	printf("model %s %s\n", id, active ? "enabled" : "disabled");
	return 0;
}

static int remove_model(const char *id)
{
	const struct model_cfg *m = models_find(&g.models, id);
	if (m && !m->added)
		return cli_fail("model %s comes from the config file: remove it there, or "
				"`confab model disable %s`", id, id);
	if (model_remove(g.data_db, id) != STORE_OK)
		return cli_fail("there is no added model %s", id);
	printf("removed model %s\n", id);
	return 0;
}

int cmd_model(int argc, char **argv)
{
	int rc;
	if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "help"))
		return model_usage(argc < 1 ? stderr : stdout);
	if (app_init("confab", NULL, 0))
		return 1;
	models_sync(&g.models, g.data_db, now_ms());
	if (!strcmp(argv[0], "list"))
		rc = list();
	else if (!strcmp(argv[0], "add") && argc >= 2)
		rc = add(argc - 1, argv + 1);
	else if ((!strcmp(argv[0], "enable") || !strcmp(argv[0], "disable")) && argc == 2)
		rc = set_active(argv[1], argv[0][0] == 'e');
	else if (!strcmp(argv[0], "remove") && argc == 2)
		rc = remove_model(argv[1]);
	else
		rc = model_usage(stderr);
	app_fini();
	return rc;
}
