-- Subscriptions (docs/DATA-MODEL.md): one row per user, kept by the billing webhooks
-- (cgi-bin/webhooks.c). users.plan and users.plan_expires_at follow the
-- row: the plan until the end of the paid period (or until the
-- subscription ended, when it was cancelled at once).
CREATE TABLE subscriptions (
	user_id         TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	provider        TEXT NOT NULL CHECK (provider IN ('stripe', 'polar')),
	customer_id     TEXT NOT NULL DEFAULT '',
	subscription_id TEXT NOT NULL,
	plan            TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'past_due')),
	period_start    INTEGER,
	period_end      INTEGER,
	cancel_at_period_end INTEGER NOT NULL DEFAULT 0 CHECK (cancel_at_period_end IN (0, 1)),
	ended_at        INTEGER,
	event_at        INTEGER NOT NULL DEFAULT 0,   -- the newest event applied: older ones are skipped
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX subscriptions_external ON subscriptions(provider, subscription_id);
CREATE INDEX subscriptions_customer ON subscriptions(provider, customer_id);

-- Webhook events already acted on, so a replay (the provider retries until
-- it gets a 2xx, and an attacker may resend a capture) does nothing twice.
CREATE TABLE billing_events (
	provider    TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	type        TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	PRIMARY KEY (provider, event_id)
) STRICT;
