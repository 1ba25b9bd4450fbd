-- Changes to plans made with `confab plan set NAME KEY VALUE`: they take
-- the place of the config's [plan.NAME] KEY (or make a new plan), and
-- running pages pick them up within a second (lib/plans.c plans_sync).
CREATE TABLE plan_settings (
	plan       TEXT NOT NULL,
	key        TEXT NOT NULL,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (plan, key)
) STRICT;
