-- user.db: identity and secrets. Times are Unix milliseconds (UTC).

CREATE TABLE users (
	id            TEXT PRIMARY KEY,               -- random UUID
	email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	image         TEXT,                           -- URL of an avatar, optional
	password_hash TEXT NOT NULL,                  -- argon2id, libsodium's string form
	plan          TEXT NOT NULL DEFAULT 'free',
	plan_expires_at INTEGER,
	timezone      TEXT NOT NULL DEFAULT 'UTC',    -- IANA name, e.g. America/Denver
	credits       INTEGER NOT NULL DEFAULT 0 CHECK (credits >= 0), -- micro-dollars
	is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
	is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
	last_login_at INTEGER,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

-- A session is found by the hash of its cookie: a stolen database file
-- does not yield working cookies.
CREATE TABLE sessions (
	token_hash   TEXT PRIMARY KEY,                -- hex SHA-256 of the cookie value
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,                -- absolute expiry
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Failed sign-ins, for throttling per account (kind 'email') and per
-- address (kind 'ip'). Old rows are pruned when new ones are written.
CREATE TABLE login_failures (
	id   INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('email', 'ip')),
	key  TEXT NOT NULL,
	at   INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures(kind, key, at);
