/* test_provider_attach.c — each adapter's request with attachments: an
 * image and a PDF on a user turn, in the provider's own shape
 * (docs/PROVIDERS.md): OpenAI image_url data URL and file part, Anthropic
 * image/document base64 blocks, Gemini inline_data, Ollama images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "provider.h"

/* "PNG!" and "%PDF" in base64. */
#define PNG_B64 "iVBORyE="
#define PDF_B64 "JVBERg=="

static struct turn_file files[2] = {
	{ (char *)"image/png", (char *)"a.png", (unsigned char *)"\x89PNG!", 5, "" },
	{ (char *)"application/pdf", (char *)"doc.pdf", (unsigned char *)"%PDF", 4, "" },
};

/* The JSON body type's adapter builds for one user turn with both files
 * after an earlier turn with none; the caller decrefs. */
static json_t *build(const struct adapter *ad, const char *type)
{
	static struct provider_cfg p;
	static struct model_cfg m;
	struct turn turns[3] = { { (char *)"user", (char *)"first", NULL, 0 },
				 { (char *)"assistant", (char *)"ok", NULL, 0 },
				 { (char *)"user", (char *)"look", files, 2 } };
	struct gen_request rq = { &m, "", turns, 3, 100, NULL };
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct curl_slist *h = NULL;
	json_error_t err;
	json_t *root;
	p.name = (char *)"p";
	p.type = (char *)type;
	p.base_url = (char *)"http://127.0.0.1:9";
	p.api_key = (char *)"";
	m.provider = &p;
	m.api_model = (char *)"x";
	m.images = m.pdfs = 1;
	assert_int_equal(ad->build(&rq, &url, &h, &body), 0);
	root = json_loads(buf_str(&body), 0, &err);
	assert_non_null(root);
	assert_null(strstr(buf_str(&body), "_files"));   /* the internal key never leaks */
	curl_slist_free_all(h);
	buf_free(&url);
	buf_free(&body);
	return root;
}

static void test_openai(void **state)
{
	json_t *root = build(&adapter_openai, "openai"), *msgs, *first, *c;
	(void)state;
	msgs = json_object_get(root, "messages");
	first = json_array_get(msgs, 0);
	/* A turn without files keeps plain string content. */
	assert_true(json_is_string(json_object_get(first, "content")));
	c = json_object_get(json_array_get(msgs, 2), "content");
	assert_int_equal(json_array_size(c), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "text")), "look");
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 1), "type")), "image_url");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(c, 1),
			    "image_url"), "url")), "data:image/png;base64," PNG_B64);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 2), "type")), "file");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(c, 2),
			    "file"), "filename")), "doc.pdf");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(c, 2),
			    "file"), "file_data")), "data:application/pdf;base64," PDF_B64);
	json_decref(root);
}

static void test_anthropic(void **state)
{
	json_t *root = build(&adapter_anthropic, "anthropic"), *c, *src;
	(void)state;
	c = json_object_get(json_array_get(json_object_get(root, "messages"), 2), "content");
	assert_int_equal(json_array_size(c), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "type")), "image");
	src = json_object_get(json_array_get(c, 0), "source");
	assert_string_equal(json_string_value(json_object_get(src, "type")), "base64");
	assert_string_equal(json_string_value(json_object_get(src, "media_type")), "image/png");
	assert_string_equal(json_string_value(json_object_get(src, "data")), PNG_B64);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 1), "type")), "document");
	src = json_object_get(json_array_get(c, 1), "source");
	assert_string_equal(json_string_value(json_object_get(src, "media_type")), "application/pdf");
	assert_string_equal(json_string_value(json_object_get(src, "data")), PDF_B64);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 2), "text")), "look");
	json_decref(root);
}

static void test_gemini(void **state)
{
	json_t *root = build(&adapter_gemini, "gemini"), *parts, *d;
	(void)state;
	parts = json_object_get(json_array_get(json_object_get(root, "contents"), 2), "parts");
	assert_int_equal(json_array_size(parts), 3);
	d = json_object_get(json_array_get(parts, 0), "inline_data");
	assert_string_equal(json_string_value(json_object_get(d, "mime_type")), "image/png");
	assert_string_equal(json_string_value(json_object_get(d, "data")), PNG_B64);
	d = json_object_get(json_array_get(parts, 1), "inline_data");
	assert_string_equal(json_string_value(json_object_get(d, "mime_type")), "application/pdf");
	assert_string_equal(json_string_value(json_object_get(json_array_get(parts, 2), "text")), "look");
	/* The turn without files is one text part. */
	assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(root,
			 "contents"), 0), "parts")), 1);
	json_decref(root);
}

static void test_ollama(void **state)
{
	json_t *root = build(&adapter_ollama, "ollama"), *m, *imgs;
	(void)state;
	m = json_array_get(json_object_get(root, "messages"), 2);
	assert_string_equal(json_string_value(json_object_get(m, "content")), "look");
	imgs = json_object_get(m, "images");
	/* Bare base64, images only: Ollama takes no PDFs. */
	assert_int_equal(json_array_size(imgs), 1);
	assert_string_equal(json_string_value(json_array_get(imgs, 0)), PNG_B64);
	assert_null(json_object_get(json_array_get(json_object_get(root, "messages"), 0), "images"));
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openai),
		cmocka_unit_test(test_anthropic),
		cmocka_unit_test(test_gemini),
		cmocka_unit_test(test_ollama),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
