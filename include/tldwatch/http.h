/*
 * http.h -- a small, careful HTTP endpoint on the process's event loop.
 *
 * libevent's evhttp, bound to 127.0.0.1 unless told otherwise, GET and
 * HEAD only (anything else: 405 with an Allow header), bounded header and
 * body sizes, a 10 s timeout for slow clients, and at most
 * TW_HTTP_MAX_CONNECTIONS connections served at once (beyond that the
 * listener stops accepting until one closes).  The content comes from a
 * callback that renders a request (its path, its query parameters) into a
 * stream; http.c knows nothing of what it serves.  With loop.c, http.c is
 * the only file that uses libevent.
 */
#ifndef TLDWATCH_HTTP_H
#define TLDWATCH_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tldwatch/error.h"

#define TW_HTTP_MAX_CONNECTIONS 64
#define TW_HTTP_TIMEOUT_S 10

struct tw_http;
struct tw_loop;

/* One request, as a handler sees it. */
struct tw_http_req;

/* tw_http_req_path(req): the path, without the query string ("/" at least). */
const char *tw_http_req_path(const struct tw_http_req *req);

/*
 * tw_http_req_param(req, key, bad):
 * The decoded value of query parameter ${key}, or NULL when absent.  A
 * query string that cannot be decoded sets *${bad}.
 */
const char *tw_http_req_param(const struct tw_http_req *req, const char *key, bool *bad);

/*
 * A handler renders ${req} into ${fp} and sets *content_type; it returns
 * the HTTP status (200, 400 for bad parameters, 404 for an unknown path,
 * 503 when it cannot answer now; for 404 it may leave the body empty).
 */
typedef int tw_http_handler(void *cookie, const struct tw_http_req *req, FILE *fp,
    const char **content_type);

/*
 * tw_http_start(loop, listen, handler, cookie, err):
 * Listen on ${listen}: "PORT", "ADDRESS:PORT" or "[ADDRESS]:PORT"
 * (a bare port binds 127.0.0.1), serving from ${loop}, which must outlive
 * the endpoint.  Returns NULL with ${err} set.
 */
struct tw_http *tw_http_start(struct tw_loop *loop, const char *listen,
    tw_http_handler *handler, void *cookie, struct tw_error *err);

/* tw_http_free(h): stop listening, close every connection; NULL is fine. */
void tw_http_free(struct tw_http *h);

#endif
