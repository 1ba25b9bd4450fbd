-- Keys users bring for a provider ("bring your own key"). The key is sealed
-- with XChaCha20-Poly1305 under a subkey of the server's key file, with the
-- user id and provider name as associated data, so a row copied to another
-- user or provider does not open. Only the last four characters are kept
-- in the clear, to show which key is stored.
CREATE TABLE provider_keys (
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	provider   TEXT NOT NULL,                     -- the config's provider.NAME
	sealed     BLOB NOT NULL,                     -- nonce || ciphertext
	last4      TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, provider)
) STRICT;
