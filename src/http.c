/*
 * http.c -- serve rendered pages with evhttp, GET and HEAD only, bounded.
 *
 * See http.h for the rules.  Each request renders into a memory stream,
 * then goes out in one evbuffer; nothing is kept between requests.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include <errno.h>
#include <stdbool.h>
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/endpoint.h"
#include "tldwatch/http.h"
#include "tldwatch/loop.h"

#define MAX_HEADERS_BYTES 8192
#define MAX_BODY_BYTES 1024

struct tw_http {
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	tw_http_handler *handler;
	void *cookie;
	struct evhttp_connection *open[TW_HTTP_MAX_CONNECTIONS];
	unsigned connections;      /* open connections that sent a request */
	bool paused;               /* listener disabled at the connection cap */
};

static void
on_connection_close(struct evhttp_connection *evcon, void *cookie)
{
	struct tw_http *h = cookie;
	unsigned i;

	for (i = 0; i < h->connections; i++)
		if (h->open[i] == evcon) {
			h->open[i] = h->open[--h->connections];
			break;
		}
	if (h->paused && h->connections < TW_HTTP_MAX_CONNECTIONS) {
		evconnlistener_enable(evhttp_bound_socket_get_listener(h->bound));
		h->paused = false;
	}
}

/*
 * Count a connection on its first request; at the cap, stop accepting
 * (new clients wait in the kernel's backlog) until one closes.  A
 * connection that never sends a request is cut by the timeout.
 */
static void
track_connection(struct tw_http *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	unsigned i;

	if (evcon == NULL)
		return;
	for (i = 0; i < h->connections; i++)
		if (h->open[i] == evcon)
			return;
	if (h->connections == TW_HTTP_MAX_CONNECTIONS)
		return;       /* accepted before the pause took effect: serve, uncounted */
	h->open[h->connections++] = evcon;
	evhttp_connection_set_closecb(evcon, on_connection_close, h);
	if (h->connections == TW_HTTP_MAX_CONNECTIONS && !h->paused) {
		evconnlistener_disable(evhttp_bound_socket_get_listener(h->bound));
		h->paused = true;
	}
}

struct tw_http_req {
	const char *path;
	const struct evhttp_uri *uri;
	struct evkeyvalq query;
	bool parsed;               /* query holds the parameters */
	bool bad;                  /* the query string could not be decoded */
};

const char *
tw_http_req_path(const struct tw_http_req *req)
{
	return req->path;
}

const char *
tw_http_req_param(const struct tw_http_req *req, const char *key, bool *bad)
{
	if (req->bad && bad != NULL)
		*bad = true;
	if (!req->parsed)
		return NULL;
	return evhttp_find_header(&req->query, key);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

static void
on_request(struct evhttp_request *req, void *cookie)
{
	struct tw_http *h = cookie;
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const char *type = "text/plain; charset=utf-8", *q;
	struct tw_http_req r;
	struct evbuffer *body;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int status;

	track_connection(h, req);
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Cache-Control", "no-store");
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		/* evhttp_send_error() would drop the Allow header: reply ourselves. */
		evhttp_add_header(out, "Allow", "GET, HEAD");
		evhttp_add_header(out, "Content-Type", type);
		if ((body = evbuffer_new()) != NULL)
			evbuffer_add_printf(body, "405 method not allowed: GET or HEAD only\n");
		evhttp_send_reply(req, 405, "Method Not Allowed", body);
		evbuffer_free(body);
		return;
	}
	if (path == NULL || path[0] == '\0')
		path = "/";
	if ((fp = open_memstream(&buf, &len)) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.uri = uri;
	TAILQ_INIT(&r.query);
	if (uri != NULL && (q = evhttp_uri_get_query(uri)) != NULL) {
		if (evhttp_parse_query_str(q, &r.query) == 0)
			r.parsed = true;
		else
			r.bad = true;
	}
	status = h->handler(h->cookie, &r, fp, &type);
	evhttp_clear_headers(&r.query);
	if (fclose(fp) != 0) {
		free(buf);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (status == 404 && len == 0) {
		free(buf);
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	if ((body = evbuffer_new()) == NULL || evbuffer_add(body, buf, len) != 0) {
		free(buf);
		evbuffer_free(body);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	free(buf);
	evhttp_add_header(out, "Content-Type", type);
	evhttp_send_reply(req, status, reason(status), body);
	evbuffer_free(body);
}

struct tw_http *
tw_http_start(struct tw_loop *loop, const char *listen, tw_http_handler *handler,
    void *cookie, struct tw_error *err)
{
	struct tw_http *h;
	struct tw_endpoint ep;
	const char *addr;
	unsigned port;

	if (tw_endpoint_parse_listen(listen, &ep, NULL) != 0) {
		tw_error_set(err, "--listen", 0, 0, "\"%s\": expected PORT, ADDRESS:PORT or "
		    "[ADDRESS]:PORT", listen);
		return NULL;
	}
	addr = ep.address;
	port = ep.port;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		tw_error_set(err, "--listen", 0, 0, "out of memory");
		return NULL;
	}
	h->handler = handler;
	h->cookie = cookie;
	if ((h->http = evhttp_new(tw_loop_event_base(loop))) == NULL) {
		tw_error_set(err, "--listen", 0, 0, "cannot create the HTTP server");
		free(h);
		return NULL;
	}
	/* Let every method reach on_request, which answers 405 itself. */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(h->http, MAX_HEADERS_BYTES);
	evhttp_set_max_body_size(h->http, MAX_BODY_BYTES);
	evhttp_set_timeout(h->http, TW_HTTP_TIMEOUT_S);
	evhttp_set_gencb(h->http, on_request, h);
	if ((h->bound = evhttp_bind_socket_with_handle(h->http, addr, (ev_uint16_t)port)) == NULL) {
		tw_error_set(err, "--listen", 0, 0, "%s: cannot listen on %s port %u: %s", listen,
		    addr, port, strerror(errno));
		evhttp_free(h->http);
		free(h);
		return NULL;
	}
	return h;
}

void
tw_http_free(struct tw_http *h)
{
	unsigned i;

	if (h == NULL)
		return;
	/* evhttp_free() closes the connections: they must not call back into h. */
	for (i = 0; i < h->connections; i++)
		evhttp_connection_set_closecb(h->open[i], NULL, NULL);
	evhttp_free(h->http);
	free(h);
}
