/* media_dims.h — what a provider's token count of a file depends on, read
 * cheaply from its bytes: an image's size in pixels from its header (PNG,
 * JPEG, GIF, WebP), a PDF's number of pages. lib/hold.c turns them into
 * tokens. */
#ifndef CONFAB_MEDIA_DIMS_H
#define CONFAB_MEDIA_DIMS_H

#include <stddef.h>
#include <stdint.h>

/* Width and height of the image in data; 0, or -1 when the header cannot
 * be read (unknown type, cut short). */
int image_dims(const unsigned char *data, size_t len, int64_t *w, int64_t *h);

/* The pages of a PDF, counted on the safe side: the larger of the page
 * objects (/Type /Page) and the largest /Count of a page tree. 0 when
 * neither is visible (objects in compressed streams): the caller then
 * needs a bound that does not know the pages. */
int64_t pdf_pages(const unsigned char *data, size_t len);

#endif
