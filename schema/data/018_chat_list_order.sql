-- The chat list's order ends in id, so that chats updated in the same
-- millisecond keep their places; the index stopped at updated_at, and
-- SQLite sorted every chat of the user in a temporary b-tree to take the
-- first 20 (the sidebar of every page). With id in it, it reads 20.
DROP INDEX chats_user_list;
CREATE INDEX chats_user_list ON chats(user_id, pinned DESC, updated_at DESC, id);
