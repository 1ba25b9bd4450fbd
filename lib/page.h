/* page.h — rendering whole pages: the shared layout (sidebar with the chat
 * list and the account), error pages and field errors. */
#ifndef CONFAB_PAGE_H
#define CONFAB_PAGE_H

struct req;
struct tval;

/* A new template context with everything the layout needs: title, csrf,
 * flash, the user and the sidebar's chats (active_chat, which may be NULL,
 * marked current). Allocated in the request arena. */
struct tval *page_ctx(struct req *r, const char *title, const char *active_chat);
/* Render templates/PAGE.html inside templates/layout.html with status.
 * Returns status. */
int page_render(struct req *r, int status, const char *page, struct tval *ctx);
/* A complete error page with message in role="alert". Returns status. */
int page_error(struct req *r, int status, const char *message);

#endif
