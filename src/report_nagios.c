/*
 * report_nagios.c -- monitoring-plugins output: a status line with all the
 * perfdata, one long-output line per server and host, and the exit code.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tldwatch/escape.h"
#include "tldwatch/report.h"

static const char *const words[4] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

static const char *
zone_name(const char *name)
{
	return name == NULL || name[0] == '\0' ? "root" : name;
}

/* " '<zone>_<metric><name><suffix>'=" (no zone part for NULL, e.g. 'time'). */
static void
put_label(FILE *fp, const char *zone, const char *metric, const char *name,
    const char *suffix)
{
	fputs(" '", fp);
	if (zone != NULL) {
		tw_escape_nagios_label(fp, zone_name(zone));
		fputc('_', fp);
	}
	tw_escape_nagios_label(fp, metric);
	if (name != NULL)
		tw_escape_nagios_label(fp, name);
	if (suffix != NULL)
		tw_escape_nagios_label(fp, suffix);
	fputs("'=", fp);
}

/* printf("%.*f") with a '.' whatever LC_NUMERIC says. */
static char *
fixed(char *buf, size_t len, int prec, double v)
{
	const char *point = localeconv()->decimal_point;
	size_t plen = strlen(point);
	char *at;

	snprintf(buf, len, "%.*f", prec, v);
	if (plen > 0 && strcmp(point, ".") != 0 && (at = strstr(buf, point)) != NULL) {
		*at = '.';
		memmove(at + 1, at + plen, strlen(at + plen) + 1);
	}
	return buf;
}

/* Up to ${prec} decimals, trailing zeros dropped: "25", "33.33". */
static char *
trimmed(char *buf, size_t len, int prec, double v)
{
	char *end;

	fixed(buf, len, prec, v);
	if (strchr(buf, '.') != NULL) {
		end = buf + strlen(buf);
		while (end > buf && end[-1] == '0')
			*--end = '\0';
		if (end > buf && end[-1] == '.')
			*--end = '\0';
	}
	return buf;
}

static int
threshold_code(const struct tw_zone_result *z, const struct tw_report_opts *opts)
{
	if (tw_range_alerts(&opts->crit, (double)z->auth_answering))
		return 2;
	if (tw_range_alerts(&opts->warn, (double)z->auth_answering))
		return 1;
	return 0;
}

static int
exit_code(const struct tw_check_result *r, const struct tw_report_opts *opts)
{
	int code, tc;
	size_t i;

	if (r->deadline_hit && r->error == NULL && opts->timeout_code_set)
		return opts->timeout_code;     /* --timeout-result */
	if (r->error != NULL || r->deadline_hit || r->state == TW_STATE_UNKNOWN)
		return 3;
	code = tw_state_exit_code(r->state);
	if (code == 3)
		return 3;
	for (i = 0; i < r->n_zones; i++)
		if ((tc = threshold_code(&r->zones[i], opts)) > code)
			code = tc;
	return code;
}

static void
put_summary(const struct tw_check_result *r, const struct tw_report_opts *opts, FILE *fp)
{
	const struct tw_zone_result *z;
	char num[64];
	size_t i;
	int tc;

	if (r->error != NULL) {
		tw_escape_nagios(fp, r->error);
		return;
	}
	if (r->deadline_hit) {
		fprintf(fp, "timeout after %ss", trimmed(num, sizeof(num), 1,
		    r->elapsed_ms / 1000));
		if (r->deadline_stage != NULL) {
			fputs(" during ", fp);
			tw_escape_nagios(fp, r->deadline_stage);
		}
		return;
	}
	if (r->n_zones == 0)
		fputs("no zones checked", fp);
	for (i = 0; i < r->n_zones; i++) {
		z = &r->zones[i];
		if (i > 0)
			fputs(" / ", fp);
		tw_escape_nagios(fp, zone_name(z->name));
		fprintf(fp, " %s", tw_state_str(z->state));
		if (z->diagnosis != NULL) {
			fputs(": ", fp);
			tw_escape_nagios(fp, z->diagnosis);
		}
		if ((tc = threshold_code(z, opts)) > 0)
			fprintf(fp, " (%u answering hits the %s threshold)", z->auth_answering,
			    tc == 2 ? "critical" : "warning");
	}
}

static const char *
server_label(const struct tw_server_result *s)
{
	return s->name != NULL ? s->name : s->address;
}

/* Two rows that would give the same RTT label (one server, two child zones). */
static bool
same_rtt_label(const struct tw_server_result *a, const struct tw_server_result *b)
{
	return a->rtt_ms >= 0 && b->rtt_ms >= 0 && a->transport == b->transport &&
	    strcmp(server_label(a), server_label(b)) == 0;
}

static void
put_zone_perf(const struct tw_zone_result *z, const struct tw_report_opts *opts, FILE *fp)
{
	const struct tw_server_result *s;
	unsigned keys = 0, keys_ok = 0, ok = 0;
	unsigned long sent = 0, lost = 0;
	char w[64], c[64], num[64];
	size_t i, j;

	for (i = 0; i < z->n_hosts; i++) {
		if (z->hosts[i].key) {
			keys++;
			keys_ok += z->hosts[i].resolved;
		}
		ok += z->hosts[i].resolved;
	}
	for (i = 0; i < z->n_servers; i++) {
		s = &z->servers[i];
		sent += s->sent;
		lost += s->answered < s->sent ? s->sent - s->answered : 0;
	}

	put_label(fp, z->name, "auth_answering", NULL, NULL);
	fprintf(fp, "%u;%s;%s;0;%u", z->auth_answering, tw_range_perf(&opts->warn, w, sizeof(w)),
	    tw_range_perf(&opts->crit, c, sizeof(c)), z->auth_total);
	put_label(fp, z->name, "key_hosts_resolved", NULL, NULL);
	fprintf(fp, "%u;;;0;%u", keys_ok, keys);
	put_label(fp, z->name, "hosts_resolved", NULL, NULL);
	fprintf(fp, "%u;;;0;%u", ok, (unsigned)z->n_hosts);
	/* Nothing sent is no loss figure at all, not 0 %. */
	if (sent > 0) {
		put_label(fp, z->name, "loss", NULL, NULL);
		fprintf(fp, "%s%%;;;0;100", trimmed(num, sizeof(num), 2,
		    100.0 * (double)lost / (double)sent));
	}
	for (i = 0; i < z->n_servers; i++) {
		s = &z->servers[i];
		if (s->rtt_ms < 0)
			continue;
		for (j = 0; j < i; j++)
			if (same_rtt_label(&z->servers[j], s))
				break;
		if (j < i)
			continue;
		put_label(fp, z->name, "rtt_", server_label(s),
		    s->transport == TW_TRANSPORT_TCP ? "_tcp" : NULL);
		fprintf(fp, "%ss;;;0", fixed(num, sizeof(num), 6, s->rtt_ms / 1000));
	}
}

static void
put_server_line(const struct tw_server_result *s, int verbosity, FILE *fp)
{
	char num[64];

	fprintf(fp, "%s ", tw_result_role_str(s->role));
	tw_escape_nagios(fp, s->name != NULL ? s->name : "-");
	fputc(' ', fp);
	if (strchr(s->address, ':') != NULL) {
		fputc('[', fp);
		tw_escape_nagios(fp, s->address);
		fputc(']', fp);
	} else
		tw_escape_nagios(fp, s->address);
	fprintf(fp, ":%u/%s %s", (unsigned)s->port, tw_transport_str(s->transport),
	    tw_outcome_str(s->outcome));
	if (s->fallback_tcp != TW_OUTCOME_NONE)
		fprintf(fp, " (tcp: %s)", tw_outcome_str(s->fallback_tcp));
	fprintf(fp, " %u/%u rtt=", s->answered, s->sent);
	if (s->rtt_ms >= 0)
		fprintf(fp, "%sms", fixed(num, sizeof(num), 1, s->rtt_ms));
	else
		fputc('-', fp);
	if (s->has_serial)
		fprintf(fp, " serial=%lu", (unsigned long)s->serial);
	else
		fputs(" serial=-", fp);
	if (s->role == TW_ROLE_CHILD) {
		fputs(" zone=", fp);
		tw_escape_nagios(fp, zone_name(s->zone));
	}
	if (verbosity >= 1) {
		fputs(s->no_edns ? " edns=no nsid=" : " edns=yes nsid=", fp);
		tw_escape_nagios(fp, s->nsid != NULL ? s->nsid : "-");
		fputs(" id=", fp);
		tw_escape_nagios(fp, s->identity != NULL ? s->identity : "-");
	}
	fputc('\n', fp);
}

static void
put_host_line(const struct tw_host_result *h, FILE *fp)
{
	size_t i;

	fputs("host ", fp);
	tw_escape_nagios(fp, h->name);
	if (h->resolved) {
		fputs(" resolved ", fp);
		for (i = 0; i < h->n_addresses; i++) {
			if (i > 0)
				fputc(',', fp);
			tw_escape_nagios(fp, h->addresses[i]);
		}
		if (h->n_addresses == 0)
			fputc('-', fp);
	} else {
		fprintf(fp, " FAILED %s", tw_outcome_str(h->outcome));
		if (h->detail != NULL) {
			fputs(": ", fp);
			tw_escape_nagios(fp, h->detail);
		}
	}
	fputc('\n', fp);
}

/* "delegation kp no_address ns3.kptc.kp: no such name (NXDOMAIN), and no glue" */
static void
put_delegation_lines(const struct tw_zone_result *z, FILE *fp)
{
	const struct tw_delegation *d;
	size_t i, j;

	for (i = 0; i < z->n_delegations; i++) {
		d = &z->delegations[i];
		for (j = 0; j < d->n_findings; j++) {
			fputs("delegation ", fp);
			tw_escape_nagios(fp, zone_name(d->zone));
			fprintf(fp, " %s ", tw_delegation_kind_str(d->findings[j].kind));
			tw_escape_nagios(fp, d->findings[j].name);
			fputs(": ", fp);
			tw_escape_nagios(fp, d->findings[j].detail);
			fputc('\n', fp);
		}
	}
}

int
tw_report_nagios(const struct tw_check_result *r, const struct tw_report_opts *opts,
    FILE *fp)
{
	static const struct tw_report_opts defaults;
	char num[64];
	size_t i, j;
	int code;

	if (opts == NULL)
		opts = &defaults;
	code = exit_code(r, opts);
	fprintf(fp, "TLDWATCH %s - ", words[code]);
	put_summary(r, opts, fp);
	fputs(" |", fp);
	for (i = 0; i < r->n_zones; i++)
		put_zone_perf(&r->zones[i], opts, fp);
	put_label(fp, NULL, "time", NULL, NULL);
	fprintf(fp, "%ss;;;0\n", fixed(num, sizeof(num), 6, r->elapsed_ms / 1000));

	for (i = 0; i < r->n_zones; i++) {
		for (j = 0; j < r->zones[i].n_servers; j++)
			put_server_line(&r->zones[i].servers[j], opts->verbosity, fp);
		for (j = 0; j < r->zones[i].n_hosts; j++)
			put_host_line(&r->zones[i].hosts[j], fp);
		put_delegation_lines(&r->zones[i], fp);
	}
	for (i = 0; i < r->n_roots; i++)
		put_server_line(&r->roots[i], opts->verbosity, fp);
	return code;
}
