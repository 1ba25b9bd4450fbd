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
. "$(dirname "$0")/browser_lib.sh"

AXE=$ROOT/tests/node_modules/axe-core/axe.min.js
more=()
[ -f "$AXE" ] || command -v npm >/dev/null || more=(npm)
need_browser "the page test" "${more[@]}"
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
# SAVE_DOCS=DIR: also copy README.md's screenshots there (docs/HACKING.md).
run_browser_test "the page test" pages_test 240 "$B" "$SHOTS" ${SAVE_DOCS:+--save-docs "$SAVE_DOCS"}
echo "# screenshots in $SHOTS"

done_testing
