/*
 * cli.c -- argv to a check or a config dump, results to exit codes.
 *
 * Option syntax follows the monitoring-plugins guidelines (-h -V -v -t -w
 * -c), so the same words work for "tldwatch check" and "check_tldwatch".
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tldwatch/cli.h"
#include "tldwatch/clock.h"
#include "tldwatch/config.h"
#include "tldwatch/duration.h"
#include "tldwatch/engine.h"
#include "tldwatch/ledger.h"
#include "tldwatch/range.h"
#include "tldwatch/recall.h"
#include "tldwatch/report.h"
#include "tldwatch/round.h"
#include "tldwatch/spool.h"
#include "tldwatch/status.h"
#include "tldwatch/verdict.h"
#include "tldwatch/version.h"
#include "tldwatch/watch.h"

#define DEFAULT_DEADLINE_MS 30000u
#define MAX_DEADLINE_MS (24u * 3600u * 1000u)	/* -t: 1ms .. 24h */
#define MAX_ZONE_ARGS 64

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

enum command { CMD_CHECK, CMD_CONFIG, CMD_WATCH, CMD_STATUS, CMD_HISTORY, CMD_REPORT,
	CMD_COUNT };

static const char *const command_names[CMD_COUNT] = {
	"check", "config", "watch", "status", "history", "report",
};

/* Commands as bits, for the option table. */
#define C(cmd) (1u << (cmd))
#define C_ALL ((1u << CMD_COUNT) - 1)

struct check_args {
	enum command cmd;
	const char *config_path;      /* NULL: the embedded default */
	const char *state_path;
	const char *events_path;
	const char *listen;
	int timeout_result;           /* exit code when -t expires; -1: the default (3) */
	uint32_t interval_ms;
	uint64_t rounds;
	double max_age_s;
	char *zones[MAX_ZONE_ARGS];
	size_t n_zones;
	enum tw_format format;
	uint32_t deadline_ms;
	struct tw_report_opts report;
	enum color_when color;
	unsigned given[64 / 32 + 1];  /* option table rows given, as bits */
	const char *since, *until, *at; /* history, report: times as given */
	bool summary;
	enum tw_timeline_by by;
	bool by_given;
	unsigned outage;
};

static const char *progname = "tldwatch";

static void
usage_short(FILE *fp)
{
	fprintf(fp,
	    "usage: %s check [-f FILE] [--zone NAME]... [--format text|json|nagios]\n"
	    "                [-t DUR] [-w RANGE] [-c RANGE] [--timeout-result STATE]\n"
	    "                [-v]... [--color WHEN]\n"
	    "       %s watch [-f FILE] [--interval DUR] [--state FILE] [--events FILE]\n"
	    "                [--listen ADDR:PORT] [-t DUR] [--rounds N] [-v]...\n"
	    "       %s status --state FILE [--format text|json|nagios] [--max-age DUR]\n"
	    "       %s history --state FILE [--zone NAME] [--since TIME] [--until TIME]\n"
	    "                [--summary [--by hour|day|month]] [--format text|json|csv]\n"
	    "       %s report --state FILE [--zone NAME] [--outage N | --at TIME]\n"
	    "                [--format text|json|csv]\n"
	    "       %s config [-f FILE]\n"
	    "       %s --help | --version\n", progname, progname, progname, progname, progname,
	    progname, progname);
}

static void
usage_full(void)
{
	printf("%s %s -- is a country's Internet reachable, from DNS alone?\n\n", progname,
	    TW_VERSION);
	usage_short(stdout);
	printf("\n"
	    "Commands:\n"
	    "  check            ask the TLD's servers and key hosts' servers directly, once,\n"
	    "                   and print the verdict: up, degraded, partial, down or unknown\n"
	    "  watch            run a round every interval: published states with hysteresis\n"
	    "                   and flap detection, one event per change, every round kept\n"
	    "                   in the ledger (--state)\n"
	    "  status           what a watcher published, from its ledger (for Nagios)\n"
	    "  history          the published states over time, one row per period; with\n"
	    "                   --summary, the time in each state and the availability\n"
	    "  report           the story of one outage (the latest by default): when it\n"
	    "                   began and ended, its phases, which hosts came back first\n"
	    "  config           validate the configuration and print it as tldwatch reads it\n"
	    "\n"
	    "Options:\n"
	    "  -f, --config FILE    YAML configuration (default: the embedded real .kp config)\n"
	    "      --zone NAME      check only this zone (repeatable)\n"
	    "  -o, --format FMT     text (default), json, nagios (check, status) or csv\n"
	    "                       (history, report)\n"
	    "  -t, --timeout DUR    global deadline for the whole check, 1ms .. 24h (default\n"
	    "                       30s); when it expires the state is UNKNOWN and the\n"
	    "                       output names the stage that ran out\n"
	    "  -w, --warning RANGE  nagios: warn when the number of answering authoritative\n"
	    "                       servers is outside RANGE ([@][start:][end], e.g. 2:)\n"
	    "  -c, --critical RANGE nagios: critical likewise (e.g. 1:)\n"
	    "      --timeout-result STATE  the state when -t expires: ok, warning, critical\n"
	    "                       or unknown (default), or 0..3\n"
	    "  -v, --verbose        more detail (repeatable)\n"
	    "      --color WHEN     text colours: auto (default: on a terminal), always, never\n"
	    "      --interval DUR   watch: time between round starts (default: watch.interval)\n"
	    "      --state FILE     watch: the ledger (an SQLite file): every round and event,\n"
	    "                       resumed from on start; status, history, report: read it\n"
	    "      --events FILE    watch: append events here as JSON lines (default: stdout)\n"
	    "      --listen ADDR    watch: serve /metrics (Prometheus), / (status page),\n"
	    "                       /status.json, /events, /history and /outages on PORT or\n"
	    "                       ADDRESS:PORT (a bare port binds 127.0.0.1)\n"
	    "      --rounds N       watch: stop after N rounds (tests and soaks)\n"
	    "      --max-age DUR    status: older state is UNKNOWN (default: 3 intervals)\n"
	    "      --since TIME     history: from this time (default: the ledger's start)\n"
	    "      --until TIME     history: up to this time (default: now)\n"
	    "      --summary        history: seconds in each state and availability per period\n"
	    "      --by PERIOD      history --summary: hour, day (default: hour) or month\n"
	    "      --outage N       report: the zone's outage number N (from 1)\n"
	    "      --at TIME        report: the outage under this time\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        version and library versions\n"
	    "\n"
	    "DUR is a number with a unit: 500ms, 10s, 5m, 2h, 1d, 1.5h (a bare number is\n"
	    "seconds).  TIME is ISO 8601 in UTC (2014-12-22, 2014-12-22T16:15Z), now, or\n"
	    "an amount ago: 7d, 36h, -90m.\n"
	    "\n"
	    "Exit codes (every format): 0 up, 1 degraded or unstable, 2 partial or down,\n"
	    "3 unknown, or a usage or configuration error.  history and report: 0, or 3.\n"
	    "\n"
	    "Environment:\n"
	    "  TLDWATCH_LOOPBACK_ONLY=1   refuse every target outside 127.0.0.0/8 and ::1\n"
	    "  NO_COLOR                   never use colours\n"
	    "\n"
	    "Invoked as check_tldwatch, the program runs 'check --format nagios'.\n");
}

static void
print_version(void)
{
	printf("%s %s (%s)\n", progname, TW_VERSION, tw_engine_versions());
}

/* The config, with the loopback rule when ${loopback_only}; NULL after saying why. */
static struct tw_config *
load_config(const char *path, bool loopback_only)
{
	struct tw_config *cfg;
	struct tw_error err;

	memset(&err, 0, sizeof(err));
	if ((cfg = tw_config_load_checked(path, loopback_only, &err)) == NULL) {
		fprintf(stderr, "%s: ", progname);
		tw_error_print(&err, stderr);
	}
	return cfg;
}

static int
bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a usage error in one line and return the usage exit code. */
static int
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", progname);
	return TW_EXIT_USAGE;
}

/* A duration option within min..max ms; on error prints it and returns -1. */
static int
parse_duration_opt(const char *opt, const char *text, uint64_t min, uint64_t max,
    uint64_t *ms)
{
	char lo[TW_DURATION_STRLEN], hi[TW_DURATION_STRLEN];
	int rc = tw_duration_parse(text, ms);

	if (rc == 0 && *ms >= min && *ms <= max)
		return 0;
	if (rc == -1)
		bad_usage("%s \"%s\": expected a duration like 500ms, 10s, 5m, 2h or 1d (a bare "
		    "number is seconds)", opt, text);
	else
		bad_usage("%s \"%s\": out of range (%s..%s)", opt, text,
		    tw_duration_format(min, lo, sizeof(lo)), tw_duration_format(max, hi, sizeof(hi)));
	return -1;
}

static int
parse_range_opt(const char *opt, const char *text, struct tw_range *range)
{
	struct tw_error err;

	if (tw_range_parse(text, range, &err) == 0)
		return 0;
	fprintf(stderr, "%s: %s \"%s\": %s\n", progname, opt, text, err.msg);
	return -1;
}

enum {
	OPT_ZONE = 256, OPT_COLOR, OPT_INTERVAL, OPT_STATE, OPT_EVENTS, OPT_ROUNDS, OPT_MAX_AGE,
	OPT_LISTEN, OPT_TIMEOUT_RESULT, OPT_SINCE, OPT_UNTIL, OPT_SUMMARY, OPT_BY, OPT_OUTAGE,
	OPT_AT,
};

/* Every option once: its getopt entry, and the commands that take it. */
static const struct cli_option {
	struct option opt;
	unsigned commands;
} cli_options[] = {
	{ { "config", required_argument, NULL, 'f' }, C(CMD_CHECK) | C(CMD_CONFIG) | C(CMD_WATCH) },
	{ { "zone", required_argument, NULL, OPT_ZONE }, C(CMD_CHECK) | C(CMD_HISTORY) |
	    C(CMD_REPORT) },
	{ { "format", required_argument, NULL, 'o' }, C(CMD_CHECK) | C(CMD_STATUS) |
	    C(CMD_HISTORY) | C(CMD_REPORT) },
	{ { "timeout", required_argument, NULL, 't' }, C(CMD_CHECK) | C(CMD_WATCH) },
	{ { "warning", required_argument, NULL, 'w' }, C(CMD_CHECK) },
	{ { "critical", required_argument, NULL, 'c' }, C(CMD_CHECK) },
	{ { "verbose", no_argument, NULL, 'v' }, C_ALL },
	{ { "color", required_argument, NULL, OPT_COLOR }, C(CMD_CHECK) },
	{ { "colour", required_argument, NULL, OPT_COLOR }, C(CMD_CHECK) },
	{ { "interval", required_argument, NULL, OPT_INTERVAL }, C(CMD_WATCH) },
	{ { "state", required_argument, NULL, OPT_STATE }, C(CMD_WATCH) | C(CMD_STATUS) |
	    C(CMD_HISTORY) | C(CMD_REPORT) },
	{ { "events", required_argument, NULL, OPT_EVENTS }, C(CMD_WATCH) },
	{ { "rounds", required_argument, NULL, OPT_ROUNDS }, C(CMD_WATCH) },
	{ { "max-age", required_argument, NULL, OPT_MAX_AGE }, C(CMD_STATUS) },
	{ { "listen", required_argument, NULL, OPT_LISTEN }, C(CMD_WATCH) },
	{ { "timeout-result", required_argument, NULL, OPT_TIMEOUT_RESULT }, C(CMD_CHECK) },
	{ { "since", required_argument, NULL, OPT_SINCE }, C(CMD_HISTORY) },
	{ { "until", required_argument, NULL, OPT_UNTIL }, C(CMD_HISTORY) },
	{ { "summary", no_argument, NULL, OPT_SUMMARY }, C(CMD_HISTORY) },
	{ { "by", required_argument, NULL, OPT_BY }, C(CMD_HISTORY) },
	{ { "outage", required_argument, NULL, OPT_OUTAGE }, C(CMD_REPORT) },
	{ { "at", required_argument, NULL, OPT_AT }, C(CMD_REPORT) },
	{ { "help", no_argument, NULL, 'h' }, C_ALL },
	{ { "version", no_argument, NULL, 'V' }, C_ALL },
};
#define N_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

static struct option getopt_table[N_OPTIONS + 1];

static const struct option *
long_options(void)
{
	size_t i;

	if (getopt_table[0].name == NULL)
		for (i = 0; i < N_OPTIONS; i++)
			getopt_table[i] = cli_options[i].opt;
	return getopt_table;
}

/* Note that the option whose getopt value is ${val} was given. */
static void
mark_given(struct check_args *a, int val)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if (cli_options[i].opt.val == val)
			a->given[i / 32] |= 1u << (i % 32);
}

/* "ok", "warning", "critical", "unknown" (any case) or 0..3; -1 otherwise. */
static int
parse_state_word(const char *text)
{
	static const char *words[] = { "ok", "warning", "critical", "unknown" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(text, words[i]) == 0 || (text[0] == '0' + i && text[1] == '\0'))
			return i;
	return -1;
}

static int
parse_count(const char *text, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return -1;
	*out = v;
	return 0;
}

/* Options given to a command that has no use for them are usage errors. */
static int
check_command_options(const struct check_args *a)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if ((a->given[i / 32] >> (i % 32) & 1) != 0 &&
		    (cli_options[i].commands & C(a->cmd)) == 0)
			return bad_usage("--%s is not an option of '%s'", cli_options[i].opt.name,
			    command_names[a->cmd]);
	if (a->state_path == NULL && (a->cmd == CMD_STATUS || a->cmd == CMD_HISTORY ||
	    a->cmd == CMD_REPORT))
		return bad_usage("%s needs --state FILE", command_names[a->cmd]);
	if (a->format == TW_RECALL_CSV && a->cmd != CMD_HISTORY && a->cmd != CMD_REPORT)
		return bad_usage("--format csv: only history and report write CSV");
	if (a->format == TW_FORMAT_NAGIOS && (a->cmd == CMD_HISTORY || a->cmd == CMD_REPORT))
		return bad_usage("--format nagios: %s writes text, json or csv",
		    command_names[a->cmd]);
	if (a->n_zones > 1 && a->cmd != CMD_CHECK)
		return bad_usage("%s takes one --zone", command_names[a->cmd]);
	if (a->outage > 0 && a->at != NULL)
		return bad_usage("--outage and --at: one or the other");
	if (a->by_given && !a->summary)
		return bad_usage("--by goes with --summary");
	return -1;
}

/*
 * Parse check/config options.  Returns -1 to go on, or an exit code
 * (help, version, usage error).
 */
static int
parse_check_args(int argc, char **argv, struct check_args *a, bool plugin)
{
	uint64_t ms, count;
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":f:o:t:w:c:vhV", long_options(), NULL)) != -1) {
		if (ch != ':' && ch != '?')
			mark_given(a, ch);
		switch (ch) {
		case 'f':
			a->config_path = optarg;
			break;
		case OPT_ZONE:
			if (a->n_zones == MAX_ZONE_ARGS)
				return bad_usage("too many --zone options (at most %d)", MAX_ZONE_ARGS);
			a->zones[a->n_zones++] = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "text") == 0)
				a->format = TW_FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				a->format = TW_FORMAT_JSON;
			else if (strcmp(optarg, "nagios") == 0)
				a->format = TW_FORMAT_NAGIOS;
			else if (strcmp(optarg, "csv") == 0)
				a->format = TW_RECALL_CSV;
			else
				return bad_usage("--format \"%s\": expected text, json, nagios or csv",
				    optarg);
			break;
		case 't':
			if (parse_duration_opt("--timeout", optarg, 1, MAX_DEADLINE_MS, &ms) != 0)
				return TW_EXIT_USAGE;
			a->deadline_ms = (uint32_t)ms;
			break;
		case 'w':
			if (parse_range_opt("--warning", optarg, &a->report.warn) != 0)
				return TW_EXIT_USAGE;
			break;
		case 'c':
			if (parse_range_opt("--critical", optarg, &a->report.crit) != 0)
				return TW_EXIT_USAGE;
			break;
		case 'v':
			a->report.verbosity++;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				a->color = COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				a->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				a->color = COLOR_NEVER;
			else
				return bad_usage("--color \"%s\": expected auto, always or never", optarg);
			break;
		case OPT_INTERVAL:
			if (parse_duration_opt("--interval", optarg, TW_WATCH_INTERVAL_MIN_MS,
			    TW_WATCH_INTERVAL_MAX_MS, &ms) != 0)
				return TW_EXIT_USAGE;
			a->interval_ms = (uint32_t)ms;
			break;
		case OPT_STATE:
			a->state_path = optarg;
			break;
		case OPT_LISTEN:
			a->listen = optarg;
			break;
		case OPT_TIMEOUT_RESULT:
			if ((a->timeout_result = parse_state_word(optarg)) < 0)
				return bad_usage("--timeout-result \"%s\": expected ok, warning, "
				    "critical, unknown or 0..3", optarg);
			break;
		case OPT_EVENTS:
			a->events_path = optarg;
			break;
		case OPT_ROUNDS:
			if (parse_count(optarg, &a->rounds) != 0)
				return bad_usage("--rounds \"%s\": expected a positive whole number",
				    optarg);
			break;
		case OPT_MAX_AGE:
			if (parse_duration_opt("--max-age", optarg, 1, TW_DURATION_MAX_MS, &ms) != 0)
				return TW_EXIT_USAGE;
			a->max_age_s = (double)ms / 1000.0;
			break;
		case OPT_SINCE:
			a->since = optarg;
			break;
		case OPT_UNTIL:
			a->until = optarg;
			break;
		case OPT_AT:
			a->at = optarg;
			break;
		case OPT_SUMMARY:
			a->summary = true;
			break;
		case OPT_BY:
			if (tw_timeline_by_from_str(optarg, &a->by) != 0)
				return bad_usage("--by \"%s\": expected hour, day or month", optarg);
			a->by_given = true;
			break;
		case OPT_OUTAGE:
			if (parse_count(optarg, &count) != 0 || count > UINT32_MAX)
				return bad_usage("--outage \"%s\": expected an outage number, 1 or more",
				    optarg);
			a->outage = (unsigned)count;
			break;
		case 'h':
			usage_full();
			return plugin ? 3 : 0;
		case 'V':
			print_version();
			return plugin ? 3 : 0;
		case ':':
			return bad_usage("option %s needs a value", argv[optind - 1]);
		default:
			return bad_usage("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument \"%s\"", argv[optind]);
	return check_command_options(a);
}

static bool
want_color(enum color_when when)
{
	const char *term = getenv("TERM");

	if (when != COLOR_AUTO)
		return when == COLOR_ALWAYS;
	if (getenv("NO_COLOR") != NULL)
		return false;
	return isatty(STDOUT_FILENO) && term != NULL && strcmp(term, "dumb") != 0;
}

/*
 * A check's text or JSON report, written a zone at a time: each zone is judged and its part
 * of the report spooled as soon as it ends (round.h, zone_cb), and only its name, state and
 * counts are kept; the head, known at the end, is written first and the spooled zones
 * follow in the config's order.  A 1,500-zone check so holds one zone's report at a time.
 */
struct stream {
	enum tw_format format;
	const struct tw_report_opts *report;
	struct tw_spool *spool;
	struct tw_vec text;         /* one zone's JSON */
	bool failed;
};

static void
stream_zone(void *cookie, const struct tw_check_result *r, struct tw_zone_result *z)
{
	struct stream *st = cookie;
	size_t i = (size_t)(z - r->zones);
	FILE *fp;

	(void)tw_verdict_zone(z, r);   /* (a diagnosis that found no memory is left out) */
	if ((fp = tw_spool_begin(st->spool, i)) == NULL) {
		st->failed = true;
		return;
	}
	if (st->format == TW_FORMAT_JSON) {
		st->text.n = 0;
		if (tw_report_json_zone(z, &st->text) != 0 ||
		    fwrite(st->text.v, 1, st->text.n, fp) != st->text.n)
			st->failed = true;
	} else {
		tw_report_text_zone(z, st->report, fp);
	}
	if (tw_spool_end(st->spool, i) != 0)
		st->failed = true;
	tw_result_zone_strip(z);
}

static int
spooled_zone(void *cookie, size_t i, FILE *fp)
{
	return tw_spool_copy(cookie, i, fp);
}

static int
run_check(struct check_args *a)
{
	struct stream st = { .format = a->format, .report = &a->report };
	struct tw_round_opts ro;
	struct tw_check_result *r;
	struct tw_config *cfg;
	struct tw_error err;
	int code;

	memset(&ro, 0, sizeof(ro));   /* no identity memo: a check asks every server */
	ro.loopback_only = tw_config_loopback_only_env();
	ro.deadline_ms = a->deadline_ms;
	if ((cfg = load_config(a->config_path, ro.loopback_only)) == NULL)
		return TW_EXIT_USAGE;
	memset(&err, 0, sizeof(err));
	if (a->n_zones > 0 && tw_config_select_zones(cfg, a->zones, a->n_zones, &err) != 0) {
		fprintf(stderr, "%s: ", progname);
		tw_error_print(&err, stderr);
		tw_config_free(cfg);
		return TW_EXIT_USAGE;
	}
	a->report.color = want_color(a->color);
	a->report.timeout_code_set = a->timeout_result >= 0;
	a->report.timeout_code = a->timeout_result;
	/* Nagios's status line sums up every zone before any: it reads the whole result. */
	tw_vec_init(&st.text, 1, NULL);
	if (a->format != TW_FORMAT_NAGIOS) {
		if ((st.spool = tw_spool_new(cfg->n_zones)) == NULL) {
			tw_config_free(cfg);
			fprintf(stderr, "%s: out of memory\n", progname);
			return 3;
		}
		ro.zone_cb = stream_zone;
		ro.zone_cookie = &st;
	}
	r = tw_round_run(cfg, &ro);
	tw_config_free(cfg);
	tw_vec_free(&st.text);
	if (r == NULL || st.failed) {
		if (a->format == TW_FORMAT_NAGIOS)
			printf("TLDWATCH UNKNOWN - the check could not run (out of memory)\n");
		else if (st.failed)
			fprintf(stderr, "%s: cannot keep the report while the check runs\n", progname);
		tw_result_free(r);
		tw_spool_free(st.spool);
		return 3;
	}
	if (st.spool != NULL)
		tw_verdict_overall(r);    /* the zones were judged as they ended */
	else
		tw_verdict_apply(r);
	code = tw_state_exit_code(r->state);
	if (r->deadline_hit && r->error == NULL && a->timeout_result >= 0)
		code = a->timeout_result;
	switch (a->format) {
	case TW_FORMAT_TEXT:
		if (tw_report_text_doc(r, &a->report, spooled_zone, st.spool, stdout) != 0)
			code = 3;
		break;
	case TW_FORMAT_JSON:
		if (tw_report_json_doc(r, spooled_zone, st.spool, stdout) != 0)
			code = 3;
		break;
	case TW_FORMAT_NAGIOS:
		code = tw_report_nagios(r, &a->report, stdout);
		break;
	}
	tw_spool_free(st.spool);
	tw_result_free(r);
	if (fflush(stdout) != 0) {
		perror(progname);
		return 3;
	}
	return code;
}

static int
run_config(struct check_args *a)
{
	struct tw_config *cfg;

	/* Printing sends nothing: the embedded default prints even under the loopback rule. */
	if ((cfg = load_config(a->config_path, false)) == NULL)
		return TW_EXIT_USAGE;
	if (tw_config_print(cfg, stdout) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "%s: cannot print the configuration\n", progname);
		tw_config_free(cfg);
		return 3;
	}
	tw_config_free(cfg);
	return 0;
}

static int
run_watch(const struct check_args *a)
{
	struct tw_watch_opts o;

	memset(&o, 0, sizeof(o));
	o.config_path = a->config_path;
	o.interval_ms = a->interval_ms;
	o.deadline_ms = a->deadline_ms;
	o.state_path = a->state_path;
	o.events_path = a->events_path;
	o.listen = a->listen;
	o.max_rounds = a->rounds;
	o.loopback_only = tw_config_loopback_only_env();
	o.verbosity = a->report.verbosity;
	return tw_watch_run(&o);
}

/* A time option (--since, --until, --at), or -1 after saying why; ${out} untouched if absent. */
static int
parse_time_opt(const char *opt, const char *text, double now, double *out)
{
	if (text == NULL || tw_clock_parse(text, now, out) == 0)
		return 0;
	bad_usage("%s \"%s\": expected a time like 2014-12-22T16:15Z (UTC), now, or an "
	    "amount ago like 7d or 36h", opt, text);
	return -1;
}

/* history and report: read the ledger (read only), write what it holds. */
static int
run_recall(const struct check_args *a)
{
	struct tw_recall_opts o;
	struct tw_ledger *l = NULL;
	struct tw_error err;
	int rc;

	memset(&o, 0, sizeof(o));
	o.now = tw_clock_wall();
	o.since = 0;
	o.until = -1;
	o.at = -1;
	if (parse_time_opt("--since", a->since, o.now, &o.since) != 0 ||
	    parse_time_opt("--until", a->until, o.now, &o.until) != 0 ||
	    parse_time_opt("--at", a->at, o.now, &o.at) != 0)
		return TW_EXIT_USAGE;
	if (o.until >= 0 && o.until < o.since)
		return bad_usage("--until is before --since");
	o.zone = a->n_zones > 0 ? a->zones[0] : NULL;
	o.format = a->format;
	o.summary = a->summary;
	o.by = a->by;
	o.outage = a->outage;
	memset(&err, 0, sizeof(err));
	switch (tw_ledger_open(a->state_path, false, &l, &err)) {
	case TW_LEDGER_OK:
		break;
	case TW_LEDGER_MISSING:
		fprintf(stderr, "%s: %s: no such ledger (watch --state writes one)\n", progname,
		    a->state_path);
		return 3;
	default:
		fprintf(stderr, "%s: ", progname);
		tw_error_print(&err, stderr);
		return 3;
	}
	rc = a->cmd == CMD_HISTORY ? tw_recall_history(l, &o, stdout, &err) :
	    tw_recall_report(l, &o, stdout, &err);
	tw_ledger_close(l);
	if (rc < 0) {
		fprintf(stderr, "%s: ", progname);
		tw_error_print(&err, stderr);
		return 3;
	}
	if (fflush(stdout) != 0) {
		perror(progname);
		return 3;
	}
	return 0;
}

static int
run_status(const struct check_args *a)
{
	struct tw_status_opts o;

	memset(&o, 0, sizeof(o));
	o.state_path = a->state_path;
	o.format = a->format;
	o.max_age_s = a->max_age_s;
	o.verbosity = a->report.verbosity;
	return tw_status_run(&o);
}

int
tw_cli_main(int argc, char **argv)
{
	struct check_args a;
	const char *base;
	bool plugin;
	int rc;

	base = argc > 0 && argv[0] != NULL ? strrchr(argv[0], '/') : NULL;
	base = base != NULL ? base + 1 : (argc > 0 && argv[0] != NULL ? argv[0] : "tldwatch");
	plugin = strcmp(base, "check_tldwatch") == 0;
	progname = plugin ? "check_tldwatch" : "tldwatch";

	memset(&a, 0, sizeof(a));
	a.deadline_ms = DEFAULT_DEADLINE_MS;
	a.timeout_result = -1;
	if (plugin) {
		a.format = TW_FORMAT_NAGIOS;
		if ((rc = parse_check_args(argc, argv, &a, true)) >= 0)
			return rc;
		return run_check(&a);
	}
	if (argc < 2) {
		usage_short(stderr);
		return TW_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_full();
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		print_version();
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		a.cmd = CMD_CHECK;
	else if (strcmp(argv[1], "config") == 0)
		a.cmd = CMD_CONFIG;
	else if (strcmp(argv[1], "watch") == 0)
		a.cmd = CMD_WATCH;
	else if (strcmp(argv[1], "status") == 0)
		a.cmd = CMD_STATUS;
	else if (strcmp(argv[1], "history") == 0)
		a.cmd = CMD_HISTORY;
	else if (strcmp(argv[1], "report") == 0)
		a.cmd = CMD_REPORT;
	else
		return bad_usage("unknown command \"%s\"", argv[1]);
	if ((rc = parse_check_args(argc - 1, argv + 1, &a, false)) >= 0)
		return rc;
	switch (a.cmd) {
	case CMD_CHECK:
		return run_check(&a);
	case CMD_CONFIG:
		return run_config(&a);
	case CMD_WATCH:
		return run_watch(&a);
	case CMD_STATUS:
		return run_status(&a);
	case CMD_HISTORY:
	case CMD_REPORT:
		return run_recall(&a);
	case CMD_COUNT:
		break;
	}
	return bad_usage("unknown command \"%s\"", argv[1]);
}
