# tests/integration/browser_lib.sh — running a browser test
# (tests/browser/NAME.py: headless Chromium driven by python3-selenium)
# from an integration script. Sourced after lib.sh, whose TMP, checks and
# tap it uses:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/browser_lib.sh"
#   need_browser "the browser test"
#   run_browser_test "the browser test" reply_test 120 "$BASE" "$TMP/profile"
#   done_testing

# Debian's python3, which python3-selenium installs into (a python3 found
# first on PATH may be another one).
BROWSER_PY=/usr/bin/python3

# browser_missing [PACKAGE...]: the Debian packages a browser test needs
# that are not installed, then PACKAGE... (others the caller found
# missing), on one line; nothing when none is.
browser_missing() {
	local missing=()
	[ -x /usr/bin/chromium ] || missing+=(chromium)
	[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
	"$BROWSER_PY" -c 'import selenium' 2>/dev/null || missing+=(python3-selenium)
	missing+=("$@")
	echo "${missing[*]}"
}

# need_browser WHAT [PACKAGE...]: for a script that is a browser test: when
# anything is missing (browser_missing PACKAGE...), one failed check "WHAT
# can run" naming it, and the script ends there. Without them the test
# fails: it is not skipped.
need_browser() {
	local what=$1 missing
	shift
	missing=$(browser_missing "$@")
	[ -n "$missing" ] || return 0
	not_ok "$what can run" "missing Debian packages: $missing" \
		"install them: apt-get install -y $missing"
	done_testing
	exit 0
}

# run_browser_test WHAT NAME SECONDS ARGS...: runs tests/browser/NAME.py
# ARGS... (SIM passed on), at most SECONDS: timeout kills its process
# group, chromedriver and Chromium too. Passes on its checks, then one
# more: "WHAT ran to its end" (it exited 0), with its stderr's last lines
# when not. $TMP/profile is made for a test that wants a fresh profile;
# lib.sh removes $TMP on exit.
run_browser_test() {
	local what=$1 name=$2 seconds=$3 start rc
	shift 3
	mkdir -p "$TMP/profile"
	start=$(date +%s)
	# No __pycache__ in the source tree (it may be read-only, as in distcheck).
	SIM=${SIM:-} PYTHONDONTWRITEBYTECODE=1 timeout -k 5 "$seconds" \
		"$BROWSER_PY" "$ROOT/tests/browser/$name.py" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	tap <"$TMP/$name.out"
	case $rc in
	0) ok "$what ran to its end ($(($(date +%s) - start)) s)" ;;
	124|137) not_ok "$what ran to its end" "it was killed after $seconds s" \
			"$(tail -5 "$TMP/$name.err")" ;;
	*) not_ok "$what ran to its end" "exit status $rc" "$(tail -5 "$TMP/$name.err")" ;;
	esac
}
