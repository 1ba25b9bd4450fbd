/* attach.c — see attach.h. */
#include "attach.h"
#include "files.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

const char *attach_sniff(const unsigned char *d, size_t n)
{
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	return NULL;
}

int attach_is_image(const char *type)
{
	return type && strncmp(type, "image/", 6) == 0;
}

int attach_hash_valid(const char *s)
{
	size_t i;
	for (i = 0; s && s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s && i == ATTACH_HASH_LEN;
}

char *attach_path(const char *data_dir, const char *hash)
{
	char *p;
	if (asprintf(&p, "%s/files/%.2s/%s", data_dir, hash, hash) < 0)
		die("out of memory");
	return p;
}

int attach_store(const char *data_dir, const unsigned char *d, size_t n,
		 char hash[ATTACH_HASH_LEN + 1], char **err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *path, *dir, *tmp;
	int fd, rc = -1;
	struct stat st;

	*err = NULL;
	crypto_hash_sha256(h, d, n);
	hex_encode(hash, h, sizeof h);
	path = attach_path(data_dir, hash);
	if (stat(path, &st) == 0 && (size_t)st.st_size == n) {
		/* Fresh again, so a sweep leaves it until the row is in. */
		utimensat(AT_FDCWD, path, NULL, 0);
		free(path);
		return 0;
	}
	dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	/* A temporary name of our own: two sends of the same file may race. */
	if (asprintf(&tmp, "%s/.tmp-XXXXXX", dir) < 0)
		die("out of memory");
	if (files_mkdirs(dir, 0700) || (fd = mkstemp(tmp)) < 0) {
		if (asprintf(err, "%s: %s", dir, strerror(errno)) < 0)
			*err = NULL;
		goto out;
	}
	if (fchmod(fd, 0600) || write(fd, d, n) != (ssize_t)n || fsync(fd) ||
	    close(fd) || rename(tmp, path)) {
		if (asprintf(err, "%s: %s", path, strerror(errno)) < 0)
			*err = NULL;
		unlink(tmp);
		goto out;
	}
	files_sync_dir(dir);
	rc = 0;
out:
	free(tmp);
	free(dir);
	free(path);
	return rc;
}

unsigned char *attach_load(const char *data_dir, const char *hash, size_t *len)
{
	char *path = attach_path(data_dir, hash);
	int64_t size = files_size(path);
	unsigned char *d = NULL;
	if (size >= 0) {
		d = xmalloc((size_t)size + 1);
		if (files_read(path, d, (size_t)size) != (ssize_t)size) {
			free(d);
			d = NULL;
		}
		*len = (size_t)size;
	}
	free(path);
	return d;
}
