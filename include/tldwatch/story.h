/*
 * story.h -- one outage (outage.h) told: the report's JSON, a few sentences
 * a reporter can quote with the tables under them, and CSV rows.
 *
 * JSON, one object per outage:
 *   {"zone", "outage", "ongoing", "start", "start_bounds": [last good, first bad],
 *    "end", "end_bounds": [last bad, first good] | null, "seconds",
 *    "uncertainty_seconds", "phases": [{"state", "start", "end", "seconds",
 *    "diagnosis"}], "hosts": [{"name", "key", "lost", "back", "back_bounds"}],
 *    "restoration_order": [names], "first_round", "last_round"}
 * Times are ISO 8601 UTC with milliseconds; null where unknown or not yet.
 *
 * CSV (RFC 4180), one row per record, the outage first, then its phases and
 * its hosts: record,zone,outage,name,key,state,start,end,seconds,
 * uncertainty_seconds,diagnosis.
 */
#ifndef TLDWATCH_STORY_H
#define TLDWATCH_STORY_H

#include <jansson.h>
#include <stdio.h>

#include "tldwatch/outage.h"

/* tw_story_json(o): the outage as its JSON object; NULL when memory ran out. */
json_t *tw_story_json(const struct tw_outage *o);

/*
 * tw_story_text(o, label, fp):
 * For people: what happened in two or three sentences (${label}, the zone's
 * configured label, may be NULL), then the phases and the hosts.
 */
void tw_story_text(const struct tw_outage *o, const char *label, FILE *fp);

/* tw_story_csv_header(fp): the CSV header line. */
void tw_story_csv_header(FILE *fp);

/* tw_story_csv(o, fp): the outage's CSV rows. */
void tw_story_csv(const struct tw_outage *o, FILE *fp);

#endif
