/* files.h — small file-system helpers for the command line and backups. */
#ifndef CONFAB_FILES_H
#define CONFAB_FILES_H

#include <stdint.h>
#include <sys/types.h>

/* mkdir -p: parents with 0755, the last one with mode. 0 or -1 (errno). */
int files_mkdirs(const char *path, mode_t mode);

/* 1 if path is a directory with nothing in it, 0 if it has entries, -1 if
 * it cannot be read (errno; ENOENT when missing). */
int files_dir_empty(const char *path);

/* Copy src to dst whole or not at all: write dst.tmp with mode, fsync,
 * rename over dst. 0 or -1 with *err (malloc'd). */
int files_copy(const char *src, const char *dst, mode_t mode, char **err);

/* Write len bytes to dst the same way. 0 or -1 with *err. */
int files_write(const char *dst, const void *data, size_t len, mode_t mode, char **err);

/* Read at most max bytes of path into buf; the count or -1 (errno). */
ssize_t files_read(const char *path, void *buf, size_t max);

/* Size in bytes, or -1 when missing. */
int64_t files_size(const char *path);

/* fsync a directory, so a rename or a new file in it survives a crash. */
void files_sync_dir(const char *path);

#endif
