/*
 * report.c -- what the three renderers share: the format names.
 */

#include "tldwatch/report.h"

const char *
tw_report_format_str(enum tw_format f)
{
	switch (f) {
	case TW_FORMAT_TEXT:
		return "text";
	case TW_FORMAT_JSON:
		return "json";
	case TW_FORMAT_NAGIOS:
		return "nagios";
	}
	return "invalid";
}
