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

# Debian's python3, which python3-selenium installs into (a python3 found
# first on PATH may be another one).
PY=/usr/bin/python3
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
"$PY" -c 'import selenium' 2>/dev/null || missing+=(python3-selenium)
if [ ${#missing[@]} -gt 0 ]; then
	not_ok "the browser test can run" "missing Debian packages: ${missing[*]}" \
		"install them: apt-get install -y ${missing[*]}"
	exit 0
fi

# A fresh profile each run; lib.sh removes $TMP on exit. The whole test is
# bounded: timeout kills its process group (chromedriver and Chromium too).
mkdir -p "$TMP/profile"
start=$(date +%s)
SIM=${SIM:-} timeout -k 5 120 "$PY" "$ROOT/tests/browser/reply_test.py" "$BASE" "$TMP/profile" \
	>"$TMP/browser.out" 2>"$TMP/browser.err"
rc=$?
tap <"$TMP/browser.out"
case $rc in
0) ok "the browser test ran to its end ($(($(date +%s) - start)) s)" ;;
124|137) not_ok "the browser test ran to its end" "it was killed after 120 s" \
		"$(tail -5 "$TMP/browser.err")" ;;
*) not_ok "the browser test ran to its end" "exit status $rc" "$(tail -5 "$TMP/browser.err")" ;;
esac

done_testing
