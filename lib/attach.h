/* attach.h — attachment files: what kind of file the bytes really are (by
 * their first bytes, never by the browser's claim), and where they live:
 * DATA/files/ab/abcdef… named by their SHA-256, written atomically, 0600.
 * The same file sent twice is stored once. The rows that link messages to
 * files are in store_attach.h; the sweep of files no row names any more is
 * vacuum_files.h's. */
#ifndef CONFAB_ATTACH_H
#define CONFAB_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#define ATTACH_HASH_LEN 64

/* "image/png", "image/jpeg", "image/webp", "image/gif" or "application/pdf"
 * for the bytes, or NULL when they are none of those. */
const char *attach_sniff(const unsigned char *d, size_t n);

/* 1 for the image types above, 0 for a PDF. */
int attach_is_image(const char *type);

/* 1 if s is a hash as attach_store names files (64 lowercase hex). */
int attach_hash_valid(const char *s);

/* The file's path (malloc'd). */
char *attach_path(const char *data_dir, const char *hash);

/* Store the bytes (unless a file with their hash is already there); fills
 * hash. 0, or -1 with *err (malloc'd). */
int attach_store(const char *data_dir, const unsigned char *d, size_t n,
		 char hash[ATTACH_HASH_LEN + 1], char **err);

/* The whole file (malloc'd, *len set), or NULL when missing. */
unsigned char *attach_load(const char *data_dir, const char *hash, size_t *len);

#endif
