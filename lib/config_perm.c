/* config_perm.c — see config_perm.h. */
#include "config_perm.h"

#include "log.h"

#include <stdlib.h>
#include <sys/stat.h>

int config_warn_perm(const char *path)
{
	struct stat sb;
	if (!path || stat(path, &sb) || !(sb.st_mode & (S_IROTH | S_IWOTH)))
		return 0;
	log_warn("%s can be %s by every user of this machine (mode %04o), and it holds "
		 "provider keys and webhook secrets: chmod 0600 it (0640 with the group of "
		 "the site's user)", path,
		 !(sb.st_mode & S_IWOTH) ? "read" : !(sb.st_mode & S_IROTH) ? "changed" : "read and changed",
		 (unsigned)(sb.st_mode & 07777));
	return 1;
}

const char *config_file_path(int *allow_missing)
{
	const char *p = getenv("CONFAB_CONFIG");
	*allow_missing = !(p && *p);
	return p && *p ? p : CONFAB_CONFIG_FILE;
}
