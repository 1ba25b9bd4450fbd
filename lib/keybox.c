/* keybox.c — see keybox.h. */
#include "keybox.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

/* Subkey 1 of context "provkeys": the CSRF key (the master itself) and
 * this one never coincide. */
static void subkey(const unsigned char master[32], unsigned char out[32])
{
	crypto_kdf_derive_from_key(out, 32, 1, "provkeys", master);
}

/* "user_id\0provider": what the seal is bound to. */
static unsigned char *binding(const char *user_id, const char *provider, size_t *n)
{
	size_t a = strlen(user_id), b = strlen(provider);
	unsigned char *ad = xmalloc(a + b + 1);
	memcpy(ad, user_id, a);
	ad[a] = 0;
	memcpy(ad + a + 1, provider, b);
	*n = a + b + 1;
	return ad;
}

int keybox_seal(const unsigned char master[32], const char *user_id, const char *provider,
		const char *plain, unsigned char **out, size_t *outlen)
{
	unsigned char k[32], *ad, *box;
	size_t adn, n = strlen(plain);
	unsigned long long clen;
	subkey(master, k);
	ad = binding(user_id, provider, &adn);
	box = xmalloc(NONCE + n + TAG);
	randombytes_buf(box, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE, &clen, (const unsigned char *)plain,
						   n, ad, adn, NULL, box, k);
	sodium_memzero(k, sizeof k);
	free(ad);
	*out = box;
	*outlen = NONCE + (size_t)clen;
	return 0;
}

char *keybox_open(const unsigned char master[32], const char *user_id, const char *provider,
		  const unsigned char *sealed, size_t len)
{
	unsigned char k[32], *ad;
	size_t adn;
	unsigned long long n;
	char *plain;
	int rc;
	if (len < NONCE + TAG)
		return NULL;
	subkey(master, k);
	ad = binding(user_id, provider, &adn);
	plain = xmalloc(len - NONCE - TAG + 1);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain, &n, NULL,
							sealed + NONCE, len - NONCE, ad, adn,
							sealed, k);
	sodium_memzero(k, sizeof k);
	free(ad);
	if (rc != 0) {
		free(plain);
		return NULL;
	}
	plain[n] = '\0';
	return plain;
}

void keybox_free(char *key)
{
	if (key) {
		sodium_memzero(key, strlen(key));
		free(key);
	}
}

int secret_load(const char *path, unsigned char key[32], int create, char **err)
{
	int fd = open(path, O_RDONLY);
	*err = NULL;
	if (fd < 0 && errno == ENOENT && create) {
		/* O_EXCL: of two processes starting at once, one writes the key
		 * and the other reads it. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			randombytes_buf(key, 32);
			if (write(fd, key, 32) != 32 || fsync(fd)) {
				close(fd);
				unlink(path);
				goto fail;
			}
			close(fd);
			return 0;
		}
		if (errno == EEXIST) {
			usleep(100 * 1000);
			fd = open(path, O_RDONLY);
		}
	}
	if (fd < 0)
		goto fail;
	if (read(fd, key, 32) != 32) {
		close(fd);
		errno = EINVAL;
		goto fail;
	}
	close(fd);
	return 0;
fail:
	if (asprintf(err, "key file %s: %s", path, strerror(errno)) < 0)
		*err = NULL;
	return -1;
}
