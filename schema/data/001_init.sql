-- data.db: chats, messages, usage, models and plans. Times are Unix
-- milliseconds (UTC); money is integer micro-dollars. user_id columns refer
-- to users in user.db: no foreign key can cross files.

CREATE TABLE plans (
	name                   TEXT PRIMARY KEY,
	requests_per_hour      INTEGER,               -- NULL: no limit
	requests_per_day       INTEGER,
	requests_per_month     INTEGER,
	tokens_per_month       INTEGER,
	max_tokens_per_request INTEGER,
	max_presets            INTEGER,
	max_components         INTEGER,
	models                 TEXT NOT NULL DEFAULT '',  -- space-separated ids; '' = all
	features               TEXT NOT NULL DEFAULT '',  -- one feature a line
	price_per_month        INTEGER NOT NULL DEFAULT 0 CHECK (price_per_month >= 0), -- cents
	updated_at             INTEGER NOT NULL
) STRICT;

-- The model capabilities table. Prices are micro-dollars per million tokens.
CREATE TABLE models (
	id          TEXT PRIMARY KEY,                 -- the config's model.ID
	provider    TEXT NOT NULL,
	name        TEXT NOT NULL,                    -- display name
	api_model   TEXT NOT NULL DEFAULT '',         -- the provider's own model name
	context     INTEGER NOT NULL DEFAULT 0,
	max_output  INTEGER NOT NULL DEFAULT 0,
	images      INTEGER NOT NULL DEFAULT 0 CHECK (images IN (0, 1)),
	pdfs        INTEGER NOT NULL DEFAULT 0 CHECK (pdfs IN (0, 1)),
	reasoning   INTEGER NOT NULL DEFAULT 0 CHECK (reasoning IN (0, 1)),
	price_in    INTEGER NOT NULL CHECK (price_in >= 0),
	price_out   INTEGER NOT NULL CHECK (price_out >= 0),
	is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE chats (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL,
	title         TEXT NOT NULL DEFAULT '',
	model         TEXT,
	system_prompt TEXT NOT NULL DEFAULT '',
	visibility    TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
	pinned        INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
	total_tokens  INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;
-- The chat list: a user's chats, pinned first, newest first.
CREATE INDEX chats_user_list ON chats(user_id, pinned DESC, updated_at DESC);

CREATE TABLE messages (
	id           TEXT PRIMARY KEY,
	chat_id      TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,                -- order within the chat
	role         TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
	content      TEXT NOT NULL DEFAULT '',
	html         TEXT,                            -- rendered markdown, once done
	status       TEXT NOT NULL DEFAULT 'done'
	             CHECK (status IN ('queued', 'running', 'done', 'failed', 'stopped')),
	model        TEXT,
	tokens_in    INTEGER NOT NULL DEFAULT 0,
	tokens_out   INTEGER NOT NULL DEFAULT 0,
	cost         INTEGER NOT NULL DEFAULT 0,      -- micro-dollars
	ttft_ms      INTEGER,                         -- time to first token
	response_ms  INTEGER,                         -- total response time
	error        TEXT,
	created_at   INTEGER NOT NULL,
	completed_at INTEGER,
	UNIQUE (chat_id, seq)
) STRICT;

-- One row per provider request (docs/DATA-MODEL.md: the usage log).
CREATE TABLE usage_logs (
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
	status      TEXT NOT NULL CHECK (status IN ('success', 'error', 'throttled', 'cached')),
	duration_ms INTEGER,
	error       TEXT,
	ip          TEXT NOT NULL DEFAULT '',
	user_agent  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX usage_logs_user_time ON usage_logs(user_id, created_at);
CREATE INDEX usage_logs_chat ON usage_logs(chat_id);
