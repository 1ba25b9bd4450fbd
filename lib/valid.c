/* valid.c — see valid.h. */
#include "valid.h"
#include "form.h"
#include "util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The message buffer valid_check hands out. Thread-local so that a threaded
 * caller cannot see another thread's sentence; the process is
 * single-threaded today, so this costs nothing. */
static _Thread_local char msg[320];

/* Copy at most max bytes of s into d (max+1 bytes), cut back to a UTF-8
 * character boundary so a long label cannot leave half a character behind. */
static size_t copy_label(char *d, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return n;
}

/* Format "<Label><rest>" into msg. The label is the field's label, else its
 * name with the first letter capitalised (the message starts a sentence),
 * else "This field". */
__attribute__((format(printf, 2, 3)))
static const char *say(const struct field *f, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (f->label && *f->label) {
		n = copy_label(msg, f->label, 128);
	} else if (f->name && *f->name) {
		n = copy_label(msg, f->name, 128);
		if (msg[0] >= 'a' && msg[0] <= 'z')
			msg[0] = (char)(msg[0] - 'a' + 'A');
	} else {
		n = copy_label(msg, "This field", 128);
	}
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	va_end(ap);
	return msg;
}

/* Decode the code point at s[*i] and advance *i. s must be valid UTF-8
 * (checked before), so no error handling is needed here. */
static uint32_t next_cp(const unsigned char *s, size_t *i)
{
	unsigned char c = s[*i];
	uint32_t cp;
	size_t more;

	if (c < 0x80) {
		(*i)++;
		return c;
	} else if (c < 0xe0) {
		cp = c & 0x1f;
		more = 1;
	} else if (c < 0xf0) {
		cp = c & 0x0f;
		more = 2;
	} else {
		cp = c & 0x07;
		more = 3;
	}
	(*i)++;
	while (more--)
		cp = cp << 6 | (s[(*i)++] & 0x3f);
	return cp;
}

/* C0 controls, DEL and the C1 controls U+0080..U+009F. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int64_t utf8_count(const char *s, size_t n)
{
	int64_t count = 0;

	if (!utf8_valid(s, n))
		return -1;
	/* Valid UTF-8: every byte that is not a continuation starts a character. */
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

/* V_STRING and V_TEXT: valid UTF-8, no control characters (V_TEXT allows
 * \n \r \t), and min..max code points. */
static const char *check_string(const struct field *f, const char *val, int text)
{
	const unsigned char *s = (const unsigned char *)val;
	size_t n = strlen(val), i = 0;
	int64_t count = 0;

	if (!utf8_valid(val, n))
		return say(f, " is not valid text.");
	while (i < n) {
		uint32_t cp = next_cp(s, &i);
		if (is_control(cp) && !(text && (cp == '\n' || cp == '\r' || cp == '\t')))
			return say(f, " must not contain control characters.");
		count++;
	}
	if (count < f->min || count > f->max) {
		if (f->min == f->max)
			return say(f, " must be exactly %" PRId64 " character%s.",
				   f->min, f->min == 1 ? "" : "s");
		if (count < f->min)
			return say(f, " must be at least %" PRId64 " character%s.",
				   f->min, f->min == 1 ? "" : "s");
		return say(f, " must be at most %" PRId64 " character%s.",
			   f->max, f->max == 1 ? "" : "s");
	}
	return NULL;
}

/* Parse a decimal integer in its one canonical spelling: an optional '-',
 * then digits without leading zeros ("0" itself is fine, "-0", "007", "+1",
 * " 1" are not), within int64_t. One spelling per number means a value that
 * passed is also fine as a key or in a URL. 0 on success. */
static int parse_canonical_int(const char *s, int64_t *out)
{
	int neg = 0;
	uint64_t v = 0, limit;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9')
		return -1;
	if (*s == '0' && (neg || s[1] != '\0'))
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d;
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

static int is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 5322 atext, the characters of an unquoted local part. */
static int is_atext(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Unicode space separators and other invisible breaks that must not sit in an
 * address a human has to read back. */
static int is_unicode_space(uint32_t cp)
{
	return cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	       cp == 0x3000 || cp == 0xfeff;
}

/* A practical address check rather than full RFC 5322: dot-atom local part
 * (1..64 bytes, no quoted strings or comments), '@', and a domain of at least
 * two dot-separated labels of letters, digits and hyphens (1..63 bytes, no
 * hyphen at either end, last label not all digits: no IP addresses). Non-
 * ASCII UTF-8 is allowed in both parts (RFC 6531 / IDN) except controls and
 * spaces. At most 254 bytes in all (RFC 5321 path limit). */
static int email_ok(const char *val)
{
	const unsigned char *s = (const unsigned char *)val;
	size_t n = strlen(val), i, at, label_start, labels = 0;
	int all_digits = 1;

	if (n > 254 || !utf8_valid(val, n))
		return 0;
	for (i = 0; i < n;) {
		uint32_t cp = next_cp(s, &i);
		if (cp == ' ' || is_control(cp) || is_unicode_space(cp))
			return 0;
	}
	{
		const char *p = strchr(val, '@');
		if (!p || strchr(p + 1, '@'))
			return 0;
		at = (size_t)(p - val);
	}
	if (at == 0 || at > 64 || s[0] == '.' || s[at - 1] == '.')
		return 0;
	for (i = 0; i < at; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (s[i] < 0x80 && !is_atext(s[i])) {
			return 0;
		}
	}
	label_start = at + 1;
	for (i = at + 1; i <= n; i++) {
		if (i == n || s[i] == '.') {
			size_t len = i - label_start;
			if (len == 0 || len > 63 || s[label_start] == '-' || s[i - 1] == '-')
				return 0;
			labels++;
			if (i < n)
				all_digits = 1;
			label_start = i + 1;
		} else if (s[i] < 0x80) {
			if (!is_alnum(s[i]) && s[i] != '-')
				return 0;
			if (s[i] < '0' || s[i] > '9')
				all_digits = 0;
		} else {
			all_digits = 0;
		}
	}
	return labels >= 2 && !all_digits;
}

/* Check val against f; see valid.h. A missing or empty value is only an
 * error for a required field, and is otherwise valid whatever the kind. */
const char *valid_check(const struct field *f, const char *val)
{
	if (!val || !*val)
		return f->required ? say(f, " is required.") : NULL;

	switch (f->kind) {
	case V_STRING:
		return check_string(f, val, 0);
	case V_TEXT:
		return check_string(f, val, 1);
	case V_INT: {
		int64_t v;
		if (parse_canonical_int(val, &v) != 0 || v < f->min || v > f->max)
			return say(f, " must be a whole number between %" PRId64
				   " and %" PRId64 ".", f->min, f->max);
		return NULL;
	}
	case V_EMAIL:
		return email_ok(val) ? NULL : say(f, " is not a valid email address.");
	case V_UUID:
		return uuid_valid(val) ? NULL : say(f, " is not a valid ID.");
	case V_ENUM:
		for (const char *const *c = f->choices; c && *c; c++)
			if (strcmp(*c, val) == 0)
				return NULL;
		return say(f, " is not one of the allowed choices.");
	}
	/* An unknown kind is a programming error: refuse rather than pass. */
	return say(f, " cannot be checked.");
}
