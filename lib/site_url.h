/* site_url.h — the site's own address, for a URL a browser is sent to.
 *
 * Redirects (Location must be absolute for text browsers such as lynx)
 * and billing's return address both need the scheme, host and port the
 * visitor reached. They come from the configured address when there is
 * one, else from the request — and then only a host name, an IP address
 * and a port number may pass into the URL. */
#ifndef CONFAB_SITE_URL_H
#define CONFAB_SITE_URL_H

/* The scheme, host and port (malloc'd, without a trailing slash):
 * configured when set (e.g. [server] public_url); else the request's:
 * https when it came over TLS, the host the server passed in HTTP_HOST
 * (nginx's $host carries no port) and, when that has none, the port the
 * server accepted the connection on (SERVER_PORT) unless it is the
 * scheme's own. NULL when host is not a host name, an IPv4 address or a
 * [bracketed] IPv6 one with an optional port, or the port not a number. */
char *site_url(const char *configured, int https, const char *host, const char *server_port);

/* 1 if the Origin header o ("" when absent) names host (HTTP_HOST). Host
 * names are compared without ports: nginx's stock fastcgi_params pass
 * HTTP_HOST as $host, which has none. Cookies are not port-scoped either. */
int site_origin_ok(const char *o, const char *host);

#endif
