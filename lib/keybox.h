/* keybox.h — sealing the provider keys users bring (docs/DESIGN.md: encrypted at
 * rest under the master key in the 0600 key file). XChaCha20-Poly1305 with
 * a subkey derived for this one purpose, bound to the user and provider. */
#ifndef CONFAB_KEYBOX_H
#define CONFAB_KEYBOX_H

#include <stddef.h>

/* Seal plain for (user_id, provider): a malloc'd nonce||ciphertext in *out.
 * 0 or -1. */
int keybox_seal(const unsigned char master[32], const char *user_id, const char *provider,
		const char *plain, unsigned char **out, size_t *outlen);
/* Open what keybox_seal made: the key (malloc'd; free with keybox_free), or
 * NULL if it was altered or belongs to another user or provider. */
char *keybox_open(const unsigned char master[32], const char *user_id, const char *provider,
		  const unsigned char *sealed, size_t len);
/* Wipe and free an opened key. */
void keybox_free(char *key);

/* Load (or create, 0600) the 32-byte server key at path. 0 or -1 with *err. */
int secret_load(const char *path, unsigned char key[32], int create, char **err);

#endif
