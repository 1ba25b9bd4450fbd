-- Lookups of the live jobs by user (the plan's held tokens, counted on every
-- send) and by chat (is a reply in progress, asked on every chat page):
-- without these each scanned every job, a thousand with a thousand streams.
CREATE INDEX jobs_user ON jobs(user_id);
CREATE INDEX jobs_chat ON jobs(chat_id);
