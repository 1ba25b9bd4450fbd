/* files.c — see files.h. */
#include "files.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int files_mkdirs(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, mode) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

int files_dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static int fail(char **err, const char *path, const char *what)
{
	if (asprintf(err, "%s: %s: %s", path, what, strerror(errno)) < 0)
		*err = NULL;
	return -1;
}

int files_write(const char *dst, const void *data, size_t len, mode_t mode, char **err)
{
	char *tmp;
	int fd, saved;
	*err = NULL;
	if (asprintf(&tmp, "%s.tmp", dst) < 0)
		die("out of memory");
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		fail(err, tmp, "cannot create");
		free(tmp);
		return -1;
	}
	/* The mode asked for, whatever the umask. */
	if (fchmod(fd, mode) || write(fd, data, len) != (ssize_t)len || fsync(fd)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		fail(err, tmp, "cannot write");
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, dst)) {
		fail(err, dst, "cannot rename into place");
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int files_copy(const char *src, const char *dst, mode_t mode, char **err)
{
	FILE *f = fopen(src, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, n;
	int rc;
	*err = NULL;
	if (!f)
		return fail(err, src, "cannot open");
	do {
		if (cap - len < 65536)
			data = xrealloc(data, cap = cap * 2 + 65536);
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		fclose(f);
		free(data);
		return fail(err, src, "cannot read");
	}
	fclose(f);
	rc = files_write(dst, data, len, mode, err);
	free(data);
	return rc;
}

ssize_t files_read(const char *path, void *buf, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -1;
	n = read(fd, buf, max);
	close(fd);
	return n;
}

int64_t files_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) ? -1 : (int64_t)sb.st_size;
}

void files_sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}
