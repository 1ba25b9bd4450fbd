/* test_plans.c — plans_load and plans_load_db: the built-in free, pro and
 * enterprise always exist; a [plan.NAME] section sets only the keys it
 * names over them (or makes a new plan), `confab plan set` (data.db
 * plan_settings) layers over both, enabled = false removes a plan, and a
 * value that does not read is an error naming the file and line (or
 * `confab plan set`). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "plans.h"
#include "store_plan.h"

struct fixture {
	char dir[64], ini[96], dbpath[96];
	struct config cfg;
	struct plans plans;
	struct db *db;
	char *err;
	int64_t clock;   /* plan_settings' updated_at: plans_sync sees each change */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *share = getenv("CONFAB_SHARE_DIR");
	char mig[512], *err = NULL;
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/confab-plans-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->ini, sizeof f->ini, "%s/confab.ini", f->dir);
	snprintf(f->dbpath, sizeof f->dbpath, "%s/data.db", f->dir);
	snprintf(mig, sizeof mig, "%s/schema/data", share && *share ? share : ".");
	f->db = db_open(f->dbpath, &err);
	if (!f->db || db_migrate(f->db, mig, &err)) {
		fprintf(stderr, "%s\n", err ? err : "?");
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[128];
	plans_free(&f->plans);
	config_free(&f->cfg);
	free(f->err);
	db_close(f->db);
	unlink(f->ini);
	unlink(f->dbpath);
	snprintf(path, sizeof path, "%s-wal", f->dbpath);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", f->dbpath);
	unlink(path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* text as the config file, its plans loaded (with data.db's when db). */
static int load(struct fixture *f, const char *text, int db)
{
	FILE *fp = fopen(f->ini, "w");
	char *err = NULL;
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	plans_free(&f->plans);
	config_free(&f->cfg);
	free(f->err);
	f->err = NULL;
	if (config_load(&f->cfg, f->ini, 0, &err)) {
		fprintf(stderr, "%s\n", err ? err : "?");
		free(err);
		fail();
	}
	return db ? plans_load_db(&f->plans, &f->cfg, f->db, &f->err)
		  : plans_load(&f->plans, &f->cfg, &f->err);
}

static void load_fails(struct fixture *f, const char *text, int db, int line, const char *want)
{
	char full[512];
	if (line)
		snprintf(full, sizeof full, "%s:%d: %s", f->ini, line, want);
	else
		snprintf(full, sizeof full, "%s", want);
	assert_int_equal(load(f, text, db), -1);
	assert_non_null(f->err);
	assert_string_equal(f->err, full);
}

static void plan_set(struct fixture *f, const char *plan, const char *key, const char *value)
{
	f->clock += 1000;
	assert_int_equal(plan_setting_put(f->db, plan, key, value, f->clock), 0);
}

static const struct plan_cfg *must_find(struct fixture *f, const char *name)
{
	const struct plan_cfg *p = plan_find(&f->plans, name);
	if (!p)
		fail_msg("no plan %s", name);
	return p;
}

static void assert_builtin_pro(const struct plan_cfg *p)
{
	assert_int_equal(p->requests_per_hour, 200);
	assert_int_equal(p->requests_per_day, 2000);
	assert_int_equal(p->requests_per_month, 40000);
	assert_int_equal(p->tokens_per_month, 500000);
	assert_int_equal(p->max_tokens_per_request, 16384);
	assert_int_equal(p->max_presets, 50);
	assert_int_equal(p->max_components, 200);
	assert_int_equal(p->price_per_month, 2000);
	assert_int_equal(p->charge_credits, 0);
}

static void assert_builtin_enterprise(const struct plan_cfg *p)
{
	assert_int_equal(p->requests_per_hour, 1000);
	assert_int_equal(p->tokens_per_month, 2000000);
	assert_int_equal(p->max_presets, -1);
	assert_int_equal(p->price_per_month, 10000);
}

static void builtins_without_sections(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, "", 0), 0);
	assert_int_equal(f->plans.n, 3);
	assert_int_equal(must_find(f, "free")->requests_per_hour, 20);
	assert_builtin_pro(must_find(f, "pro"));
	assert_builtin_enterprise(must_find(f, "enterprise"));
	assert_string_equal(f->plans.def->name, "free");
}

/* The issue: one [plan.free] key used to wipe pro and enterprise. */
static void section_overrides_only_its_keys(void **state)
{
	struct fixture *f = *state;
	const struct plan_cfg *p;
	assert_int_equal(load(f, "[plan.free]\nrequests_per_hour = 3\n", 0), 0);
	assert_int_equal(f->plans.n, 3);
	p = must_find(f, "free");
	assert_int_equal(p->requests_per_hour, 3);
	assert_int_equal(p->requests_per_day, 100);        /* built-in, untouched */
	assert_int_equal(p->tokens_per_month, 50000);
	assert_int_equal(p->max_presets, 5);
	assert_non_null(strstr(p->features, "20 requests an hour"));
	assert_builtin_pro(must_find(f, "pro"));
	assert_builtin_enterprise(must_find(f, "enterprise"));
	assert_ptr_equal(f->plans.def, p);

	/* An empty value, and "none". */
	assert_int_equal(load(f, "[plan.pro]\nrequests_per_hour =\ntokens_per_month = none\n"
				 "max_presets = -1\nfeatures = Team\nmodels = a, b c\n", 0), 0);
	p = must_find(f, "pro");
	assert_int_equal(p->requests_per_hour, 200);
	assert_int_equal(p->tokens_per_month, -1);
	assert_int_equal(p->max_presets, -1);
	assert_string_equal(p->features, "Team");
	assert_int_equal(p->nmodels, 3);
	assert_string_equal(p->models[2], "c");
	assert_int_equal(must_find(f, "free")->requests_per_hour, 20);
}

static void new_plan_next_to_builtins(void **state)
{
	struct fixture *f = *state;
	const struct plan_cfg *p;
	assert_int_equal(load(f, "[auth]\ndefault_plan = team\n"
				 "[plan.team]\nrequests_per_hour = 100\nprice_per_month = 1500\n", 0), 0);
	assert_int_equal(f->plans.n, 4);
	p = must_find(f, "team");
	assert_int_equal(p->requests_per_hour, 100);
	assert_int_equal(p->requests_per_day, -1);     /* a new plan names its limits */
	assert_int_equal(p->tokens_per_month, -1);
	assert_int_equal(p->price_per_month, 1500);
	assert_string_equal(p->features, "");
	assert_ptr_equal(f->plans.def, p);
	assert_builtin_pro(must_find(f, "pro"));
}

static void charge_credits_spellings(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *v;
		int want;
	} cases[] = {
		{ "yes", 1 }, { "true", 1 }, { "on", 1 }, { "1", 1 }, { "YES", 1 },
		{ "no", 0 }, { "false", 0 }, { "off", 0 }, { "0", 0 }, { "Off", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[96];
		snprintf(text, sizeof text, "[plan.pro]\ncharge_credits = %s\n", cases[i].v);
		assert_int_equal(load(f, text, 0), 0);
		assert_int_equal(must_find(f, "pro")->charge_credits, cases[i].want);
	}
	load_fails(f, "[plan.free]\nrequests_per_hour = 3\n\n[plan.pro]\ncharge_credits = maybe\n",
		   0, 5, "[plan.pro] charge_credits = maybe: expected true or false");
}

static void bad_numbers_name_the_line(void **state)
{
	struct fixture *f = *state;
	load_fails(f, "[plan.free]\nrequests_per_hour = 12abc\n", 0, 2,
		   "[plan.free] requests_per_hour = 12abc: expected a whole number, 0 or more, "
		   "or none");
	load_fails(f, "[plan.x]\nmax_presets = -2\n", 0, 2,
		   "[plan.x] max_presets = -2: expected a whole number, 0 or more, or none");
	load_fails(f, "; prices\n[plan.pro]\nprice_per_month = 15.00\n", 0, 3,
		   "[plan.pro] price_per_month = 15.00: expected a whole number from 0 to "
		   "9223372036854775807");
	load_fails(f, "[plan.pro]\nprice_per_month = none\n", 0, 2,
		   "[plan.pro] price_per_month = none: expected a whole number from 0 to "
		   "9223372036854775807");
	load_fails(f, "[auth]\ndefault_plan = gold\n", 0, 2,
		   "[auth] default_plan = gold: there is no such plan (or it has enabled = false)");
}

static void enabled_false_removes(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, "[plan.pro]\nenabled = false\n[plan.team]\nenabled = yes\n", 0), 0);
	assert_int_equal(f->plans.n, 3);
	assert_null(plan_find(&f->plans, "pro"));
	assert_non_null(plan_find(&f->plans, "team"));
	/* A user still on it has the default plan. */
	assert_ptr_equal(plan_effective(&f->plans, "pro", 0, 0), f->plans.def);
	assert_builtin_enterprise(must_find(f, "enterprise"));

	/* Without free, the first plan left is the default. */
	assert_int_equal(load(f, "[plan.free]\nenabled = off\n", 0), 0);
	assert_string_equal(f->plans.def->name, "pro");
	load_fails(f, "[auth]\ndefault_plan = pro\n[plan.pro]\nenabled = 0\n", 0, 2,
		   "[auth] default_plan = pro: there is no such plan (or it has enabled = false)");
	load_fails(f, "[plan.free]\nenabled = false\n[plan.pro]\nenabled = false\n"
		      "[plan.enterprise]\nenabled = false\n", 0, 0,
		   "every plan has enabled = false: keep at least one");
	load_fails(f, "[plan.pro]\nenabled = gone\n", 0, 2,
		   "[plan.pro] enabled = gone: expected true or false");
	/* A plan removed before the bad one is freed once (ASan checks). */
	load_fails(f, "[plan.free]\nenabled = no\n[plan.pro]\nenabled = gone\n", 0, 4,
		   "[plan.pro] enabled = gone: expected true or false");
}

/* The issue: `confab plan set free requests_per_hour 3` used to wipe pro
 * and enterprise too. */
static void plan_set_layers_on_top(void **state)
{
	struct fixture *f = *state;
	const struct plan_cfg *p;
	size_t n;
	plan_set(f, "free", "requests_per_hour", "3");
	assert_int_equal(load(f, "", 1), 0);
	assert_int_equal(f->plans.n, 3);
	assert_int_equal(must_find(f, "free")->requests_per_hour, 3);
	assert_int_equal(must_find(f, "free")->requests_per_day, 100);
	assert_builtin_pro(must_find(f, "pro"));
	assert_builtin_enterprise(must_find(f, "enterprise"));

	/* Over the file's section, key by key; the file's other keys stay. */
	plan_set(f, "pro", "charge_credits", "yes");
	plan_set(f, "pro", "models", "");
	assert_int_equal(load(f, "[plan.pro]\nrequests_per_day = 7\nrequests_per_hour = 8\n"
				 "models = a b\n", 1), 0);
	p = must_find(f, "pro");
	assert_int_equal(p->requests_per_day, 7);
	assert_int_equal(p->requests_per_hour, 8);
	assert_int_equal(p->tokens_per_month, 500000);
	assert_int_equal(p->charge_credits, 1);
	assert_int_equal(p->nmodels, 0);                  /* `plan set` emptied it: every model */
	assert_int_equal(must_find(f, "free")->requests_per_hour, 3);

	/* The config is left as the file made it. */
	n = f->cfg.n;
	plans_free(&f->plans);
	assert_int_equal(plans_load_db(&f->plans, &f->cfg, f->db, &f->err), 0);
	assert_int_equal(f->cfg.n, n);

	/* A new plan, and removing a built-in, from the command line. */
	plan_set(f, "team", "requests_per_hour", "9");
	plan_set(f, "enterprise", "enabled", "no");
	assert_int_equal(load(f, "", 1), 0);
	assert_int_equal(f->plans.n, 3);
	assert_int_equal(must_find(f, "team")->requests_per_hour, 9);
	assert_int_equal(must_find(f, "team")->requests_per_day, -1);
	assert_null(plan_find(&f->plans, "enterprise"));

	/* A bad stored value names where it came from. */
	plan_set(f, "pro", "charge_credits", "maybe");
	load_fails(f, "", 1, 0, "confab plan set: [plan.pro] charge_credits = maybe: "
				"expected true or false");
}

/* plans_sync keeps the plans it had when data.db's do not read. */
static void sync_keeps_plans_on_error(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(load(f, "[plan.free]\nrequests_per_hour = 4\n", 0), 0);
	plan_set(f, "free", "requests_per_hour", "many");
	plans_sync(&f->plans, &f->cfg, f->db, 5000);
	assert_int_equal(f->plans.n, 3);
	assert_int_equal(must_find(f, "free")->requests_per_hour, 4);
	plan_set(f, "free", "requests_per_hour", "6");
	plans_sync(&f->plans, &f->cfg, f->db, 7000);
	assert_int_equal(must_find(f, "free")->requests_per_hour, 6);
	assert_builtin_pro(must_find(f, "pro"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(builtins_without_sections),
		T(section_overrides_only_its_keys),
		T(new_plan_next_to_builtins),
		T(charge_credits_spellings),
		T(bad_numbers_name_the_line),
		T(enabled_false_removes),
		T(plan_set_layers_on_top),
		T(sync_keeps_plans_on_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
