/* events.c — drives the curl multi handle from epoll through
 * curl_multi_socket_action, so that a wake costs what its ready sockets
 * cost. curl_multi_poll would poll() every stream's socket and
 * curl_multi_perform walk every handle on each wake: with 1,000 streams
 * that was most of confabd's CPU.
 *
 * Wakes are also paced: after one, the next is at least EVENTS_GAP_MS
 * later, so tokens arriving one by one on many sockets are read in
 * batches rather than one wake each. Text is only written at the tick
 * anyway; the gap delays nothing a poll sees, and a connection's set-up
 * (connect, request, headers) by at most a few gaps. */
#include "confabd.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#define EVENTS_GAP_MS 5
#define EVENTS_BATCH 256

static int epfd = -1;
static int64_t timer_at = -1;     /* curl's timeout, as now_ms(); -1 none */
static int64_t last_wake;

/* curl says what a socket waits for (CURLMOPT_SOCKETFUNCTION). */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *user, void *sockp)
{
	struct epoll_event ev = { .data.fd = fd };
	(void)easy;
	(void)user;
	(void)sockp;
	if (what == CURL_POLL_REMOVE) {
		/* It may be closed already (then epoll dropped it itself). */
		epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
	/* A descriptor number curl reuses without a REMOVE in between is
	 * still registered: MOD, else ADD. */
	if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0 &&
	    (errno != ENOENT || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0))
		log_error("epoll: cannot watch a provider socket (%s)", strerror(errno));
	return 0;
}

/* curl's one timer (CURLMOPT_TIMERFUNCTION): -1 removes it. */
static int on_timer(CURLM *multi, long ms, void *user)
{
	(void)multi;
	(void)user;
	timer_at = ms < 0 ? -1 : now_ms() + ms;
	return 0;
}

int events_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -1;
	timer_at = -1;
	last_wake = 0;
	curl_multi_setopt(w.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(w.multi, CURLMOPT_TIMERFUNCTION, on_timer);
	return 0;
}

void events_free(void)
{
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);    /* a signal cuts it short: the loop looks at stop */
}

/* Hand each ready socket to curl; then curl's timer when due. */
static void run_ready(int timeout)
{
	struct epoll_event evs[EVENTS_BATCH];
	int n, running;
	do {
		n = epoll_wait(epfd, evs, EVENTS_BATCH, timeout);
		for (int i = 0; i < n; i++) {
			uint32_t e = evs[i].events;
			int bits = (e & (EPOLLIN | EPOLLHUP | EPOLLERR) ? CURL_CSELECT_IN : 0) |
				   (e & (EPOLLOUT | EPOLLERR) ? CURL_CSELECT_OUT : 0) |
				   (e & EPOLLERR ? CURL_CSELECT_ERR : 0);
			curl_multi_socket_action(w.multi, evs[i].data.fd, bits, &running);
		}
		timeout = 0;    /* a full batch: more may be ready now */
	} while (n == EVENTS_BATCH);
	if (timer_at >= 0 && now_ms() >= timer_at) {
		timer_at = -1;
		curl_multi_socket_action(w.multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
}

void events_run(int64_t deadline)
{
	int64_t now = now_ms(), gap_end = last_wake + EVENTS_GAP_MS, until;
	if (gap_end > deadline)
		gap_end = deadline;
	if (now < gap_end) {
		sleep_ms(gap_end - now);
		now = now_ms();
	}
	until = timer_at >= 0 && timer_at < deadline ? timer_at : deadline;
	run_ready(until > now ? (int)(until - now) : 0);
	last_wake = now_ms();
}
