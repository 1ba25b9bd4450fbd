/* highlight_lang.c — see highlight_lang.h. The keyword lists hold what
 * each language reserves; the type lists its built-in types, common
 * built-in functions and literals, so that a reader sees them apart. */
#include "highlight_lang.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define C_KEYWORDS \
	" auto break case const continue default do else enum extern for goto if inline " \
	"register restrict return sizeof static struct switch typedef union volatile while " \
	"_Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local "
#define C_TYPES \
	" char double float int long short signed unsigned void bool size_t ssize_t " \
	"int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t uintptr_t " \
	"intptr_t ptrdiff_t FILE NULL true false "

static const struct hl_lang langs[] = {
	{ " python py python3 py3 gyp ", HL_CODE, "#", NULL, NULL, NULL, "\"'",
	  HL_TRIPLE | HL_AT_META,
	  " and as assert async await break class continue def del elif else except finally "
	  "for from global if import in is lambda match nonlocal not or pass raise return try "
	  "while with yield case ",
	  " True False None self cls int float str bool list dict set tuple bytes object type "
	  "print len range enumerate zip map filter sorted open super isinstance Exception "
	  "ValueError TypeError KeyError IndexError " },
	{ " javascript js jsx mjs cjs node typescript ts tsx ", HL_CODE, "//", NULL, "/*", "*/",
	  "\"'`", HL_AT_META,
	  " async await break case catch class const continue debugger default delete do else "
	  "export extends finally for from function if import in instanceof let new of return "
	  "static super switch this throw try typeof var void while with yield interface type "
	  "enum implements private protected public readonly declare namespace abstract as "
	  "keyof satisfies ",
	  " true false null undefined NaN Infinity console window document Math JSON Object "
	  "Array String Number Boolean Promise Map Set Error string number boolean any unknown "
	  "never void bigint symbol " },
	{ " c h ", HL_CODE, "//", NULL, "/*", "*/", "\"'", HL_HASH_PREPROC, C_KEYWORDS, C_TYPES },
	{ " c++ cpp cxx cc hpp hxx hh ", HL_CODE, "//", NULL, "/*", "*/", "\"'",
	  HL_HASH_PREPROC,
	  C_KEYWORDS "alignas alignof catch class concept consteval constexpr constinit "
	  "co_await co_return co_yield decltype delete explicit export friend mutable "
	  "namespace new noexcept operator override final private protected public requires "
	  "static_assert static_cast dynamic_cast reinterpret_cast const_cast template this "
	  "throw try typeid typename using virtual ",
	  C_TYPES "nullptr std string vector map unordered_map set array unique_ptr "
	  "shared_ptr optional wchar_t char8_t char16_t char32_t " },
	{ " java ", HL_CODE, "//", NULL, "/*", "*/", "\"'", HL_AT_META | HL_TRIPLE | HL_CAPS_TYPES,
	  " abstract assert break case catch class const continue default do else enum extends "
	  "final finally for goto if implements import instanceof interface native new package "
	  "private protected public return static strictfp super switch synchronized this "
	  "throw throws transient try var void volatile while record sealed permits yield ",
	  " boolean byte char double float int long short true false null " },
	{ " go golang ", HL_CODE, "//", NULL, "/*", "*/", "\"'`", 0,
	  " break case chan const continue default defer else fallthrough for func go goto if "
	  "import interface map package range return select struct switch type var ",
	  " bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 "
	  "rune string uint uint8 uint16 uint32 uint64 uintptr true false nil iota append cap "
	  "close copy delete len make new panic print println recover any " },
	{ " rust rs ", HL_CODE, "//", NULL, "/*", "*/", "\"'", HL_LIFETIME | HL_HASH_ATTR |
	  HL_CAPS_TYPES,
	  " as async await break const continue crate dyn else enum extern fn for if impl in "
	  "let loop match mod move mut pub ref return self Self static struct super trait type "
	  "unsafe use where while ",
	  " bool char f32 f64 i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize str String "
	  "Vec Option Some None Result Ok Err Box true false println print format vec panic " },
	{ " shell sh bash zsh ksh console shellsession terminal ", HL_CODE, "#", NULL, NULL, NULL,
	  "\"'", HL_DOLLAR_VAR | HL_MULTILINE | HL_WORD_COMMENT,
	  " if then else elif fi case esac for while until do done in function select time "
	  "return break continue local export readonly declare set unset shift trap exit ",
	  " echo printf cd ls cat grep sed awk find xargs sudo apt apt-get git make curl wget "
	  "pip npm source test read eval exec true false " },
	{ " sql mysql postgresql postgres psql sqlite plsql ", HL_CODE, "--", NULL, "/*", "*/",
	  "'\"", HL_NOCASE | HL_SQL_QUOTES | HL_MULTILINE,
	  " select from where and or not insert into values update set delete create table "
	  "drop alter add column index unique primary key foreign references join inner left "
	  "right outer full cross on as group by order having limit offset union all distinct "
	  "case when then else end is null in exists between like glob begin commit rollback "
	  "transaction view trigger with recursive returning default check constraint if "
	  "asc desc over partition window cascade conflict do nothing replace ",
	  " integer int text real blob numeric varchar char boolean date timestamp bigint "
	  "serial count sum avg min max coalesce ifnull nullif cast length substr lower upper "
	  "true false now " },
	{ " html xml htm xhtml svg vue ", HL_MARKUP, NULL, NULL, NULL, NULL, "\"'", 0, NULL, NULL },
	{ " css scss less ", HL_CODE, "//", NULL, "/*", "*/", "\"'", HL_AT_META | HL_BRACE_PROPS |
	  HL_DASH_WORDS | HL_HEX_COLOR,
	  "", " inherit initial unset none auto " },
	{ " json jsonc json5 geojson ", HL_CODE, "//", NULL, "/*", "*/", "\"", HL_STRING_KEYS,
	  "", " true false null " },
	{ " yaml yml ", HL_CODE, "#", NULL, NULL, NULL, "\"'", HL_LINE_KEYS | HL_DASH_WORDS |
	  HL_WORD_COMMENT,
	  "", " true false null yes no on off " },
	{ " markdown md mdown ", HL_MARKDOWN, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL },
	{ " php ", HL_CODE, "//", "#", "/*", "*/", "\"'", HL_DOLLAR_VAR | HL_MULTILINE,
	  " abstract and array as break callable case catch class clone const continue declare "
	  "default do echo else elseif empty enddeclare endfor endforeach endif endswitch "
	  "endwhile extends final finally fn for foreach function global goto if implements "
	  "include include_once instanceof insteadof interface isset list match namespace new "
	  "or print private protected public readonly require require_once return static "
	  "switch throw trait try unset use var while xor yield ",
	  " true false null TRUE FALSE NULL int float string bool void mixed self parent "
	  "this " },
	{ " ruby rb erb gemspec ", HL_CODE, "#", NULL, NULL, NULL, "\"'`", HL_MULTILINE |
	  HL_CAPS_TYPES,
	  " alias and begin break case class def defined do else elsif end ensure for if in "
	  "module next not or redo rescue retry return self super then undef unless until "
	  "when while yield require require_relative attr_accessor attr_reader include ",
	  " true false nil puts print p raise lambda proc new " },
	{ " kotlin kt kts ", HL_CODE, "//", NULL, "/*", "*/", "\"'", HL_TRIPLE | HL_AT_META |
	  HL_DOLLAR_VAR | HL_CAPS_TYPES,
	  " as break class continue do else for fun if in interface is object package return "
	  "super this throw try typealias typeof val var when while by catch constructor "
	  "delegate dynamic field file finally get import init param property receiver set "
	  "setparam where actual abstract annotation companion const crossinline data enum "
	  "expect external final infix inline inner internal lateinit noinline open operator "
	  "out override private protected public reified sealed suspend tailrec vararg ",
	  " true false null println print listOf mapOf setOf arrayOf " },
	{ " swift ", HL_CODE, "//", NULL, "/*", "*/", "\"", HL_TRIPLE | HL_AT_META | HL_CAPS_TYPES,
	  " associatedtype class deinit enum extension fileprivate func import init inout "
	  "internal let open operator private protocol public rethrows static struct subscript "
	  "typealias var break case continue default defer do else fallthrough for guard if "
	  "in repeat return switch where while as catch is super self Self throw throws try "
	  "async await some any mutating override final lazy weak ",
	  " true false nil print Int Double Float String Bool Character Array Dictionary Set "
	  "Optional Void " },
	{ " csharp cs c# dotnet ", HL_CODE, "//", NULL, "/*", "*/", "\"'", HL_HASH_PREPROC |
	  HL_CAPS_TYPES,
	  " abstract as base break case catch checked class const continue default delegate do "
	  "else enum event explicit extern finally fixed for foreach goto if implicit in "
	  "interface internal is lock namespace new operator out override params private "
	  "protected public readonly ref return sealed sizeof stackalloc static struct switch "
	  "this throw try typeof unchecked unsafe using virtual volatile while async await var "
	  "get set value yield record init where ",
	  " bool byte char decimal double float int long object sbyte short string uint ulong "
	  "ushort void true false null dynamic " },
	{ " diff patch udiff ", HL_DIFF, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL },
};

const struct hl_lang *hl_lang_find(const char *name, size_t n)
{
	char word[24];

	if (n == 0 || n > sizeof word - 3)
		return NULL;
	word[0] = ' ';
	for (size_t i = 0; i < n; i++) {
		if (name[i] == ' ' || !name[i])
			return NULL;
		word[i + 1] = (char)tolower((unsigned char)name[i]);
	}
	word[n + 1] = ' ';
	word[n + 2] = 0;
	for (size_t i = 0; i < sizeof langs / sizeof *langs; i++)
		if (strstr(langs[i].names, word))
			return &langs[i];
	return NULL;
}

/* Every language's words in one open-addressing table, built once: a
 * lookup per word costs a hash, not a scan of the lists. */
#define WORDS_SLOTS 4096 /* a power of two, well above the ~1,600 words */

struct word_slot {
	const char *w;      /* into a keyword or type list; NULL when empty */
	unsigned char n;    /* its length */
	unsigned char lang; /* its row in langs */
	char cls;           /* 'k' or 't' */
};

static struct word_slot words[WORDS_SLOTS];
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static uint32_t word_hash(size_t lang, const char *w, size_t n, int nocase)
{
	uint32_t h = 2166136261u ^ (uint32_t)lang;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		h = (h ^ (nocase ? (unsigned char)tolower(c) : c)) * 16777619u;
	}
	return h;
}

static int same_word(const struct word_slot *e, size_t lang, const char *w, size_t n, int nocase)
{
	if (!e->w || e->lang != lang || e->n != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)e->w[i], b = (unsigned char)w[i];
		if (nocase ? tolower(a) != tolower(b) : a != b)
			return 0;
	}
	return 1;
}

static void add_words(size_t lang, const char *list, char cls)
{
	int nocase = (langs[lang].flags & HL_NOCASE) != 0;
	while (list && *list) {
		const char *w = list;
		size_t n;
		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		list = w + n;
		if (n == 0 || n > 255)
			continue;
		/* A word in both lists keeps its first (keyword) class. */
		for (uint32_t h = word_hash(lang, w, n, nocase);; h++) {
			struct word_slot *e = &words[h & (WORDS_SLOTS - 1)];
			if (same_word(e, lang, w, n, nocase))
				break;
			if (!e->w) {
				*e = (struct word_slot){ w, (unsigned char)n, (unsigned char)lang, cls };
				break;
			}
		}
	}
}

static void build_words(void)
{
	for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
		add_words(i, langs[i].keywords, 'k');
		add_words(i, langs[i].types, 't');
	}
}

char hl_lang_word(const struct hl_lang *l, const char *w, size_t n)
{
	size_t lang = (size_t)(l - langs);
	int nocase = (l->flags & HL_NOCASE) != 0;

	if (n == 0 || n > 255 || pthread_once(&words_once, build_words) != 0)
		return 0;
	for (uint32_t h = word_hash(lang, w, n, nocase);; h++) {
		const struct word_slot *e = &words[h & (WORDS_SLOTS - 1)];
		if (!e->w)
			return 0;
		if (same_word(e, lang, w, n, nocase))
			return e->cls;
	}
}
