/* log.h — one line per event on stderr, tagged with the process name and
 * the current request id, so a line in the web server's error log can be
 * traced to the request that caused it. */
#ifndef CONFAB_LOG_H
#define CONFAB_LOG_H

/* Name shown in every line (the executable); set once at start. */
void log_set_name(const char *name);
/* Request id for the lines that follow; NULL when between requests. */
void log_set_request(const char *reqid);

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
