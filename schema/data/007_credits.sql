-- Credits (docs/DATA-MODEL.md): prepaid money in micro-dollars. The ledger is the
-- truth; credit_accounts.balance is its running sum, updated in the same
-- transaction as every ledger row, and can never go below zero. Both live
-- in data.db with the messages, so a send, its reservation and the
-- worker's settlement are each one transaction in one file.
CREATE TABLE credit_accounts (
	user_id    TEXT PRIMARY KEY,
	balance    INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
	updated_at INTEGER NOT NULL
) STRICT;

-- kind: grant (an administrator or the signup gift), purchase (a paid
-- checkout), usage (a request's real cost), refund, reserve (held when a
-- message is sent) and release (the hold given back when it is settled or
-- fails). amount adds to the balance (negative takes away). ref ties a row
-- to what caused it: a message id for reserve/release/usage, a payment
-- event id for purchase (UNIQUE: a replayed webhook grants once).
CREATE TABLE credit_ledger (
	id         INTEGER PRIMARY KEY,
	user_id    TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('grant', 'purchase', 'usage', 'refund',
	                                        'reserve', 'release')),
	amount     INTEGER NOT NULL,
	ref        TEXT,
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (kind, ref)
) STRICT;
CREATE INDEX credit_ledger_user ON credit_ledger(user_id, id);
