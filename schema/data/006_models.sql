-- The model registry beside the config: the models table (001) holds the
-- models added with `confab model add`; model_state switches any model,
-- from the config or the table, on or off (`confab model enable|disable`).
-- A model with no row here is active.
CREATE TABLE model_state (
	id         TEXT PRIMARY KEY,
	is_active  INTEGER NOT NULL CHECK (is_active IN (0, 1)),
	updated_at INTEGER NOT NULL
) STRICT;

-- Where the request came from, for its usage log row (written by the
-- worker, which never sees the HTTP request).
ALTER TABLE jobs ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
-- Whose key a request went out on: the server's, or the user's own (then it
-- is never charged to the user's credits).
ALTER TABLE usage_logs ADD COLUMN key_source TEXT NOT NULL DEFAULT 'server'
	CHECK (key_source IN ('server', 'user'));

-- The response cache (the specification's model_cache): a deterministic hash of what
-- was asked (provider, endpoint, and the whole request body: model, system
-- prompt, messages, parameters; and the user unless [cache] shared) to the
-- answer, until it expires.
CREATE TABLE model_cache (
	hash       TEXT PRIMARY KEY,
	model      TEXT NOT NULL,
	response   TEXT NOT NULL,
	tokens_in  INTEGER NOT NULL DEFAULT 0,
	tokens_out INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX model_cache_expiry ON model_cache(expires_at);
-- 0: this request wants a fresh answer (a regenerate).
ALTER TABLE jobs ADD COLUMN use_cache INTEGER NOT NULL DEFAULT 1 CHECK (use_cache IN (0, 1));
