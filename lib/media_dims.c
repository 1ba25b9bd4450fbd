/* media_dims.c — see media_dims.h. */
#include "media_dims.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Inflated bytes of object streams: at most this much each, and in all. */
#define PDF_INFLATE_MAX (4u << 20)
#define PDF_INFLATE_BUDGET (16u << 20)

static int64_t be16(const unsigned char *p) { return (int64_t)p[0] << 8 | p[1]; }
static int64_t le16(const unsigned char *p) { return (int64_t)p[1] << 8 | p[0]; }
static int64_t le24(const unsigned char *p) { return (int64_t)p[2] << 16 | le16(p); }
static int64_t be32(const unsigned char *p) { return (int64_t)p[0] << 24 | be16(p + 1) << 8 | p[3]; }

/* JPEG: walk the segments to the first start-of-frame (SOF0..SOF15 but
 * DHT, JPG and DAC, which share the range). */
static int jpeg_dims(const unsigned char *d, size_t len, int64_t *w, int64_t *h)
{
	size_t i = 2;
	while (i + 4 <= len) {
		unsigned m;
		if (d[i] != 0xFF)
			return -1;
		while (i < len && d[i] == 0xFF)
			i++;
		if (i >= len)
			return -1;
		m = d[i++];
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue;    /* markers with no segment */
		if (i + 2 > len)
			return -1;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 7 > len)
				return -1;
			*h = be16(d + i + 3);
			*w = be16(d + i + 5);
			return 0;
		}
		if (m == 0xD9 || m == 0xDA)
			return -1;   /* the image data began with no frame header */
		i += (size_t)be16(d + i);
	}
	return -1;
}

/* WebP: the first chunk says which coding, and where the size is. */
static int webp_dims(const unsigned char *d, size_t len, int64_t *w, int64_t *h)
{
	if (len >= 30 && !memcmp(d + 12, "VP8 ", 4)) {
		*w = le16(d + 26) & 0x3FFF;
		*h = le16(d + 28) & 0x3FFF;
		return 0;
	}
	if (len >= 25 && !memcmp(d + 12, "VP8L", 4)) {
		uint32_t b = (uint32_t)d[21] | (uint32_t)d[22] << 8 | (uint32_t)d[23] << 16 |
			     (uint32_t)d[24] << 24;
		*w = (int64_t)(b & 0x3FFF) + 1;
		*h = (int64_t)((b >> 14) & 0x3FFF) + 1;
		return 0;
	}
	if (len >= 30 && !memcmp(d + 12, "VP8X", 4)) {
		*w = le24(d + 24) + 1;
		*h = le24(d + 27) + 1;
		return 0;
	}
	return -1;
}

int image_dims(const unsigned char *d, size_t len, int64_t *w, int64_t *h)
{
	int rc = -1;
	*w = *h = 0;
	if (len >= 24 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8) && !memcmp(d + 12, "IHDR", 4)) {
		*w = be32(d + 16);
		*h = be32(d + 20);
		rc = 0;
	} else if (len >= 10 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6))) {
		*w = le16(d + 6);
		*h = le16(d + 8);
		rc = 0;
	} else if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		rc = jpeg_dims(d, len, w, h);
	} else if (len >= 16 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) {
		rc = webp_dims(d, len, w, h);
	}
	if (rc || *w <= 0 || *h <= 0) {
		*w = *h = 0;
		return -1;
	}
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

/* A name ends at a delimiter or white space: /Page is not /Pages. */
static int name_ends(const unsigned char *d, size_t len, size_t i)
{
	return i >= len || is_space(d[i]) || strchr("/<>[]()%{}", d[i]) != NULL;
}

/* Page objects and the largest /Count in plain bytes. */
static void count_plain(const unsigned char *d, size_t len, int64_t *objects, int64_t *count)
{
	for (size_t i = 0; i + 5 <= len; i++) {
		if (d[i] != '/')
			continue;
		if (!memcmp(d + i, "/Type", 5) && name_ends(d, len, i + 5)) {
			size_t j = i + 5;
			while (j < len && is_space(d[j]))
				j++;
			if (j + 5 <= len && !memcmp(d + j, "/Page", 5) && name_ends(d, len, j + 5))
				(*objects)++;
		} else if (i + 6 <= len && !memcmp(d + i, "/Count", 6) && name_ends(d, len, i + 6)) {
			size_t j = i + 6;
			int64_t n = 0;
			while (j < len && is_space(d[j]))
				j++;
			while (j < len && d[j] >= '0' && d[j] <= '9' && n < INT64_C(1000000000))
				n = n * 10 + (d[j++] - '0');
			if (n > *count)
				*count = n;
		}
	}
}

/* The bytes of the Flate stream that starts at d (cut at max; heap), or
 * NULL when it is not one. */
static unsigned char *inflated(const unsigned char *d, size_t len, size_t max, size_t *out)
{
	z_stream z;
	unsigned char *o = malloc(max);
	int rc;
	*out = 0;
	if (!o)
		return NULL;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		free(o);
		return NULL;
	}
	z.next_in = (unsigned char *)d;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	z.next_out = o;
	z.avail_out = (uInt)max;
	rc = inflate(&z, Z_FINISH);
	*out = max - z.avail_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK) {
		free(o);
		return NULL;
	}
	return o;
}

int64_t pdf_pages(const unsigned char *d, size_t len)
{
	int64_t objects = 0, count = 0;
	size_t budget = PDF_INFLATE_BUDGET;
	count_plain(d, len, &objects, &count);
	/* PDF 1.5 object streams (what pdfTeX and most writers make) hide the
	 * page objects in Flate data: look in those too, within a budget. */
	for (size_t i = 0; i + 6 < len && budget > 0; i++) {
		const unsigned char *dict;
		size_t from, n;
		unsigned char *o;
		if (d[i] != 's' || memcmp(d + i, "stream", 6) || (i > 0 && d[i - 1] == 'd'))
			continue;
		/* Its dictionary is in the bytes before it (a stream named
		 * by mistake only costs an inflate). */
		from = i > 1024 ? i - 1024 : 0;
		dict = d + from;
		n = i - from;
		if (!memmem(dict, n, "/ObjStm", 7))
			continue;
		i += 6;
		if (i < len && d[i] == '\r')
			i++;
		if (i < len && d[i] == '\n')
			i++;
		o = inflated(d + i, len - i, budget < PDF_INFLATE_MAX ? budget : PDF_INFLATE_MAX, &n);
		if (o) {
			count_plain(o, n, &objects, &count);
			budget -= n;
			free(o);
		}
	}
	return objects > count ? objects : count;
}
