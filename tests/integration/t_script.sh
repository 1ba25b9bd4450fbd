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

PY=/usr/bin/python3
CONFAB=$BUILD/cli/confab
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
"$PY" -c 'import selenium' 2>/dev/null || missing+=(python3-selenium)
if [ ${#missing[@]} -gt 0 ]; then
	not_ok "the script test can run" "missing Debian packages: ${missing[*]}" \
		"install them: apt-get install -y ${missing[*]}"
	done_testing
	exit 0
fi

check "a model for the test: the lorem reply at 20 tokens/s" "$CONFAB" model add script-write \
	--provider sim --name 'Script (writes)' --api-model 'sim:tps=20:ttft=50' --price-in 0 --price-out 0
check "a model for the test: thinks, then echoes" "$CONFAB" model add script-think \
	--provider sim --name 'Script (thinks)' --api-model 'sim:reply=echo:tps=20:ttft=50:think=30' \
	--price-in 0 --price-out 0
sleep 1.1   # running pages look again at most once a second

mkdir -p "$TMP/profile"
start=$(date +%s)
SIM=${SIM:-} timeout -k 5 120 "$PY" "$ROOT/tests/browser/script_test.py" "$BASE" "$TMP/profile" \
	>"$TMP/script.out" 2>"$TMP/script.err"
rc=$?
tap <"$TMP/script.out"
case $rc in
0) ok "the script test ran to its end ($(($(date +%s) - start)) s)" ;;
124|137) not_ok "the script test ran to its end" "it was killed after 120 s" \
		"$(tail -5 "$TMP/script.err")" ;;
*) not_ok "the script test ran to its end" "exit status $rc" "$(tail -5 "$TMP/script.err")" ;;
esac
check "the test's models are removed" sh -c "'$CONFAB' model remove script-write >/dev/null && '$CONFAB' model remove script-think >/dev/null"

done_testing
