/*
 * report_json.c -- the check result as one JSON document (jansson), for
 * scripts and dashboards.  Field names are part of the interface.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tldwatch/escape.h"
#include "tldwatch/report.h"
#include "tldwatch/vec.h"
#include "tldwatch/version.h"

/* Enough significant digits for a millisecond time rounded to 3 decimals. */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

/* ${v} rounded to ${decimals} places, so that the text stays short. */
static json_t *
real_rounded(double v, int decimals)
{
	double scale = pow(10, decimals);

	return json_real(round(v * scale) / scale);
}

/*
 * Build objects with one error flag instead of a check per field: set()
 * takes ownership of ${v} (NULL = allocation failed) and records failure.
 */
struct builder {
	bool failed;
};

static void
set(struct builder *b, json_t *obj, const char *key, json_t *v)
{
	if (obj == NULL || v == NULL || json_object_set_new(obj, key, v) == -1)
		b->failed = true;
	if (obj == NULL)
		json_decref(v);
}

static void
append(struct builder *b, json_t *arr, json_t *v)
{
	if (arr == NULL || v == NULL || json_array_append_new(arr, v) == -1)
		b->failed = true;
	if (arr == NULL)
		json_decref(v);
}

static json_t *
server_json(struct builder *b, const struct tw_server_result *s)
{
	json_t *o = json_object();
	unsigned lost = s->answered < s->sent ? s->sent - s->answered : 0;

	set(b, o, "role", json_string(tw_result_role_str(s->role)));
	set(b, o, "zone", tw_escape_json(s->zone));
	set(b, o, "name", tw_escape_json(s->name));
	set(b, o, "address", tw_escape_json(s->address));
	set(b, o, "port", json_integer(s->port));
	set(b, o, "transport", json_string(tw_transport_str(s->transport)));
	set(b, o, "pinned", json_boolean(s->pinned));
	set(b, o, "outcome", json_string(tw_outcome_str(s->outcome)));
	set(b, o, "fallback_tcp", s->fallback_tcp != TW_OUTCOME_NONE ?
	    json_string(tw_outcome_str(s->fallback_tcp)) : json_null());
	set(b, o, "sent", json_integer(s->sent));
	set(b, o, "answered", json_integer(s->answered));
	set(b, o, "loss", s->sent > 0 ? real_rounded((double)lost / (double)s->sent, 4) :
	    json_null());
	set(b, o, "rtt_ms", s->rtt_ms >= 0 ? real_rounded(s->rtt_ms, 3) : json_null());
	set(b, o, "soa_serial", s->has_serial ? json_integer(s->serial) : json_null());
	set(b, o, "serial_behind", json_boolean(s->serial_behind));
	set(b, o, "edns", json_boolean(!s->no_edns));
	set(b, o, "nsid", tw_escape_json(s->nsid));
	set(b, o, "identity", tw_escape_json(s->identity));
	return o;
}

static json_t *
servers_json(struct builder *b, const struct tw_server_result *servers, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		append(b, a, server_json(b, &servers[i]));
	return a;
}

static json_t *
type_json(uint16_t type)
{
	if (type == TW_RR_A)
		return json_string("A");
	if (type == TW_RR_AAAA)
		return json_string("AAAA");
	return json_sprintf("TYPE%u", (unsigned)type);
}

static json_t *
host_json(struct builder *b, const struct tw_host_result *h)
{
	json_t *o = json_object(), *addrs = json_array();
	size_t i;

	for (i = 0; i < h->n_addresses; i++)
		append(b, addrs, tw_escape_json(h->addresses[i]));
	set(b, o, "name", tw_escape_json(h->name));
	set(b, o, "label", tw_escape_json(h->label));
	set(b, o, "type", type_json(h->type));
	set(b, o, "key", json_boolean(h->key));
	set(b, o, "resolved", json_boolean(h->resolved));
	set(b, o, "outcome", json_string(tw_outcome_str(h->outcome)));
	set(b, o, "addresses", addrs);
	set(b, o, "path", tw_escape_json(h->path));
	set(b, o, "detail", tw_escape_json(h->detail));
	return o;
}

static json_t *
strings_json(struct builder *b, char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		append(b, a, tw_escape_json(v[i]));
	return a;
}

/* The NS names ${d} has from its parent (${parent}) or from itself; null when that side was not seen. */
static json_t *
ns_list_json(struct builder *b, const struct tw_delegation *d, bool parent)
{
	json_t *a;
	size_t i;

	if (parent ? d->parent == NULL : !d->child_seen)
		return json_null();
	a = json_array();
	for (i = 0; i < d->n_names; i++)
		if (parent ? d->names[i].in_parent : d->names[i].in_child)
			append(b, a, tw_escape_json(d->names[i].name));
	return a;
}

static json_t *
ns_names_json(struct builder *b, const struct tw_delegation *d)
{
	json_t *a = json_array(), *o;
	const struct tw_ns_name *n;
	size_t i;

	for (i = 0; i < d->n_names; i++) {
		n = &d->names[i];
		o = json_object();
		set(b, o, "name", tw_escape_json(n->name));
		set(b, o, "glue", strings_json(b, n->glue, n->n_glue));
		set(b, o, "addresses", strings_json(b, n->addrs, n->n_addrs));
		append(b, a, o);
	}
	return a;
}

/*
 * "delegation": the monitored zone's parent and child NS sets, the findings of it and of
 * every zone met below it (each naming its zone), and those zones' own sets.
 */
static json_t *
delegation_json(struct builder *b, const struct tw_zone_result *z)
{
	json_t *o = json_object(), *findings = json_array(), *zones = json_array(), *f, *c;
	const struct tw_delegation *d;
	size_t i, j;

	for (i = 0; i < z->n_delegations; i++) {
		d = &z->delegations[i];
		for (j = 0; j < d->n_findings; j++) {
			f = json_object();
			set(b, f, "kind", json_string(tw_delegation_kind_str(d->findings[j].kind)));
			set(b, f, "name", tw_escape_json(d->findings[j].name));
			set(b, f, "detail", tw_escape_json(d->findings[j].detail));
			set(b, f, "zone", tw_escape_json(d->zone));
			append(b, findings, f);
		}
		if (i == 0)
			continue;
		c = json_object();
		set(b, c, "zone", tw_escape_json(d->zone));
		set(b, c, "parent", tw_escape_json(d->parent));
		set(b, c, "parent_ns", ns_list_json(b, d, true));
		set(b, c, "child_ns", ns_list_json(b, d, false));
		set(b, c, "names", ns_names_json(b, d));
		append(b, zones, c);
	}
	d = z->n_delegations > 0 ? &z->delegations[0] : NULL;
	set(b, o, "parent", d != NULL ? tw_escape_json(d->parent) : json_null());
	set(b, o, "parent_ns", d != NULL ? ns_list_json(b, d, true) : json_null());
	set(b, o, "child_ns", d != NULL ? ns_list_json(b, d, false) : json_null());
	set(b, o, "findings", findings);
	set(b, o, "names", d != NULL ? ns_names_json(b, d) : json_array());
	set(b, o, "below", zones);
	return o;
}

static json_t *
zone_json(struct builder *b, const struct tw_zone_result *z)
{
	json_t *o = json_object(), *hosts = json_array(), *controls = json_object();
	size_t i;

	set(b, o, "name", tw_escape_json(z->name));
	set(b, o, "label", tw_escape_json(z->label));
	set(b, o, "state", json_string(tw_state_str(z->state)));
	set(b, o, "diagnosis", tw_escape_json(z->diagnosis));
	set(b, o, "auth_answering", json_integer(z->auth_answering));
	set(b, o, "auth_total", json_integer(z->auth_total));
	set(b, o, "servers", servers_json(b, z->servers, z->n_servers));
	for (i = 0; i < z->n_hosts; i++)
		append(b, hosts, host_json(b, &z->hosts[i]));
	set(b, o, "hosts", hosts);
	set(b, controls, "answered", json_integer(z->controls_answered));
	set(b, controls, "total", json_integer(z->controls_total));
	set(b, o, "controls", controls);
	set(b, o, "delegation", delegation_json(b, z));
	return o;
}

/* The document without its zones (the last field): NULL when memory ran out. */
static json_t *
json_head(const struct tw_check_result *r)
{
	struct builder b = { false };
	json_t *root = json_object();
	int exit_code;

	exit_code = r->error != NULL || r->deadline_hit ? 3 : tw_state_exit_code(r->state);
	set(&b, root, "version", json_string(TW_VERSION));
	set(&b, root, "state", json_string(tw_state_str(r->state)));
	set(&b, root, "exit_code", json_integer(exit_code));
	set(&b, root, "elapsed_ms", real_rounded(r->elapsed_ms, 3));
	set(&b, root, "deadline_hit", json_boolean(r->deadline_hit));
	set(&b, root, "deadline_stage", tw_escape_json(r->deadline_stage));
	set(&b, root, "error", tw_escape_json(r->error));
	set(&b, root, "roots", servers_json(&b, r->roots, r->n_roots));
	if (!b.failed)
		return root;
	json_decref(root);
	return NULL;
}

json_t *
tw_report_json_value(const struct tw_check_result *r)
{
	struct builder b = { false };
	json_t *root, *zones = json_array();
	size_t i;

	if ((root = json_head(r)) == NULL) {
		json_decref(zones);
		return NULL;
	}
	for (i = 0; i < r->n_zones; i++)
		append(&b, zones, zone_json(&b, &r->zones[i]));
	set(&b, root, "zones", zones);
	if (!b.failed)
		return root;
	json_decref(root);
	return NULL;
}

/*
 * Gathers jansson's text for one zone, each line after the first indented by ${indent}, to
 * be written in one fwrite(): jansson calls back for every token (a world round's zones make
 * ~1.5 million calls), and a stdio call per token was most of the output's cost.
 */
struct indented {
	struct tw_vec text;         /* bytes, on the heap, kept from one zone to the next */
	const char *indent;
	bool failed;
};

static int
put_bytes(struct indented *w, const char *buf, size_t size)
{
	if (tw_vec_reserve(&w->text, size) != 0)
		return -1;
	memcpy((char *)w->text.v + w->text.n, buf, size);
	w->text.n += size;
	return 0;
}

static int
write_indented(const char *buf, size_t size, void *data)
{
	struct indented *w = data;
	const char *nl;
	size_t line;

	/* A newline in jansson's indented text is always its own (strings escape theirs). */
	while (size > 0 && (nl = memchr(buf, '\n', size)) != NULL) {
		line = (size_t)(nl - buf) + 1;
		if (put_bytes(w, buf, line) != 0 || put_bytes(w, w->indent, strlen(w->indent)) != 0)
			goto fail;
		size -= line;
		buf = nl + 1;
	}
	if (size > 0 && put_bytes(w, buf, size) != 0)
		goto fail;
	return 0;
fail:
	w->failed = true;
	return -1;
}

/* The empty zones array that ends the document's head, and what follows it. */
#define HEAD_TAIL "[]\n}"

int
tw_report_json_zone(const struct tw_zone_result *z, struct tw_vec *text)
{
	struct indented w = { .indent = "    " };
	struct builder b = { false };
	json_t *zone;
	int rc = -1;

	w.text = *text;
	if ((zone = zone_json(&b, z)) != NULL && !b.failed &&
	    json_dump_callback(zone, write_indented, &w, JSON_FLAGS) == 0 && !w.failed)
		rc = 0;
	json_decref(zone);
	*text = w.text;
	return rc;
}

/* A zone of ${r}, rendered here: tw_report_zone_fn for a result that holds its zones whole. */
struct own_zones {
	const struct tw_check_result *r;
	struct tw_vec text;         /* bytes, on the heap, kept from one zone to the next */
};

static int
own_zone(void *cookie, size_t i, FILE *fp)
{
	struct own_zones *o = cookie;

	o->text.n = 0;
	if (tw_report_json_zone(&o->r->zones[i], &o->text) != 0 ||
	    fwrite(o->text.v, 1, o->text.n, fp) != o->text.n)
		return -1;
	return 0;
}

/*
 * The same text as json_dumpf(tw_report_json_value(r), fp, JSON_FLAGS), written one zone at a
 * time: only one zone's JSON values exist at once, not the whole document's (a 1,500-zone
 * round's were ~9 MiB more at the process's peak).  The head (every field but the zones) is
 * dumped with an empty zones array, which is cut off and replaced by the zones, each written
 * by ${zone} (rendered with tw_report_json_zone(): indented to its depth, 2 levels).
 */
int
tw_report_json_doc(const struct tw_check_result *r, tw_report_zone_fn *zone, void *cookie,
    FILE *fp)
{
	struct builder b = { false };
	json_t *root;
	char *head = NULL;
	size_t i, n;
	int rc = -1;

	if ((root = json_head(r)) == NULL)
		return -1;
	set(&b, root, "zones", json_array());
	if (b.failed || (head = json_dumps(root, JSON_FLAGS)) == NULL)
		goto out;
	n = strlen(head);
	if (n < strlen(HEAD_TAIL) || strcmp(head + n - strlen(HEAD_TAIL), HEAD_TAIL) != 0)
		goto out;
	if (r->n_zones == 0) {
		if (fputs(head, fp) == EOF)
			goto out;
	} else {
		if (fwrite(head, 1, n - strlen(HEAD_TAIL), fp) != n - strlen(HEAD_TAIL) ||
		    fputs("[\n    ", fp) == EOF)
			goto out;
		for (i = 0; i < r->n_zones; i++)
			if (zone(cookie, i, fp) != 0 ||
			    fputs(i + 1 < r->n_zones ? ",\n    " : "\n  ]\n}", fp) == EOF)
				goto out;
	}
	if (fputc('\n', fp) != EOF)
		rc = 0;
out:
	free(head);
	json_decref(root);
	return rc;
}

int
tw_report_json(const struct tw_check_result *r, const struct tw_report_opts *opts,
    FILE *fp)
{
	struct own_zones o = { .r = r };
	int rc;

	(void)opts;
	tw_vec_init(&o.text, 1, NULL);
	rc = tw_report_json_doc(r, own_zone, &o, fp);
	tw_vec_free(&o.text);
	return rc;
}
