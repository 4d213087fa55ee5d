/*
 * render_sample.c -- render the fixture view of view_fixture.h to standard
 * output, for `make metrics-lint` (promtool, HTML parser) and for a look.
 *
 *   render_sample metrics|page [hostile]
 */
#include <stdio.h>
#include <string.h>

#include "tldwatch/metrics.h"
#include "tldwatch/statuspage.h"
#include "view_fixture.h"

int
main(int argc, char **argv)
{
	struct tw_state_doc doc;
	struct tw_view view;
	bool hostile = argc > 2 && strcmp(argv[2], "hostile") == 0;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "metrics") != 0 && strcmp(argv[1], "page") != 0)) {
		fprintf(stderr, "usage: render_sample metrics|page [hostile]\n");
		return 2;
	}
	fx_doc(&doc, hostile);
	fx_view(&view, &doc);
	if (strcmp(argv[1], "metrics") == 0)
		rc = tw_metrics_render(&view, stdout);
	else
		rc = tw_statuspage_render(&view, stdout);
	tw_statefile_doc_clear(&doc);
	if (rc != 0) {
		fprintf(stderr, "render_sample: write error\n");
		return 1;
	}
	return 0;
}
