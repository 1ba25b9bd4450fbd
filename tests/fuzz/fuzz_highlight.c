/* fuzz_highlight.c — libFuzzer target for highlight_code. The first byte
 * picks a language; the rest is the code. Its promise is checked: the
 * output with its tags dropped and its four entities undone is the code,
 * byte for byte, and no '<' or '&' stands bare in it.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib tests/fuzz/fuzz_highlight.c \
 *   lib/highlight.c lib/highlight_lang.c lib/buf.c lib/util.c -o fuzz_highlight */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "highlight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const char *const languages[] = {
	"python", "js", "ts", "c", "cpp", "java", "go", "rust", "bash", "sql", "html", "css",
	"json", "yaml", "markdown", "php", "ruby", "kotlin", "swift", "csharp", "diff", "none",
};

/* Compare the text of html with code[0, n). */
static void check_text(const char *html, size_t hn, const char *code, size_t n)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
	};
	size_t i = 0, o = 0;
	while (i < hn) {
		if (html[i] == '<') {
			const char *gt = memchr(html + i, '>', hn - i);
			CHECK(gt);
			CHECK(!strncmp(html + i, "<span class=\"hl-", 16) || !strncmp(html + i, "</span>", 7));
			i = (size_t)(gt - html) + 1;
			continue;
		}
		if (html[i] == '&') {
			size_t k;
			for (k = 0; k < 4; k++)
				if (hn - i >= strlen(ents[k].e) && !memcmp(html + i, ents[k].e, strlen(ents[k].e)))
					break;
			CHECK(k < 4);
			CHECK(o < n && code[o] == ents[k].c);
			o++;
			i += strlen(ents[k].e);
			continue;
		}
		CHECK(html[i] != '>' && html[i] != '"');
		CHECK(o < n && code[o] == html[i]);
		o++;
		i++;
	}
	CHECK(o == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf out = BUF_INIT;
	const char *lang;

	if (size == 0)
		return 0;
	lang = languages[data[0] % (sizeof languages / sizeof *languages)];
	buf_clear(&out);
	highlight_code(lang, strlen(lang), (const char *)data + 1, size - 1, &out);
	check_text(buf_str(&out), out.len, (const char *)data + 1, size - 1);
	return 0;
}
