/* Breaks no rule: words such as SELECT in a comment, "Delete" in a
 * sentence, a setting read through its getter, a field through http_form,
 * and a struct member named g. */
#include "db.h"
#include "config.h"

static const char *title = "Delete this chat?";

static int h(struct req *r, const struct config *cfg, struct point *pt)
{
	/* SELECT * FROM nothing: a comment, not a literal. */
	const char *v = config_str(cfg, "server", "public_url");
	return pt->g.x + (http_form(r, "title") != NULL) + (v != NULL) + (title != NULL);
}
