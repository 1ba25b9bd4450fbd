/* classify.c — see classify.h. Word lists are short on purpose: the rule
 * must stay cheap (one pass over the prompt) and easy to state; a user who
 * disagrees chooses the values on the composer. */
#include "classify.h"

#include <string.h>

const char *const classify_types[] = { "chat", "code_generation", "analysis", NULL };
const char *const classify_categories[] = { "programming", "math", "science", "writing",
					    "business", "health", "education", "general", NULL };
const char *const classify_complexities[] = { "low", "medium", "high", NULL };

static const char *const code_words[] = { "code", "function", "script", "program", "implement",
	"regex", "sql", "compile", "compiler", "debug", "bug", "python", "javascript", "rust",
	"java", "golang", "html", "css", "api", "refactor", "snippet", "algorithm", NULL };
static const char *const analysis_words[] = { "analyze", "analyse", "analysis", "compare",
	"comparison", "evaluate", "assess", "review", "summarize", "summarise", "summary",
	"critique", "pros", "cons", "tradeoffs", "why", NULL };

/* Category word lists, in the order of classify_categories. */
static const char *const programming_words[] = { "code", "function", "script", "program",
	"programming", "implement", "regex", "sql", "compile", "compiler", "debug", "bug",
	"python", "javascript", "rust", "java", "golang", "html", "css", "api", "refactor",
	"software", "database", "linux", "git", "algorithm", NULL };
static const char *const math_words[] = { "math", "maths", "mathematics", "equation",
	"integral", "derivative", "calculus", "algebra", "geometry", "probability",
	"statistics", "prove", "proof", "theorem", "matrix", "sum", NULL };
static const char *const science_words[] = { "physics", "chemistry", "biology", "science",
	"scientific", "atom", "molecule", "quantum", "energy", "planet", "evolution", "cell",
	"climate", NULL };
static const char *const writing_words[] = { "write", "essay", "poem", "story", "letter",
	"email", "rewrite", "proofread", "grammar", "paragraph", "blog", "translate", NULL };
static const char *const business_words[] = { "business", "marketing", "sales", "startup",
	"revenue", "customer", "pricing", "budget", "invoice", "finance", "investment",
	"strategy", "market", NULL };
static const char *const health_words[] = { "health", "medical", "doctor", "symptom",
	"symptoms", "diet", "exercise", "sleep", "medicine", "disease", "nutrition", NULL };
static const char *const education_words[] = { "learn", "teach", "explain", "lesson",
	"homework", "study", "course", "student", "exam", "tutorial", NULL };
static const char *const *const category_words[] = { programming_words, math_words,
	science_words, writing_words, business_words, health_words, education_words };

static int in_list(const char *const *list, const char *w)
{
	for (; *list; list++)
		if (strcmp(*list, w) == 0)
			return 1;
	return 0;
}

void classify_prompt(const char *p, size_t n, struct request_tags *t)
{
	char w[24];
	size_t wl = 0, words = 0, best = sizeof category_words / sizeof *category_words;
	int code = 0, analysis = 0, fence = 0;

	for (size_t i = 0; i + 2 < n; i++)
		if (p[i] == '`' && p[i + 1] == '`' && p[i + 2] == '`') {
			fence = 1;
			break;
		}
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? p[i] : ' ';
		int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (letter) {
			if (wl < sizeof w - 1)
				w[wl] = (char)(c | 0x20);
			wl++;
			continue;
		}
		if (!wl)
			continue;
		words++;
		if (wl < sizeof w) {   /* longer words match nothing in the lists */
			w[wl] = '\0';
			code |= in_list(code_words, w);
			analysis |= in_list(analysis_words, w);
			for (size_t k = 0; k < best; k++)
				if (in_list(category_words[k], w)) {
					best = k;
					break;
				}
		}
		wl = 0;
	}
	t->request_type = code || fence ? "code_generation" : analysis ? "analysis" : "chat";
	t->category = classify_categories[best];  /* past the lists: "general" */
	t->complexity = words > 200 ? "high" : words > 30 ? "medium" : fence ? "medium" : "low";
}

const char *classify_label(const char *v)
{
	static const struct { const char *v, *label; } labels[] = {
		{ "chat", "Chat" }, { "code_generation", "Code generation" },
		{ "analysis", "Analysis" }, { "programming", "Programming" }, { "math", "Math" },
		{ "science", "Science" }, { "writing", "Writing" }, { "business", "Business" },
		{ "health", "Health" }, { "education", "Education" }, { "general", "General" },
		{ "low", "Low" }, { "medium", "Medium" }, { "high", "High" },
	};
	for (size_t i = 0; v && i < sizeof labels / sizeof *labels; i++)
		if (strcmp(labels[i].v, v) == 0)
			return labels[i].label;
	return v ? v : "";
}
