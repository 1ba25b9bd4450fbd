/* live_md.h — a reply in progress shown formatted as far as its blocks are
 * whole: headings, paragraphs, lists, tables and code blocks rendered as the
 * finished reply will render them, the block still being written as plain
 * text after them. The chat page and its poll both use it, so a reload shows
 * what the script showed. */
#ifndef CONFAB_LIVE_MD_H
#define CONFAB_LIVE_MD_H

#include <stddef.h>
#include "buf.h"

/* Past this many bytes of whole blocks a reply in progress stays plain text
 * until it ends: a poll renders the blocks again each time one completes,
 * and cmark-gfm has inputs whose time grows with the square of their
 * length (32 KiB of them: tens of ms). */
#define LIVE_MD_MAX ((size_t)32 * 1024)

/* How many leading bytes of text (n bytes) are whole blocks: up to the end
 * of its last blank line, closed code fence or heading line, or to the
 * start of a code fence still open, whichever is latest. A line without its
 * newline is never whole. 0 when no block has ended. */
size_t live_md_end(const char *text, size_t n);

/* Append the HTML of text's whole blocks to out and return how many bytes
 * they are; 0 (out unchanged) when there are none, they pass LIVE_MD_MAX,
 * or the renderer refuses them. */
size_t live_md_render(const char *text, size_t n, struct buf *out);

#endif
