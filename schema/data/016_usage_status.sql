-- Usage rows say how a reply ended: `stopped` (the user stopped it; its
-- tokens are billed and charged) and `interrupted` (cut by a worker crash;
-- its tokens estimated, not charged) join success, error, throttled and
-- cached. A CHECK cannot be altered in SQLite: the table is rebuilt, and
-- with it its indexes and the triggers of 009 and 013 (unchanged but for
-- the statuses the plan's token count takes: every reply the provider
-- billed on the server's key). docs/ACCOUNTING.md.
CREATE TABLE usage_logs_new (
	id          TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL,
	chat_id     TEXT,
	message_id  TEXT,
	type        TEXT NOT NULL DEFAULT 'chat',     -- chat, title, embedding
	provider    TEXT NOT NULL DEFAULT '',
	model       TEXT NOT NULL DEFAULT '',
	tokens_in   INTEGER NOT NULL DEFAULT 0,
	tokens_out  INTEGER NOT NULL DEFAULT 0,
	cost        INTEGER NOT NULL DEFAULT 0,
	status      TEXT NOT NULL CHECK (status IN ('success', 'error', 'throttled', 'cached',
	                                            'stopped', 'interrupted')),
	duration_ms INTEGER,
	error       TEXT,
	ip          TEXT NOT NULL DEFAULT '',
	user_agent  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	key_source  TEXT NOT NULL DEFAULT 'server' CHECK (key_source IN ('server', 'user')),
	ttft_ms     INTEGER
) STRICT;
INSERT INTO usage_logs_new (id, user_id, chat_id, message_id, type, provider, model, tokens_in,
                            tokens_out, cost, status, duration_ms, error, ip, user_agent,
                            created_at, key_source, ttft_ms)
SELECT id, user_id, chat_id, message_id, type, provider, model, tokens_in, tokens_out, cost,
       status, duration_ms, error, ip, user_agent, created_at, key_source, ttft_ms
  FROM usage_logs;
DROP TABLE usage_logs;
ALTER TABLE usage_logs_new RENAME TO usage_logs;
CREATE INDEX usage_logs_user_time ON usage_logs(user_id, created_at);
CREATE INDEX usage_logs_chat ON usage_logs(chat_id);

-- 009's rollup, as it was.
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

-- 013's plan token count, with the new statuses.
CREATE TRIGGER usage_logs_quota_insert AFTER INSERT ON usage_logs
WHEN NEW.type = 'chat' AND NEW.key_source = 'server'
 AND NEW.status IN ('success', 'error', 'stopped', 'interrupted')
BEGIN
	INSERT INTO quota_delta VALUES (NEW.user_id, NEW.created_at, 0, NEW.tokens_in + NEW.tokens_out);
END;
CREATE TRIGGER usage_logs_quota_delete AFTER DELETE ON usage_logs
WHEN OLD.type = 'chat' AND OLD.key_source = 'server'
 AND OLD.status IN ('success', 'error', 'stopped', 'interrupted')
BEGIN
	INSERT INTO quota_delta VALUES (OLD.user_id, OLD.created_at, 0, -(OLD.tokens_in + OLD.tokens_out));
END;
CREATE TRIGGER usage_logs_quota_update
AFTER UPDATE OF user_id, created_at, type, key_source, status, tokens_in, tokens_out ON usage_logs
BEGIN
	INSERT INTO quota_delta SELECT OLD.user_id, OLD.created_at, 0, -(OLD.tokens_in + OLD.tokens_out)
	 WHERE OLD.type = 'chat' AND OLD.key_source = 'server'
	   AND OLD.status IN ('success', 'error', 'stopped', 'interrupted');
	INSERT INTO quota_delta SELECT NEW.user_id, NEW.created_at, 0, NEW.tokens_in + NEW.tokens_out
	 WHERE NEW.type = 'chat' AND NEW.key_source = 'server'
	   AND NEW.status IN ('success', 'error', 'stopped', 'interrupted');
END;
