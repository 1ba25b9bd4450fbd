-- A deleted chat goes to the trash first: deleted_at is when (Unix ms);
-- NULL is a live chat. Every page ignores a trashed chat but the trash's own
-- (restore, delete forever); the vacuum purges it, its messages and their
-- file links with it (ON DELETE CASCADE), [chat] trash_days after. Its
-- usage rows never referred to it by key, so what it spent stays counted.
ALTER TABLE chats ADD COLUMN deleted_at INTEGER;
-- Only trashed chats are in these: a user's trash, newest first, and the
-- vacuum's look for the ones past their time.
CREATE INDEX chats_trash ON chats(user_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX chats_trash_age ON chats(deleted_at) WHERE deleted_at IS NOT NULL;
