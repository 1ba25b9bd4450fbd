/* config_perm.h — the configuration file holds provider keys and webhook
 * secrets: say so in the log when every user of the machine can read it. */
#ifndef CONFAB_CONFIG_PERM_H
#define CONFAB_CONFIG_PERM_H

/* Log a warning if PATH (may be NULL: no file) is readable or writable by
 * others. Returns 1 if it warned, 0 if not. */
int config_warn_perm(const char *path);

#endif
