/*
 * diag-shim.c -- an LD_PRELOAD diagnostic for bench/world-round, never linked into tldwatch.
 * TW_DIAG_RCVBUF=BYTES gives every UDP socket that receive buffer (SO_RCVBUFFORCE as root,
 * else SO_RCVBUF); TW_DIAG_LOOP=1 times the event loop from epoll_wait to epoll_wait and prints
 * one "loopgap:" line on stderr at exit.  It tells the kernel's drops from the engine's delays.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

int socket(int domain, int type, int protocol);
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);

static double last_return, busy_ms, wait_ms, longest_ms;
static long calls, fd_events;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* dlsym returns an object pointer; copy it into a function pointer without a cast warning. */
static void *
next_symbol(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void
report(void)
{
	fprintf(stderr, "loopgap: %ld epoll_wait calls, %ld fd events, busy %.1f ms, "
	    "waiting %.1f ms, longest iteration %.1f ms\n", calls, fd_events, busy_ms, wait_ms,
	    longest_ms);
}

int
socket(int domain, int type, int protocol)
{
	static int (*real)(int, int, int);
	const char *s;
	void *p;
	int fd, v;

	if (real == NULL) {
		p = next_symbol("socket");
		memcpy(&real, &p, sizeof(real));
	}
	fd = real(domain, type, protocol);
	if (fd >= 0 && (type & 0xf) == SOCK_DGRAM && (s = getenv("TW_DIAG_RCVBUF")) != NULL &&
	    (v = atoi(s)) > 0) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
	return fd;
}

int
epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	static int (*real)(int, struct epoll_event *, int, int);
	static int on = -1;
	double t, gap;
	void *p;
	int n;

	if (real == NULL) {
		p = next_symbol("epoll_wait");
		memcpy(&real, &p, sizeof(real));
	}
	if (on < 0) {
		on = getenv("TW_DIAG_LOOP") != NULL;
		if (on)
			atexit(report);
	}
	if (!on)
		return real(epfd, events, maxevents, timeout);
	t = now_ms();
	if (last_return > 0) {
		gap = t - last_return;
		busy_ms += gap;
		if (gap > longest_ms)
			longest_ms = gap;
	}
	n = real(epfd, events, maxevents, timeout);
	last_return = now_ms();
	wait_ms += last_return - t;
	calls++;
	if (n > 0)
		fd_events += n;
	return n;
}
