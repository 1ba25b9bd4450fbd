-- The dashboard (docs/DATA-MODEL.md): request analytics, ratings, and rollups kept
-- up to date by triggers in the same transaction as the row they count, so
-- the dashboard reads a few small rows however many requests a user made.

-- Request analytics: one row per reply asked for (a send, an edit
-- or a regenerate), keyed by the assistant message. Written with the job
-- (store_analytics.c); kept when the message is replaced, as its usage row is.
CREATE TABLE request_analytics (
	message_id   TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL,
	chat_id      TEXT NOT NULL,
	request_type TEXT NOT NULL CHECK (request_type IN ('chat', 'code_generation', 'analysis')),
	category     TEXT NOT NULL,
	complexity   TEXT NOT NULL CHECK (complexity IN ('low', 'medium', 'high')),
	chosen       INTEGER NOT NULL DEFAULT 0 CHECK (chosen IN (0, 1)), -- 1: the user chose
	user_rating  INTEGER CHECK (user_rating BETWEEN 1 AND 5),
	vote         INTEGER CHECK (vote IN (-1, 1)),                     -- thumbs down / up
	created_at   INTEGER NOT NULL,
	rated_at     INTEGER
) STRICT;

-- Time to first token of the reply, copied from its message when the row is
-- written (the message may later be replaced; the log keeps it).
ALTER TABLE usage_logs ADD COLUMN ttft_ms INTEGER;

-- The specification's dashboard table, split by what is summed: per user, model and
-- category (category '' holds title and other non-request rows).
CREATE TABLE usage_rollup (
	user_id    TEXT NOT NULL,
	model      TEXT NOT NULL,
	category   TEXT NOT NULL,
	requests   INTEGER NOT NULL DEFAULT 0,   -- type 'chat' rows
	ok         INTEGER NOT NULL DEFAULT 0,   -- of which success or cached
	cached     INTEGER NOT NULL DEFAULT 0,
	other      INTEGER NOT NULL DEFAULT 0,   -- title (and other) rows
	tokens_in  INTEGER NOT NULL DEFAULT 0,   -- every row
	tokens_out INTEGER NOT NULL DEFAULT 0,
	cost       INTEGER NOT NULL DEFAULT 0,
	dur_sum    INTEGER NOT NULL DEFAULT 0,   -- over 'success' requests with a duration
	dur_n      INTEGER NOT NULL DEFAULT 0,
	ttft_sum   INTEGER NOT NULL DEFAULT 0,   -- over 'success' requests with a ttft
	ttft_n     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, model, category)
) STRICT, WITHOUT ROWID;

-- Requests per quarter hour (UTC ms / 900000): every zone in use today is
-- offset from UTC by whole quarter hours, so days in the user's zone are
-- unions of these. cum_* are the user's running totals up to and including
-- the bucket, so any span of time is two lookups (a day of a busy user
-- would otherwise be up to 96 rows to add). A row logged out of time order
-- updates the running totals of the later buckets.
CREATE TABLE usage_buckets (
	user_id      TEXT NOT NULL,
	bucket       INTEGER NOT NULL,
	requests     INTEGER NOT NULL DEFAULT 0,
	tokens       INTEGER NOT NULL DEFAULT 0,
	cost         INTEGER NOT NULL DEFAULT 0,
	cum_requests INTEGER NOT NULL DEFAULT 0,
	cum_tokens   INTEGER NOT NULL DEFAULT 0,
	cum_cost     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, bucket)
) STRICT, WITHOUT ROWID;

-- Ratings per user.
CREATE TABLE rating_rollup (
	user_id    TEXT PRIMARY KEY,
	rating_sum INTEGER NOT NULL DEFAULT 0,
	rating_n   INTEGER NOT NULL DEFAULT 0,
	up         INTEGER NOT NULL DEFAULT 0,
	down       INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TRIGGER usage_logs_rollup AFTER INSERT ON usage_logs BEGIN
	UPDATE usage_logs SET ttft_ms = (SELECT ttft_ms FROM messages WHERE id = NEW.message_id)
	 WHERE rowid = NEW.rowid AND NEW.type = 'chat' AND NEW.ttft_ms IS NULL;
	INSERT INTO usage_rollup (user_id, model, category, requests, ok, cached, other,
	                          tokens_in, tokens_out, cost, dur_sum, dur_n, ttft_sum, ttft_n)
	SELECT NEW.user_id, NEW.model,
	       CASE WHEN NEW.type = 'chat' THEN coalesce((SELECT category FROM request_analytics
	            WHERE message_id = NEW.message_id), 'general') ELSE '' END,
	       NEW.type = 'chat', NEW.type = 'chat' AND NEW.status IN ('success', 'cached'),
	       NEW.type = 'chat' AND NEW.status = 'cached', NEW.type != 'chat',
	       NEW.tokens_in, NEW.tokens_out, NEW.cost,
	       CASE WHEN ok THEN NEW.duration_ms ELSE 0 END, ok AND NEW.duration_ms IS NOT NULL,
	       CASE WHEN ok THEN coalesce(t, 0) ELSE 0 END, ok AND t IS NOT NULL
	  FROM (SELECT NEW.type = 'chat' AND NEW.status = 'success' AND NEW.duration_ms IS NOT NULL AS ok,
	               (SELECT ttft_ms FROM usage_logs WHERE rowid = NEW.rowid) AS t) WHERE true
	ON CONFLICT (user_id, model, category) DO UPDATE SET
		requests = requests + excluded.requests, ok = ok + excluded.ok,
		cached = cached + excluded.cached, other = other + excluded.other,
		tokens_in = tokens_in + excluded.tokens_in,
		tokens_out = tokens_out + excluded.tokens_out, cost = cost + excluded.cost,
		dur_sum = dur_sum + excluded.dur_sum, dur_n = dur_n + excluded.dur_n,
		ttft_sum = ttft_sum + excluded.ttft_sum, ttft_n = ttft_n + excluded.ttft_n;
	INSERT INTO usage_buckets (user_id, bucket, requests, tokens, cost, cum_requests,
	                           cum_tokens, cum_cost)
	SELECT NEW.user_id, NEW.created_at / 900000, NEW.type = 'chat',
	       NEW.tokens_in + NEW.tokens_out, NEW.cost,
	       (NEW.type = 'chat') + coalesce(p.cum_requests, 0),
	       NEW.tokens_in + NEW.tokens_out + coalesce(p.cum_tokens, 0),
	       NEW.cost + coalesce(p.cum_cost, 0)
	  FROM (SELECT 1) LEFT JOIN (SELECT cum_requests, cum_tokens, cum_cost FROM usage_buckets
	        WHERE user_id = NEW.user_id AND bucket < NEW.created_at / 900000
	        ORDER BY bucket DESC LIMIT 1) p ON true
	 WHERE true
	ON CONFLICT (user_id, bucket) DO UPDATE SET requests = requests + excluded.requests,
		tokens = tokens + excluded.tokens, cost = cost + excluded.cost,
		cum_requests = cum_requests + excluded.requests,
		cum_tokens = cum_tokens + excluded.tokens, cum_cost = cum_cost + excluded.cost;
	UPDATE usage_buckets SET cum_requests = cum_requests + (NEW.type = 'chat'),
		cum_tokens = cum_tokens + NEW.tokens_in + NEW.tokens_out,
		cum_cost = cum_cost + NEW.cost
	 WHERE user_id = NEW.user_id AND bucket > NEW.created_at / 900000;
END;

CREATE TRIGGER request_analytics_rated AFTER UPDATE OF user_rating, vote ON request_analytics
BEGIN
	INSERT INTO rating_rollup (user_id, rating_sum, rating_n, up, down)
	VALUES (NEW.user_id,
	        coalesce(NEW.user_rating, 0) - coalesce(OLD.user_rating, 0),
	        (NEW.user_rating IS NOT NULL) - (OLD.user_rating IS NOT NULL),
	        coalesce(NEW.vote = 1, 0) - coalesce(OLD.vote = 1, 0),
	        coalesce(NEW.vote = -1, 0) - coalesce(OLD.vote = -1, 0))
	ON CONFLICT (user_id) DO UPDATE SET rating_sum = rating_sum + excluded.rating_sum,
		rating_n = rating_n + excluded.rating_n, up = up + excluded.up,
		down = down + excluded.down;
END;

-- What was logged before this migration: no analytics, so 'general'.
UPDATE usage_logs SET ttft_ms = (SELECT ttft_ms FROM messages m WHERE m.id = usage_logs.message_id)
 WHERE type = 'chat';
INSERT INTO usage_rollup (user_id, model, category, requests, ok, cached, other, tokens_in,
                          tokens_out, cost, dur_sum, dur_n, ttft_sum, ttft_n)
SELECT user_id, model, CASE WHEN type = 'chat' THEN 'general' ELSE '' END,
       sum(type = 'chat'), sum(type = 'chat' AND status IN ('success', 'cached')),
       sum(type = 'chat' AND status = 'cached'), sum(type != 'chat'),
       sum(tokens_in), sum(tokens_out), sum(cost),
       coalesce(sum(CASE WHEN type = 'chat' AND status = 'success' THEN duration_ms END), 0),
       count(CASE WHEN type = 'chat' AND status = 'success' THEN duration_ms END),
       coalesce(sum(CASE WHEN type = 'chat' AND status = 'success' AND duration_ms IS NOT NULL
                         THEN ttft_ms END), 0),
       count(CASE WHEN type = 'chat' AND status = 'success' AND duration_ms IS NOT NULL
                  THEN ttft_ms END)
  FROM usage_logs GROUP BY 1, 2, 3;
INSERT INTO usage_buckets (user_id, bucket, requests, tokens, cost, cum_requests, cum_tokens,
                           cum_cost)
SELECT user_id, bucket, requests, tokens, cost,
       sum(requests) OVER w, sum(tokens) OVER w, sum(cost) OVER w
  FROM (SELECT user_id, created_at / 900000 AS bucket, sum(type = 'chat') AS requests,
               sum(tokens_in + tokens_out) AS tokens, sum(cost) AS cost
          FROM usage_logs GROUP BY 1, 2)
WINDOW w AS (PARTITION BY user_id ORDER BY bucket);
