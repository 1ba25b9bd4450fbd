/* vacuum_files.c — see vacuum_files.h. */
#include "vacuum_files.h"
#include "attach.h"
#include "store_attach.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int vacuum_files(struct db *db, const char *data_dir, int64_t min_age_ms)
{
	char *root;
	DIR *top;
	struct dirent *e;
	int gone = 0;
	time_t cutoff = time(NULL) - (time_t)(min_age_ms / 1000);

	if (asprintf(&root, "%s/files", data_dir) < 0)
		die("out of memory");
	if (!(top = opendir(root))) {
		free(root);
		return 0;
	}
	while ((e = readdir(top))) {
		char *sub;
		DIR *d;
		struct dirent *f;
		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", root, e->d_name) < 0)
			die("out of memory");
		if ((d = opendir(sub))) {
			while ((f = readdir(d))) {
				char *p;
				struct stat st;
				/* Only our own names: hashes and left-over temporaries. */
				int tmp = strncmp(f->d_name, ".tmp-", 5) == 0;
				if (!tmp && !attach_hash_valid(f->d_name))
					continue;
				if (asprintf(&p, "%s/%s", sub, f->d_name) < 0)
					die("out of memory");
				if (stat(p, &st) == 0 && st.st_mtime < cutoff &&
				    (tmp || !store_attach_referenced(db, f->d_name)) && unlink(p) == 0)
					gone++;
				free(p);
			}
			closedir(d);
		}
		free(sub);
	}
	closedir(top);
	free(root);
	return gone;
}
