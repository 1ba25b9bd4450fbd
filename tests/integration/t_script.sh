#!/usr/bin/env bash
# What the chat page's scripts add (static/poll.js, static/keys.js), in
# headless Chromium driven by tests/browser/script_test.py: Enter sends and
# Shift+Enter is a new line, the reply's status says Thinking… / Writing…
# truly, an ended reply gets its controls and the chat its title with no
# reload (and a reload shows the same), the aria-live region speaks whole
# sentences, the view follows unless scrolled up, Copy, Esc stops, and the
# ? list of shortcuts. Needs chromium, chromium-driver and python3-selenium
# (the test fails without them). Two models are added for it and removed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/browser_lib.sh"

CONFAB=$BUILD/cli/confab
need_browser "the script test"

check "a model for the test: the lorem reply at 20 tokens/s" "$CONFAB" model add script-write \
	--provider sim --name 'Script (writes)' --api-model 'sim:tps=20:ttft=50' --price-in 0 --price-out 0
check "a model for the test: thinks, then echoes" "$CONFAB" model add script-think \
	--provider sim --name 'Script (thinks)' --api-model 'sim:reply=echo:tps=20:ttft=50:think=30' \
	--price-in 0 --price-out 0
sleep 1.1   # running pages look again at most once a second

run_browser_test "the script test" script_test 120 "$BASE" "$TMP/profile"
check "the test's models are removed" sh -c "'$CONFAB' model remove script-write >/dev/null && '$CONFAB' model remove script-think >/dev/null"

done_testing
