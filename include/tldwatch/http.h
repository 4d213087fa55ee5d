/*
 * http.h -- a small, careful HTTP endpoint on the process's event loop.
 *
 * libevent's evhttp, bound to 127.0.0.1 unless told otherwise, GET and
 * HEAD only (anything else: 405 with an Allow header), bounded header and
 * body sizes, a 10 s timeout for slow clients, and at most
 * TW_HTTP_MAX_CONNECTIONS connections served at once (beyond that the
 * listener stops accepting until one closes).  The content comes from a
 * callback that renders a path into a stream; http.c knows nothing of
 * what it serves.  With loop.c, http.c is the only file that uses
 * libevent.
 */
#ifndef TLDWATCH_HTTP_H
#define TLDWATCH_HTTP_H

#include <stddef.h>
#include <stdio.h>

#define TW_HTTP_MAX_CONNECTIONS 64
#define TW_HTTP_TIMEOUT_S 10

struct tw_http;
struct tw_loop;

/*
 * A handler renders ${path} (without the query string) into ${fp} and
 * sets *content_type; it returns the HTTP status (200, or 404 for an
 * unknown path, whose body it may leave empty).
 */
typedef int tw_http_handler(void *cookie, const char *path, FILE *fp,
    const char **content_type);

/*
 * tw_http_start(loop, listen, handler, cookie, err, errlen):
 * Listen on ${listen}: "PORT", "ADDRESS:PORT" or "[ADDRESS]:PORT"
 * (a bare port binds 127.0.0.1), serving from ${loop}, which must outlive
 * the endpoint.  Returns NULL with a reason in ${err}.
 */
struct tw_http *tw_http_start(struct tw_loop *loop, const char *listen,
    tw_http_handler *handler, void *cookie, char *err, size_t errlen);

/* tw_http_free(h): stop listening, close every connection; NULL is fine. */
void tw_http_free(struct tw_http *h);

#endif
