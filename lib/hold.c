/* hold.c — see hold.h. */
#include "hold.h"
#include "media_dims.h"
#include "turn.h"

#include <string.h>

/* An image whose size cannot be read: the most any rule below gives for
 * a picture the providers accept (OpenAI's and Anthropic's are capped by
 * their resizing; Gemini's tiles and local models' patches are not). */
#define IMAGE_UNKNOWN_TOKENS 16384

static int64_t ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* Scale w x h down (never up) so that neither side passes max_w x max_h. */
static void fit(int64_t *w, int64_t *h, int64_t max_w, int64_t max_h)
{
	if (*w > max_w) {
		*h = ceil_div(*h * max_w, *w);
		*w = max_w;
	}
	if (*h > max_h) {
		*w = ceil_div(*w * max_h, *h);
		*h = max_h;
	}
}

/* OpenAI, high detail (the default "auto" may choose it): fit in 2048 x
 * 2048, then the short side to 768; 85 + 170 per 512 px tile. The newer
 * models count 32 px patches (at most 1,536) times a model factor of up to
 * 2.46; take the larger. */
static int64_t openai_image(int64_t w, int64_t h)
{
	int64_t tw = w, th = h, tiles, patches, pw = w, ph = h;
	fit(&tw, &th, 2048, 2048);
	if (tw < th)
		fit(&tw, &th, 768, INT64_MAX);
	else
		fit(&tw, &th, INT64_MAX, 768);
	tiles = ceil_div(tw, 512) * ceil_div(th, 512);
	patches = ceil_div(pw, 32) * ceil_div(ph, 32);
	if (patches > 1536)
		patches = 1536;
	return 85 + 170 * tiles > ceil_div(patches * 250, 100) ? 85 + 170 * tiles
							       : ceil_div(patches * 250, 100);
}

/* Anthropic: resized to at most 1568 px on the long side; w * h / 750,
 * about 1,600 at most. */
static int64_t anthropic_image(int64_t w, int64_t h)
{
	int64_t t;
	fit(&w, &h, 1568, 1568);
	t = ceil_div(w * h, 750);
	return t < 1600 ? t : 1600;
}

/* Gemini: 258 for an image of at most 384 x 384, else 258 per 768 px
 * tile; Gemini 3's default high resolution is 1,120 an image. */
static int64_t gemini_image(int64_t w, int64_t h)
{
	int64_t t = w <= 384 && h <= 384 ? 258 : 258 * ceil_div(w, 768) * ceil_div(h, 768);
	return t > 1120 ? t : 1120;
}

/* Local vision models through Ollama: 28 px patches (Qwen-VL), at least
 * LLaVA-NeXT's 2,880. */
static int64_t local_image(int64_t w, int64_t h)
{
	int64_t t = ceil_div(w, 28) * ceil_div(h, 28);
	if (t > IMAGE_UNKNOWN_TOKENS)
		t = IMAGE_UNKNOWN_TOKENS;
	return t > 2880 ? t : 2880;
}

static int64_t max2(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t image_tokens(const char *type, int64_t w, int64_t h)
{
	if (!strcmp(type, "openai"))
		return openai_image(w, h);
	if (!strcmp(type, "anthropic"))
		return anthropic_image(w, h);
	if (!strcmp(type, "gemini"))
		return gemini_image(w, h);
	if (!strcmp(type, "ollama"))
		return local_image(w, h);
	/* An OpenAI-compatible server may be a router to any of them. */
	return max2(max2(openai_image(w, h), anthropic_image(w, h)),
		    max2(gemini_image(w, h), local_image(w, h)));
}

int64_t hold_file_tokens(const char *provider_type, const char *media_type,
			 const unsigned char *data, size_t len)
{
	const char *t = provider_type ? provider_type : "";
	if (!strncmp(media_type, "image/", 6)) {
		int64_t w, h;
		if (image_dims(data, len, &w, &h))
			return IMAGE_UNKNOWN_TOKENS;
		return image_tokens(t, w, h);
	}
	if (!strcmp(media_type, "application/pdf")) {
		int64_t pages;
		if (!strcmp(t, "ollama"))
			return 0;    /* provider_ollama.c sends images only */
		pages = pdf_pages(data, len);
		/* Pages nowhere to be seen: one token per byte of the file. */
		return pages > 0 ? pages * HOLD_PDF_PAGE_TOKENS : (int64_t)len;
	}
	return (int64_t)len;
}

int64_t hold_input_tokens(const char *provider_type, const char *system,
			  const struct turn *turns, size_t n)
{
	int64_t t = HOLD_REQUEST_TOKENS;
	if (system && *system)
		t += HOLD_MESSAGE_TOKENS + (int64_t)strlen(system);
	for (size_t i = 0; i < n; i++) {
		t += HOLD_MESSAGE_TOKENS + (int64_t)strlen(turns[i].content);
		for (size_t j = 0; j < turns[i].nfiles; j++) {
			const struct turn_file *f = &turns[i].files[j];
			/* The part's own wrapping and the file name OpenAI sends. */
			t += HOLD_MESSAGE_TOKENS + (int64_t)strlen(f->name) +
			     hold_file_tokens(provider_type, f->type, f->data, f->len);
		}
	}
	return t;
}

int64_t hold_max_tokens(const struct model_cfg *m, int64_t plan_cap)
{
	int64_t v = m && m->max_output > 0 ? m->max_output : 1024;
	if (plan_cap >= 0 && plan_cap < v)
		v = plan_cap;
	return v > 0 ? v : 1;
}

int64_t hold_cost(int64_t price_in, int64_t price_out, int64_t tin, int64_t tout)
{
	return (tin * price_in + tout * price_out + 999999) / 1000000;
}
