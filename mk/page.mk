# mk/page.mk -- the metrics and status page renderers: a driver that renders
# a sample view, and the lint target that checks its output with promtool,
# an HTML checker and xmllint.  (The unit tests test_metrics and
# test_statuspage are built and run by the main Makefile's unit rules.)
#
#   make metrics-lint    render the sample view, check metrics and page
#   make page-sample     write build/sample-metrics.txt, build/sample-status.html

DEBS += prometheus libxml2-utils python3

TEST_EXTRA += metrics-lint

.PHONY: metrics-lint page-sample

$(B)/render_sample: tests/unit/render_sample.c $(B)/libtldwatch.a $(STAMP)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit $(DEPFLAGS) $(LDFLAGS) -o $@ $< \
	    $(B)/libtldwatch.a $(PKG_LIBS) -lm

metrics-lint: $(B)/render_sample
	TLDWATCH_LOOPBACK_ONLY=1 tests/unit/page-lint $(B)/render_sample

page-sample: $(B)/render_sample
	$(B)/render_sample metrics > $(B)/sample-metrics.txt
	$(B)/render_sample page > $(B)/sample-status.html
	@echo "wrote $(B)/sample-metrics.txt $(B)/sample-status.html"
