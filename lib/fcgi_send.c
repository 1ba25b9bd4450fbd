/* fcgi_send.c — see fcgi_send.h. */
#include "fcgi_send.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <fcgiapp.h>

/* The largest record content that keeps records 8-byte aligned without
 * padding (the protocol allows 65535). */
#define RECORD_MAX 65528
/* Records per call: 2 MiB of answer; a larger one takes more calls. */
#define MAX_RECORDS 32
#define FCGI_VERSION_1 1
#define FCGI_STDOUT 6

static void record_header(unsigned char h[8], int id, size_t len)
{
	h[0] = FCGI_VERSION_1;
	h[1] = FCGI_STDOUT;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)len;
	h[6] = 0; /* no padding */
	h[7] = 0;
}

/* sendmsg all of iov[0..n), resuming after partial sends. */
static int send_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		struct msghdr m;
		ssize_t got;
		memset(&m, 0, sizeof m);
		m.msg_iov = iov;
		m.msg_iovlen = (size_t)n;
		/* MSG_NOSIGNAL: a client gone is an error here, not SIGPIPE. */
		got = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (n > 0 && (size_t)got >= iov->iov_len) {
			got -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + got;
			iov->iov_len -= (size_t)got;
		}
	}
	return 0;
}

int fcgi_send(struct FCGX_Request *fr, const char *head, size_t hlen, const char *body,
	      size_t blen)
{
	unsigned char hdrs[MAX_RECORDS][8];
	struct iovec iov[MAX_RECORDS * 3];
	const char *part[2] = { head, body };
	size_t left[2] = { hlen, blen };
	int p = 0, sent = 0;

	/* ipcFd is below libfcgi's "don't use" line, but it is the only way
	 * past the 8 KB buffer, and has been the same field since 2.4.0. A
	 * request on a pipe (not a socket) goes the stream's way. */
	if (fr->ipcFd < 0)
		return -1;
	while (p < 2 && (left[0] || left[1])) {
		int n = 0, r = 0;
		while (r < MAX_RECORDS) {
			/* An empty record ends the stream: none before the end. */
			while (p < 2 && !left[p])
				p++;
			if (p == 2)
				break;
			/* A record holds the rest of the head and the start of the
			 * body, so a small answer is one record. */
			size_t room = RECORD_MAX, len = 0;
			record_header(hdrs[r], 0, 0);
			iov[n].iov_base = hdrs[r];
			iov[n].iov_len = 8;
			n++;
			while (p < 2 && room > 0) {
				size_t take = left[p] < room ? left[p] : room;
				if (take) {
					iov[n].iov_base = (void *)part[p];
					iov[n].iov_len = take;
					n++;
					part[p] += take;
					left[p] -= take;
					room -= take;
					len += take;
				}
				if (!left[p])
					p++;
			}
			record_header(hdrs[r], fr->requestId, len);
			r++;
		}
		if (send_all(fr->ipcFd, iov, n) < 0) {
			if (!sent && errno == ENOTSOCK)
				return -1;
			return 1;
		}
		sent = 1;
	}
	return 0;
}

void fcgi_answer(struct FCGX_Request *fr, const char *head, size_t hlen, const char *body,
		 size_t blen)
{
	if (hlen + blen > FCGI_STREAM_ROOM && fcgi_send(fr, head, hlen, body, blen) >= 0)
		return;
	FCGX_PutStr(head, (int)hlen, fr->out);
	if (blen)
		FCGX_PutStr(body, (int)blen, fr->out);
}
