/* multipart.h — a strict parser for multipart/form-data bodies (RFC 7578):
 * the boundary from the Content-Type, then each part's Content-Disposition
 * name and filename and its Content-Type. The whole body is in memory (its
 * length was capped before reading); everything returned points into the
 * arena or into the body, which must outlive the results. */
#ifndef CONFAB_MULTIPART_H
#define CONFAB_MULTIPART_H

#include <stddef.h>
#include "arena.h"
#include "form.h"

struct mp_file {
	const char *field;        /* the form field's name */
	const char *filename;     /* as the browser sent it ("" when none); show escaped */
	const char *type;         /* the browser's claim; never trusted (attach.h) */
	const unsigned char *data;/* into the body */
	size_t len;
};

struct mp_limits {
	size_t max_fields;        /* text fields */
	size_t max_field_len;     /* bytes of one text field */
	size_t max_files;         /* non-empty file parts */
	size_t max_file_len;      /* bytes of one file */
};

enum mp_err {
	MP_OK = 0,
	MP_MALFORMED,        /* not a multipart body we accept: stop */
	MP_TOO_MANY_FIELDS,  /* too many text fields, or one too long: stop */
	/* The two below still parse the whole body, so every text field (the
	 * message, the csrf token) is there for a page that keeps the draft;
	 * files over the limit are left out. */
	MP_TOO_MANY_FILES,
	MP_FILE_TOO_LARGE
};

/* The boundary of a "multipart/form-data; boundary=..." Content-Type
 * (quoted or not, 1 to 70 characters of RFC 2046's set), copied into out
 * (at least 71 bytes). 0, or -1 when ct is not one. */
int multipart_boundary(const char *ct, char *out, size_t size);

/* Parse body with boundary: text fields into *fields (valid UTF-8, no NUL,
 * like a urlencoded body), file parts into *files / *nfiles (a file input
 * left empty — no filename, no bytes — is skipped). */
enum mp_err multipart_parse(struct arena *a, const char *boundary, const char *body, size_t n,
			    const struct mp_limits *lim, struct kvlist *fields,
			    struct mp_file **files, size_t *nfiles);

#endif
