/* test_fcgi_send.c — fcgi_send's records as a web server reads them: over
 * a real socket pair, every record FCGI_STDOUT of this request, none empty
 * (an empty one ends the stream), each at most 64 KB, and the bytes put
 * back together the head then the body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgi_send.h"

/* Read everything the child sends into *out; the records checked. */
static size_t read_records(int fd, int id, char **out, int *nrec)
{
	size_t cap = 1 << 20, len = 0, got = 0;
	unsigned char *all = malloc(cap);
	ssize_t n;
	*out = malloc(cap);
	*nrec = 0;
	while ((n = read(fd, all + got, cap - got)) > 0) {
		got += (size_t)n;
		if (got == cap)
			all = realloc(all, cap *= 2);
	}
	for (size_t at = 0; at < got;) {
		unsigned char *h = all + at;
		size_t clen, plen;
		assert_true(got - at >= 8);
		assert_int_equal(h[0], 1);
		assert_int_equal(h[1], 6); /* FCGI_STDOUT */
		assert_int_equal((h[2] << 8) | h[3], id);
		clen = (size_t)((h[4] << 8) | h[5]);
		plen = h[6];
		assert_true(clen > 0);
		assert_true(got - at >= 8 + clen + plen);
		*out = realloc(*out, len + clen + 1);
		memcpy(*out + len, h + 8, clen);
		len += clen;
		at += 8 + clen + plen;
		++*nrec;
	}
	free(all);
	return len;
}

/* Send head and a body of blen bytes from a child; check what arrives. */
static void round_trip(size_t hlen, size_t blen, int want_records)
{
	int sv[2], nrec, status;
	char *head = malloc(hlen + 1), *body = malloc(blen + 1), *got;
	size_t len;
	pid_t pid;

	for (size_t i = 0; i < hlen; i++)
		head[i] = (char)('A' + i % 26);
	for (size_t i = 0; i < blen; i++)
		body[i] = (char)('a' + (i * 7) % 26);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FCGX_Request fr;
		memset(&fr, 0, sizeof fr);
		fr.requestId = 258;
		fr.ipcFd = sv[1];
		close(sv[0]);
		_exit(fcgi_send(&fr, head, hlen, body, blen) == 0 ? 0 : 1);
	}
	close(sv[1]);
	len = read_records(sv[0], 258, &got, &nrec);
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(len, hlen + blen);
	assert_memory_equal(got, head, hlen);
	if (blen)
		assert_memory_equal(got + hlen, body, blen);
	if (want_records)
		assert_int_equal(nrec, want_records);
	free(got);
	free(head);
	free(body);
}

static void small_answer_is_one_record(void **state)
{
	(void)state;
	round_trip(300, 9000, 1);
}

static void head_only(void **state)
{
	(void)state;
	round_trip(300, 0, 1);
}

/* Exactly full records: no empty record after the last full one. */
static void exact_multiple_of_a_record(void **state)
{
	(void)state;
	round_trip(28, 65528 * 2 - 28, 2);
}

/* Past one sendmsg's 32 records (2 MiB): the rest in a second call. */
static void large_answer(void **state)
{
	(void)state;
	round_trip(400, 5 * 1024 * 1024 + 17, 0);
}

/* Not a socket: nothing sent, the caller goes libfcgi's way. */
static void a_pipe_falls_back(void **state)
{
	int p[2];
	FCGX_Request fr;
	(void)state;
	assert_int_equal(pipe(p), 0);
	memset(&fr, 0, sizeof fr);
	fr.ipcFd = p[1];
	assert_int_equal(fcgi_send(&fr, "x", 1, "y", 1), -1);
	close(p[0]);
	close(p[1]);
}

/* The server gone: an error, not SIGPIPE killing the responder. */
static void peer_gone_is_an_error(void **state)
{
	int sv[2];
	FCGX_Request fr;
	static char big[200000];
	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[0]);
	memset(&fr, 0, sizeof fr);
	fr.ipcFd = sv[1];
	assert_int_equal(fcgi_send(&fr, "x", 1, big, sizeof big), 1);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_answer_is_one_record),
		cmocka_unit_test(head_only),
		cmocka_unit_test(exact_multiple_of_a_record),
		cmocka_unit_test(large_answer),
		cmocka_unit_test(a_pipe_falls_back),
		cmocka_unit_test(peer_gone_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
