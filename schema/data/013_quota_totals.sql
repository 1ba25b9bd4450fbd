-- The plan's counts (lib/store_quota.c) as running totals, so that the
-- check inside every send's transaction, the dashboard and the Plan & usage
-- page read two rows a window instead of a month of request_log and
-- usage_logs rows (about 8,000 each for a user with 100,000 requests).
-- Kept by triggers in the transaction of the row they count, like
-- usage_buckets (009_dashboard.sql), so a burst of sends stays exact.

-- Per user and quarter hour (UTC ms / 900000): days and months in any zone
-- in use today start on a quarter hour, so a window is the latest running
-- total minus the one before its start (store_quota.c counts the rows of a
-- start that is not on a quarter hour itself). requests: request_log rows;
-- tokens: usage_logs tokens that count against tokens_per_month (type
-- 'chat' on the server's keys, 'success' or 'error'). cum_*: the user's
-- totals up to and including the bucket.
CREATE TABLE quota_buckets (
	user_id      TEXT NOT NULL,
	bucket       INTEGER NOT NULL,
	requests     INTEGER NOT NULL DEFAULT 0,
	tokens       INTEGER NOT NULL DEFAULT 0,
	cum_requests INTEGER NOT NULL DEFAULT 0,
	cum_tokens   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, bucket)
) STRICT, WITHOUT ROWID;

-- A change to the totals at time at (ms). Inserting into this view applies
-- it: the triggers below share this one copy of the arithmetic. A row
-- counted out of time order moves the running totals of later buckets.
CREATE VIEW quota_delta (user_id, at, requests, tokens) AS
	SELECT NULL, NULL, NULL, NULL WHERE false;

CREATE TRIGGER quota_delta_apply INSTEAD OF INSERT ON quota_delta BEGIN
	INSERT INTO quota_buckets (user_id, bucket, requests, tokens, cum_requests, cum_tokens)
	SELECT NEW.user_id, NEW.at / 900000, NEW.requests, NEW.tokens,
	       NEW.requests + coalesce(p.cum_requests, 0), NEW.tokens + coalesce(p.cum_tokens, 0)
	  FROM (SELECT 1) LEFT JOIN (SELECT cum_requests, cum_tokens FROM quota_buckets
	        WHERE user_id = NEW.user_id AND bucket < NEW.at / 900000
	        ORDER BY bucket DESC LIMIT 1) p ON true
	 WHERE true
	ON CONFLICT (user_id, bucket) DO UPDATE SET requests = requests + excluded.requests,
		tokens = tokens + excluded.tokens,
		cum_requests = cum_requests + excluded.requests,
		cum_tokens = cum_tokens + excluded.tokens;
	UPDATE quota_buckets SET cum_requests = cum_requests + NEW.requests,
		cum_tokens = cum_tokens + NEW.tokens
	 WHERE user_id = NEW.user_id AND bucket > NEW.at / 900000;
END;

-- request_log: written by quota_admit; never changed by confab itself, but
-- an operator's correction (or a test moving requests back in time) must
-- keep the totals true, so updates and deletes count too.
CREATE TRIGGER request_log_quota_insert AFTER INSERT ON request_log BEGIN
	INSERT INTO quota_delta VALUES (NEW.user_id, NEW.created_at, 1, 0);
END;
CREATE TRIGGER request_log_quota_delete AFTER DELETE ON request_log BEGIN
	INSERT INTO quota_delta VALUES (OLD.user_id, OLD.created_at, -1, 0);
END;
CREATE TRIGGER request_log_quota_update AFTER UPDATE OF user_id, created_at ON request_log BEGIN
	INSERT INTO quota_delta VALUES (OLD.user_id, OLD.created_at, -1, 0);
	INSERT INTO quota_delta VALUES (NEW.user_id, NEW.created_at, 1, 0);
END;

-- usage_logs: the rows that count against tokens_per_month (the rule of
-- store_quota.c: a user's own key costs the operator nothing; cached
-- answers, titles and refusals are not tokens a provider spent on a reply).
CREATE TRIGGER usage_logs_quota_insert AFTER INSERT ON usage_logs
WHEN NEW.type = 'chat' AND NEW.key_source = 'server' AND NEW.status IN ('success', 'error')
BEGIN
	INSERT INTO quota_delta VALUES (NEW.user_id, NEW.created_at, 0, NEW.tokens_in + NEW.tokens_out);
END;
CREATE TRIGGER usage_logs_quota_delete AFTER DELETE ON usage_logs
WHEN OLD.type = 'chat' AND OLD.key_source = 'server' AND OLD.status IN ('success', 'error')
BEGIN
	INSERT INTO quota_delta VALUES (OLD.user_id, OLD.created_at, 0, -(OLD.tokens_in + OLD.tokens_out));
END;
CREATE TRIGGER usage_logs_quota_update
AFTER UPDATE OF user_id, created_at, type, key_source, status, tokens_in, tokens_out ON usage_logs
BEGIN
	INSERT INTO quota_delta SELECT OLD.user_id, OLD.created_at, 0, -(OLD.tokens_in + OLD.tokens_out)
	 WHERE OLD.type = 'chat' AND OLD.key_source = 'server' AND OLD.status IN ('success', 'error');
	INSERT INTO quota_delta SELECT NEW.user_id, NEW.created_at, 0, NEW.tokens_in + NEW.tokens_out
	 WHERE NEW.type = 'chat' AND NEW.key_source = 'server' AND NEW.status IN ('success', 'error');
END;

-- What was logged before this migration.
INSERT INTO quota_buckets (user_id, bucket, requests, tokens, cum_requests, cum_tokens)
SELECT user_id, bucket, requests, tokens, sum(requests) OVER w, sum(tokens) OVER w
  FROM (SELECT user_id, bucket, sum(requests) AS requests, sum(tokens) AS tokens
          FROM (SELECT user_id, created_at / 900000 AS bucket, 1 AS requests, 0 AS tokens
                  FROM request_log
                UNION ALL
                SELECT user_id, created_at / 900000, 0, tokens_in + tokens_out FROM usage_logs
                 WHERE type = 'chat' AND key_source = 'server' AND status IN ('success', 'error'))
         GROUP BY 1, 2)
WINDOW w AS (PARTITION BY user_id ORDER BY bucket);
