/* fcgi_send.h — a whole FastCGI answer in one system call.
 *
 * libfcgi writes its output stream in 8 KB records, one write(2) each:
 * a 36 KB chat page took 5 writes and a 115 KB one 15. fcgi_send sends
 * the answer as records of up to 64 KB in one sendmsg; libfcgi then adds
 * only its closing records (FCGX_Finish_r: one more write). */
#ifndef CONFAB_FCGI_SEND_H
#define CONFAB_FCGI_SEND_H

#include <stddef.h>

struct FCGX_Request;

/* What libfcgi's 8 KB output buffer holds besides a record header, its
 * padding and the closing records: an answer this small it sends in one
 * write as it is. */
#define FCGI_STREAM_ROOM (8192 - 8 - 24 - 8)

/* Send head then body (either may be empty) on fr's connection as
 * FCGI_STDOUT records. 0 when sent; -1 when not sent at all (the caller
 * falls back on libfcgi's stream); 1 when the connection failed midway
 * (nothing more can be sent: the client is gone). */
int fcgi_send(struct FCGX_Request *fr, const char *head, size_t hlen, const char *body,
	      size_t blen);

/* The whole answer, the cheapest way: within libfcgi's buffer through its
 * stream (one write with the closing records), past it with fcgi_send
 * (libfcgi's stream again when that cannot). */
void fcgi_answer(struct FCGX_Request *fr, const char *head, size_t hlen, const char *body,
		 size_t blen);

#endif
