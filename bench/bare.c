/* bare — the ceiling: a FastCGI responder that answers every request with
 * the bytes of one file and does nothing else. bench/run puts it behind the
 * same nginx as confab, so the ratio between them is the cost of confab's
 * own work (session, query, template). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgi_send.h"

static char *load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long len;
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	s = malloc((size_t)len + 1);
	if (!s || fread(s, 1, (size_t)len, f) != (size_t)len)
		return NULL;
	fclose(f);
	*n = (size_t)len;
	return s;
}

static void serve(int sock, const char *body, size_t n)
{
	FCGX_Request fr;
	FCGX_Init();
	FCGX_InitRequest(&fr, sock, 0);
	char head[128];
	/* libfcgi's own printf knows no %zu: format the header here. */
	int hn = snprintf(head, sizeof head, "Status: 200 OK\r\nContent-Type: text/html; "
			  "charset=utf-8\r\nContent-Length: %zu\r\n\r\n", n);
	while (FCGX_Accept_r(&fr) >= 0) {
		/* As confab's http_send. */
		fcgi_answer(&fr, head, (size_t)hn, body, n);
		FCGX_Finish_r(&fr);
	}
}

int main(int argc, char **argv)
{
	size_t n = 0;
	char *body;
	int sock, procs;
	if (argc != 4) {
		fprintf(stderr, "usage: bare SOCKET PROCS FILE\n"
				"  SOCKET \"-\": serve the socket open as fd 0 in this process\n"
				"  (mod_fcgid, lighttpd bin-path), as the page executables do.\n");
		return 2;
	}
	procs = atoi(argv[2]);
	if (!(body = load(argv[3], &n))) {
		fprintf(stderr, "bare: cannot read %s\n", argv[3]);
		return 1;
	}
	if (strcmp(argv[1], "-") == 0) {
		serve(0, body, n);
		return 0;
	}
	unlink(argv[1]);
	umask(0);
	sock = FCGX_OpenSocket(argv[1], 256);
	if (sock < 0)
		return 1;
	chmod(argv[1], 0660);
	for (int i = 0; i < procs; i++)
		if (fork() == 0) {
			serve(sock, body, n);
			_exit(0);
		}
	signal(SIGTERM, SIG_DFL);
	while (wait(NULL) > 0)
		;
	return 0;
}
