#!/usr/bin/env bash
# A reply streams live in a real browser: headless Chromium, driven by
# tests/browser/reply_test.py (python3-selenium), signs up through the form,
# sends to sim-slow and watches poll.js grow the reply without a reload, then
# checks the rendered markdown, the Stop form and the composer; then a model
# that thinks first: the reasoning grows live in an open <details> and ends
# folded; and the console shows no error and no CSP violation.
# Needs Debian's chromium, chromium-driver and python3-selenium; without them
# the test fails (it is not skipped).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/browser_lib.sh"

need_browser "the browser test"
run_browser_test "the browser test" reply_test 120 "$BASE" "$TMP/profile"

done_testing
