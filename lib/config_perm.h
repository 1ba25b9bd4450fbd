/* config_perm.h — where the configuration file is; it holds provider keys and webhook
 * secrets: say so in the log when every user of the machine can read it. */
#ifndef CONFAB_CONFIG_PERM_H
#define CONFAB_CONFIG_PERM_H

/* Log a warning if PATH (may be NULL: no file) is readable or writable by
 * others. Returns 1 if it warned, 0 if not. */
int config_warn_perm(const char *path);

/* The configuration file: CONFAB_CONFIG, else SYSCONFDIR/confab/confab.ini
 * (CONFAB_CONFIG_FILE, from configure), which
 * may be missing (*allow_missing set) — then defaults apply. */
const char *config_file_path(int *allow_missing);

#endif
