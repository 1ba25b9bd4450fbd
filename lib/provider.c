/* provider.c — the adapter table and what adapters share. */
#include "provider.h"

#include <stdio.h>
#include <string.h>

const struct adapter *adapter_for(const char *type)
{
	if (!type)
		return NULL;
	/* OpenAI-compatible servers speak Chat Completions; their quirks are
	 * handled inside the same adapter. */
	if (strcmp(type, "openai") == 0 || strcmp(type, "openai-compatible") == 0)
		return &adapter_openai;
	return NULL;
}

void gen_out_init(struct gen_out *o)
{
	memset(o, 0, sizeof *o);
}

void gen_out_free(struct gen_out *o)
{
	buf_free(&o->text);
	buf_free(&o->reasoning);
}

void provider_error_sentence(long status, const char *detail, char *msg, size_t size)
{
	const char *what;
	if (status == 401 || status == 403)
		what = "The provider refused confab's API key";
	else if (status == 429)
		what = "The provider is limiting requests right now; try again in a minute";
	else if (status == 402)
		what = "The provider's account has run out of credit";
	else if (status == 404)
		what = "The provider does not know this model";
	else if (status >= 500)
		what = "The provider had a problem on its side";
	else
		what = "The provider refused the request";
	if (detail && *detail)
		snprintf(msg, size, "%s (HTTP %ld): %.200s", what, status, detail);
	else
		snprintf(msg, size, "%s (HTTP %ld).", what, status);
}
