/*
 * report_text.c -- the check result for people: one state line, then per
 * zone a header and aligned tables of servers and hosts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/escape.h"
#include "tldwatch/vec.h"
#include "tldwatch/report.h"

enum colour {
	COL_NONE = 0,
	COL_GREEN,
	COL_YELLOW,
	COL_RED,
	COL_MAGENTA,
};

static const char *const ansi[] = {
	[COL_NONE] = "",
	[COL_GREEN] = "\033[32m",
	[COL_YELLOW] = "\033[33m",
	[COL_RED] = "\033[31m",
	[COL_MAGENTA] = "\033[35m",
};
#define ANSI_RESET "\033[0m"

/* Column gap and row indent of the tables. */
#define GAP 2
#define INDENT "  "

struct cell {
	char *text;             /* escaped, owned; NULL = empty */
	enum colour colour;
};

/* A grid of cells printed with each column as wide as its widest cell. */
struct table {
	size_t ncols;
	size_t nrows;
	size_t cap;
	struct cell *cells;     /* nrows * ncols */
	bool oom;               /* a cell could not be stored; a note says so */
};

static enum colour
state_colour(enum tw_state s)
{
	switch (s) {
	case TW_STATE_UP:
		return COL_GREEN;
	case TW_STATE_DEGRADED:
	case TW_STATE_UNSTABLE:
		return COL_YELLOW;
	case TW_STATE_PARTIAL:
	case TW_STATE_DOWN:
		return COL_RED;
	case TW_STATE_UNKNOWN:
		break;
	}
	return COL_MAGENTA;
}

/*
 * The health query of a row should be answered; a root may instead refer
 * us to the TLD, which is just as good.  "none" (not asked) is no failure.
 */
static bool
outcome_failed(const struct tw_server_result *s)
{
	if (s->outcome == TW_OUTCOME_ANSWER || s->outcome == TW_OUTCOME_NONE)
		return false;
	return !(s->role == TW_ROLE_ROOT && s->outcome == TW_OUTCOME_REFERRAL);
}

static void
put_coloured(FILE *fp, bool color, enum colour c, const char *s)
{
	if (color && c != COL_NONE)
		fputs(ansi[c], fp);
	tw_escape_term(fp, s);
	if (color && c != COL_NONE)
		fputs(ANSI_RESET, fp);
}

/* "UP", "DEGRADED", ... */
static void
put_state_word(FILE *fp, bool color, enum tw_state s)
{
	const char *name = tw_state_str(s);
	char word[16];
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < sizeof(word); i++)
		word[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
	word[i] = '\0';
	put_coloured(fp, color, state_colour(s), word);
}

static void
table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* Append an empty row; returns its index, or -1 when out of memory. */
static long
table_row(struct table *t)
{
	struct cell *cells;
	size_t cap;

	if (t->nrows == t->cap) {
		cap = t->cap == 0 ? 8 : t->cap * 2;
		cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));
		if (cells == NULL) {
			t->oom = true;
			return -1;
		}
		t->cells = cells;
		t->cap = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return (long)t->nrows++;
}

/* Set a cell to ${s} escaped (NULL leaves it empty). */
static void
table_set(struct table *t, long row, size_t col, enum colour c, const char *s)
{
	struct cell *cell;

	if (row < 0 || col >= t->ncols || s == NULL)
		return;
	cell = &t->cells[(size_t)row * t->ncols + col];
	free(cell->text);
	if ((cell->text = tw_escape_dup(tw_escape_term, s)) == NULL)
		t->oom = true;
	cell->colour = c;
}

static void
table_setf(struct table *t, long row, size_t col, enum colour c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
table_setf(struct table *t, long row, size_t col, enum colour c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	table_set(t, row, col, c, buf);
}

static void
table_print(const struct table *t, bool color, FILE *fp)
{
	size_t *width, r, c, last, len;
	const struct cell *cell;

	if (t->nrows == 0)
		return;
	if ((width = calloc(t->ncols, sizeof(*width))) == NULL) {
		fputs(INDENT "(out of memory)\n", fp);
		return;
	}
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			cell = &t->cells[r * t->ncols + c];
			len = cell->text != NULL ? strlen(cell->text) : 0;
			if (len > width[c])
				width[c] = len;
		}
	for (r = 0; r < t->nrows; r++) {
		cell = &t->cells[r * t->ncols];
		/* No trailing blanks: stop after the last non-empty cell. */
		for (last = t->ncols; last > 0 && cell[last - 1].text == NULL; last--)
			;
		fputs(INDENT, fp);
		for (c = 0; c < last; c++) {
			if (width[c] == 0)
				continue;   /* a column empty in every row */
			len = cell[c].text != NULL ? strlen(cell[c].text) : 0;
			put_coloured(fp, color, cell[c].colour,
			    cell[c].text != NULL ? cell[c].text : "");
			if (c + 1 < last)
				fprintf(fp, "%*s", (int)(width[c] - len + GAP), "");
		}
		fputc('\n', fp);
	}
	free(width);
	if (t->oom)
		fputs(INDENT "(out of memory: some cells are missing)\n", fp);
}

/* Zone names for people: "" is the root. */
static const char *
zone_name(const char *name)
{
	return name == NULL || name[0] == '\0' ? "root" : name;
}

static unsigned
unanswered(const struct tw_server_result *s)
{
	return s->answered < s->sent ? s->sent - s->answered : 0;
}

static void
address_port(const struct tw_server_result *s, char *buf, size_t len)
{
	if (strchr(s->address, ':') != NULL)
		snprintf(buf, len, "[%s]:%u", s->address, (unsigned)s->port);
	else
		snprintf(buf, len, "%s:%u", s->address, (unsigned)s->port);
}

enum {
	SC_ROLE, SC_NAME, SC_ADDR, SC_TRANSPORT, SC_OUTCOME, SC_COUNT, SC_RTT,
	SC_SERIAL, SC_ZONE, SC_PINNED, SC_LOSS, SC_EDNS, SC_NSID, SC_IDENTITY, SC_NCOLS
};

/* A cell "${label}${value}" ("-" for NULL), the value whole: table_setf() cuts at 255 bytes. */
static void
labelled(struct table *t, long row, size_t col, const char *label, const char *value)
{
	struct tw_vec b;

	tw_vec_init(&b, 1, NULL);
	if (tw_vec_printf(&b, "%s%s", label, value != NULL ? value : "-") != 0)
		t->oom = true;
	else
		table_set(t, row, col, COL_NONE, tw_vec_str(&b));
	tw_vec_free(&b);
}

static void
server_row(struct table *t, const struct tw_server_result *s, int verbosity)
{
	char addr[TW_ADDRSTRLEN + 16];
	long row;

	if ((row = table_row(t)) < 0)
		return;
	address_port(s, addr, sizeof(addr));
	table_set(t, row, SC_ROLE, COL_NONE, tw_result_role_str(s->role));
	table_set(t, row, SC_NAME, COL_NONE, s->name != NULL ? s->name : "-");
	table_set(t, row, SC_ADDR, COL_NONE, addr);
	table_set(t, row, SC_TRANSPORT, COL_NONE, tw_transport_str(s->transport));
	if (s->fallback_tcp != TW_OUTCOME_NONE)
		table_setf(t, row, SC_OUTCOME, outcome_failed(s) ? COL_RED : COL_NONE,
		    "%s (tcp: %s)", tw_outcome_str(s->outcome), tw_outcome_str(s->fallback_tcp));
	else
		table_set(t, row, SC_OUTCOME, outcome_failed(s) ? COL_RED : COL_NONE,
		    tw_outcome_str(s->outcome));
	table_setf(t, row, SC_COUNT, COL_NONE, "%u/%u", s->answered, s->sent);
	if (s->rtt_ms >= 0)
		table_setf(t, row, SC_RTT, COL_NONE, "%.1f ms", s->rtt_ms);
	else
		table_set(t, row, SC_RTT, COL_NONE, "-");
	if (s->has_serial)
		table_setf(t, row, SC_SERIAL, COL_NONE, "%lu", (unsigned long)s->serial);
	else
		table_set(t, row, SC_SERIAL, COL_NONE, "-");
	if (s->role == TW_ROLE_CHILD)
		table_set(t, row, SC_ZONE, COL_NONE, s->zone);
	if (verbosity < 1)
		return;
	table_set(t, row, SC_PINNED, COL_NONE, s->pinned ? "pinned" : "-");
	if (s->sent > 0)
		table_setf(t, row, SC_LOSS, COL_NONE, "loss %.1f%%",
		    100.0 * (double)unanswered(s) / (double)s->sent);
	else
		table_set(t, row, SC_LOSS, COL_NONE, "loss -");
	table_set(t, row, SC_EDNS, COL_NONE, s->no_edns ? "edns no" : "edns");
	labelled(t, row, SC_NSID, "nsid ", s->nsid);
	labelled(t, row, SC_IDENTITY, "id ", s->identity);
}

enum {
	HC_KEY, HC_NAME, HC_TYPE, HC_RESOLVED, HC_WHAT, HC_PATH, HC_NCOLS
};

static const char *
type_str(uint16_t type, char *buf, size_t len)
{
	if (type == TW_RR_A)
		return "A";
	if (type == TW_RR_AAAA)
		return "AAAA";
	snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

/* "a, b, c" (or "-"), malloc'd; NULL when out of memory. */
static char *
join_addresses(const struct tw_host_result *h)
{
	size_t i, n = 1;
	char *out;

	if (h->n_addresses == 0 || h->addresses == NULL)
		return strdup("-");
	for (i = 0; i < h->n_addresses; i++)
		n += strlen(h->addresses[i] != NULL ? h->addresses[i] : "") + 2;
	if ((out = malloc(n)) == NULL)
		return NULL;
	out[0] = '\0';
	for (i = 0; i < h->n_addresses; i++) {
		if (i > 0)
			strcat(out, ", ");
		strcat(out, h->addresses[i] != NULL ? h->addresses[i] : "");
	}
	return out;
}

static void
host_row(struct table *t, const struct tw_host_result *h, int verbosity)
{
	char tbuf[16], *what;
	size_t n;
	long row;

	if ((row = table_row(t)) < 0)
		return;
	table_set(t, row, HC_KEY, COL_NONE, h->key ? "key" : "  -");
	table_set(t, row, HC_NAME, COL_NONE, h->name);
	if (verbosity >= 1)
		table_set(t, row, HC_TYPE, COL_NONE, type_str(h->type, tbuf, sizeof(tbuf)));
	if (h->resolved) {
		table_set(t, row, HC_RESOLVED, COL_NONE, "resolved");
		what = join_addresses(h);
	} else {
		table_set(t, row, HC_RESOLVED, COL_RED, "FAILED");
		n = strlen(tw_outcome_str(h->outcome)) +
		    (h->detail != NULL ? strlen(h->detail) + 2 : 0) + 1;
		if ((what = malloc(n)) != NULL)
			snprintf(what, n, "%s%s%s", tw_outcome_str(h->outcome),
			    h->detail != NULL ? ": " : "", h->detail != NULL ? h->detail : "");
	}
	if (what == NULL)
		t->oom = true;
	table_set(t, row, HC_WHAT, h->resolved ? COL_NONE : COL_RED, what);
	free(what);
	table_set(t, row, HC_PATH, COL_NONE, h->path);
}

static void
print_servers(const struct tw_server_result *servers, size_t n,
    const struct tw_report_opts *opts, FILE *fp)
{
	struct table t;
	size_t i;

	table_init(&t, SC_NCOLS);
	for (i = 0; i < n; i++)
		server_row(&t, &servers[i], opts->verbosity);
	table_print(&t, opts->color, fp);
	table_free(&t);
}

/* With -v: a zone's NS set as its parent's referral and as its own servers give it. */
static void
print_ns_sets(const struct tw_delegation *d, FILE *fp)
{
	size_t i, k;
	int side;

	for (side = 0; side < 2; side++) {
		if (side == 0 ? d->parent == NULL : !d->child_seen)
			continue;
		fputs(INDENT "ns set: ", fp);
		tw_escape_term(fp, zone_name(d->zone));
		if (side == 0) {
			fputs(" from ", fp);
			tw_escape_term(fp, d->parent[0] != '\0' ? d->parent : "the root");
			fputs("'s referral:", fp);
		} else {
			fputs(" from its own servers:", fp);
		}
		for (i = 0, k = 0; i < d->n_names; i++)
			if (side == 0 ? d->names[i].in_parent : d->names[i].in_child) {
				fputs(k++ ? ", " : " ", fp);
				tw_escape_term(fp, d->names[i].name);
			}
		fputc('\n', fp);
	}
}

/* Each delegation finding, one line: "delegation: kp: no_address ns3.kptc.kp: ...". */
static void
print_delegation(const struct tw_zone_result *z, const struct tw_report_opts *opts, FILE *fp)
{
	const struct tw_delegation *d;
	size_t i, j;

	for (i = 0; i < z->n_delegations; i++) {
		d = &z->delegations[i];
		if (opts->verbosity > 0)
			print_ns_sets(d, fp);
		for (j = 0; j < d->n_findings; j++) {
			fputs(INDENT "delegation: ", fp);
			tw_escape_term(fp, zone_name(d->zone));
			fprintf(fp, ": %s ", tw_delegation_kind_str(d->findings[j].kind));
			tw_escape_term(fp, d->findings[j].name);
			fputs(": ", fp);
			tw_escape_term(fp, d->findings[j].detail);
			fputc('\n', fp);
		}
	}
}

static void
print_zone(const struct tw_zone_result *z, const struct tw_report_opts *opts, FILE *fp)
{
	struct table t;
	size_t i;

	fputc('\n', fp);
	tw_escape_term(fp, zone_name(z->name));
	if (z->label != NULL) {
		fputs(" (", fp);
		tw_escape_term(fp, z->label);
		fputc(')', fp);
	}
	fputs(": ", fp);
	put_state_word(fp, opts->color, z->state);
	if (z->diagnosis != NULL) {
		fputs(" - ", fp);
		tw_escape_term(fp, z->diagnosis);
	}
	fputc('\n', fp);

	print_servers(z->servers, z->n_servers, opts, fp);

	table_init(&t, HC_NCOLS);
	for (i = 0; i < z->n_hosts; i++)
		host_row(&t, &z->hosts[i], opts->verbosity);
	table_print(&t, opts->color, fp);
	table_free(&t);

	fprintf(fp, INDENT "controls: %u/%u roots answered\n", z->controls_answered,
	    z->controls_total);	print_delegation(z, opts, fp);
}

static void
put_elapsed(FILE *fp, double ms)
{
	if (ms < 1000)
		fprintf(fp, "%.1f ms", ms);
	else
		fprintf(fp, "%.2f s", ms / 1000);
}

/* First line: the overall state and why, in a few words. */
static void
print_summary(const struct tw_check_result *r, const struct tw_report_opts *opts, FILE *fp)
{
	const struct tw_zone_result *z;
	size_t i;

	if (r->error != NULL || r->deadline_hit) {
		put_state_word(fp, opts->color, TW_STATE_UNKNOWN);
		if (r->error != NULL) {
			fputs(" - check failed: ", fp);
			tw_escape_term(fp, r->error);
		} else {
			fputs(" - deadline hit after ", fp);
			put_elapsed(fp, r->elapsed_ms);
			if (r->deadline_stage != NULL) {
				fputs(" during ", fp);
				tw_escape_term(fp, r->deadline_stage);
			}
		}
		fputc('\n', fp);
		return;
	}
	put_state_word(fp, opts->color, r->state);
	fputs(" - ", fp);
	for (i = 0; i < r->n_zones; i++) {
		z = &r->zones[i];
		if (i > 0)
			fputs(", ", fp);
		tw_escape_term(fp, zone_name(z->name));
		fprintf(fp, " %s (%u/%u authoritative servers answering)",
		    tw_state_str(z->state), z->auth_answering, z->auth_total);
	}
	if (r->n_zones == 0)
		fputs("no zones", fp);
	fputs("; checked in ", fp);
	put_elapsed(fp, r->elapsed_ms);
	fputc('\n', fp);
}

static const struct tw_report_opts defaults;

void
tw_report_text_zone(const struct tw_zone_result *z, const struct tw_report_opts *opts,
    FILE *fp)
{
	print_zone(z, opts != NULL ? opts : &defaults, fp);
}

int
tw_report_text_doc(const struct tw_check_result *r, const struct tw_report_opts *opts,
    tw_report_zone_fn *zone, void *cookie, FILE *fp)
{
	size_t i;

	if (opts == NULL)
		opts = &defaults;
	print_summary(r, opts, fp);
	for (i = 0; i < r->n_zones; i++) {
		if (zone == NULL)
			print_zone(&r->zones[i], opts, fp);
		else if (zone(cookie, i, fp) != 0)
			return -1;
	}
	if (opts->verbosity >= 1 && r->n_roots > 0) {
		fputs("\nroots:\n", fp);
		print_servers(r->roots, r->n_roots, opts, fp);
	}
	return 0;
}

void
tw_report_text(const struct tw_check_result *r, const struct tw_report_opts *opts,
    FILE *fp)
{
	(void)tw_report_text_doc(r, opts, NULL, NULL, fp);
}
