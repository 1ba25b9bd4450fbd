-- Prompt components and presets (docs/DATA-MODEL.md). A preset names up to one
-- component of each type; deleting a component empties that slot (ON
-- DELETE SET NULL) and leaves the preset, now incomplete, for the user to
-- repair. user_id refers to users in user.db (no foreign key across files).

CREATE TABLE components (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL,
	type         TEXT NOT NULL CHECK (type IN ('role', 'style', 'context', 'mode')),
	name         TEXT NOT NULL CHECK (name != ''),
	content      TEXT NOT NULL CHECK (content != ''),
	description  TEXT NOT NULL DEFAULT '',
	tags         TEXT NOT NULL DEFAULT '',        -- "tag1,tag2": lowercase, no commas inside
	usage_count  INTEGER NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
	last_used_at INTEGER,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX components_user_type ON components(user_id, type);
CREATE INDEX components_user_name ON components(user_id, name);

CREATE TABLE presets (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL,
	name         TEXT NOT NULL CHECK (name != ''),
	description  TEXT NOT NULL DEFAULT '',
	role_id      TEXT REFERENCES components(id) ON DELETE SET NULL,
	style_id     TEXT REFERENCES components(id) ON DELETE SET NULL,
	context_id   TEXT REFERENCES components(id) ON DELETE SET NULL,
	mode_id      TEXT REFERENCES components(id) ON DELETE SET NULL,
	-- The slots the user filled when saving (1 role, 2 context, 4 style,
	-- 8 mode): a slot set here whose id is NULL lost its component.
	slots        INTEGER NOT NULL DEFAULT 0 CHECK (slots BETWEEN 0 AND 15),
	usage_count  INTEGER NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
	last_used_at INTEGER,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX presets_user ON presets(user_id, usage_count DESC);
-- Deleting a component finds the presets to update through these.
CREATE INDEX presets_role ON presets(role_id);
CREATE INDEX presets_style ON presets(style_id);
CREATE INDEX presets_context ON presets(context_id);
CREATE INDEX presets_mode ON presets(mode_id);

-- The chat's current preset (the specification's currentPresetId).
ALTER TABLE chats ADD COLUMN preset_id TEXT REFERENCES presets(id) ON DELETE SET NULL;
CREATE INDEX chats_preset ON chats(preset_id);

-- The specification's presetHistory, one row per switch. The name is kept so the
-- history still reads after the preset is renamed or deleted.
CREATE TABLE chat_preset_history (
	id          INTEGER PRIMARY KEY,
	chat_id     TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	preset_id   TEXT,                             -- NULL: "no preset"
	preset_name TEXT NOT NULL DEFAULT '',
	changed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_preset_history_chat ON chat_preset_history(chat_id, id);

-- Accounts that have been given the starter components, so that deleting
-- them all does not bring them back.
CREATE TABLE preset_starters (
	user_id    TEXT PRIMARY KEY,
	given_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
