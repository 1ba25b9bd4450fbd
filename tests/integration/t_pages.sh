#!/usr/bin/env bash
# Every page, as a browser shows it: headless Chromium
# (tests/browser/pages_test.py) visits each page of a fresh instance in the
# light and the dark colour scheme, at 1280x800 and 390x844, saves a
# screenshot of each in $BUILD/test-logs/screenshots/, and checks that
# axe-core finds no accessibility violation and that nothing scrolls
# sideways. A private instance, so that the account it signs up is the
# site's administrator (the dashboard's admin page) and the model it talks
# to is the offline demo (no provider configured).
# Needs Debian's chromium, chromium-driver, python3-selenium and npm
# (./run test installs them); axe-core comes from the npm registry
# (tests/package-lock.json) into tests/node_modules on the first run.
# Without any of them the test fails (it is not skipped).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
"$PY" -c 'import selenium' 2>/dev/null || missing+=(python3-selenium)
AXE=$ROOT/tests/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	not_ok "the page test can run" "missing Debian packages: ${missing[*]}" \
		"install them: apt-get install -y ${missing[*]}"
	done_testing
	exit 0
fi
if [ ! -f "$AXE" ]; then
	if ! timeout 120 npm ci --prefix "$ROOT/tests" --no-audit --no-fund >"$TMP/npm.log" 2>&1 ||
		[ ! -f "$AXE" ]; then
		not_ok "axe-core installs from the npm registry (npm ci --prefix tests)" \
			"$(tail -5 "$TMP/npm.log")"
		done_testing
		exit 0
	fi
fi
ok "axe-core $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$ROOT/tests/node_modules/axe-core/package.json" | head -1) is installed"

# The private instance: no provider (so the demo model), cheap hashing.
P=$(mktemp -d /tmp/confab-pages.XXXXXX)
trap 'stop_second_instance "$P" >/dev/null 2>&1; rm -rf "$TMP" "$P"' EXIT
cat >"$P/confab.ini" <<'EOF'
[auth]
password_memory_kib = 8192
password_passes = 1
EOF
chmod 600 "$P/confab.ini"
if ! B=$(CONFAB_CONFIG=$P/confab.ini CONFAB_DEMO_URL='' second_instance "$P"); then
	not_ok "a fresh confab with the demo model starts" "$(tail -5 "$TMP/second-instance.log")"
	done_testing
	exit 0
fi

SHOTS=$BUILD/test-logs/screenshots
mkdir -p "$SHOTS"
start=$(date +%s)
# SAVE_DOCS=DIR: also copy README.md's screenshots there (docs/HACKING.md).
timeout -k 5 240 "$PY" "$ROOT/tests/browser/pages_test.py" "$B" "$SHOTS" \
	${SAVE_DOCS:+--save-docs "$SAVE_DOCS"} >"$TMP/browser.out" 2>"$TMP/browser.err"
rc=$?
tap <"$TMP/browser.out"
case $rc in
0) ok "the page test ran to its end ($(($(date +%s) - start)) s; screenshots in $SHOTS)" ;;
124|137) not_ok "the page test ran to its end" "it was killed after 240 s" \
		"$(tail -5 "$TMP/browser.err")" ;;
*) not_ok "the page test ran to its end" "exit status $rc" "$(tail -5 "$TMP/browser.err")" ;;
esac

done_testing
