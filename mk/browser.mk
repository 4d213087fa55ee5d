# browser.mk -- the status page in a real browser (issue 4, part 3): headless Chromium opens
# `tldwatch watch --listen` on a lab of its own during an injected outage (tests/browser/run).
#
#   make browser-test    the browser test (about 20 s); screenshot in build/artifacts/

DEBS += chromium strace curl jq file

TEST_EXTRA += browser-test

.PHONY: browser-test

browser-test: all
	TLDWATCH_LOOPBACK_ONLY=1 tests/browser/run
