#!/usr/bin/env bash
# A page runs without a web server: CGI parameters in the environment,
# the response on stdout (as cgit's and Fossil's tests do).
. "$(dirname "$0")/lib.sh"

cgi() { env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$ROOT" \
	CONFAB_CONFIG="$DATA/confab.ini" "$@"; }

out=$(cgi REQUEST_METHOD=GET REQUEST_URI=/login "$BUILD/cgi-bin/login" </dev/null 2>/dev/null)
check "login runs as CGI and answers 200" grep -q '^Status: 200 OK' <<<"$out"
check "  ... with the sign-in form" grep -q '<form method="post" action="/login"' <<<"$out"
out=$(cgi REQUEST_METHOD=GET REQUEST_URI=/chats "$BUILD/cgi-bin/chats" </dev/null 2>/dev/null)
check "chats as CGI sends a signed-out visitor to sign in" grep -q '^Status: 303 See Other' <<<"$out"
out=$(printf 'csrf=x&title=t' | cgi REQUEST_METHOD=POST REQUEST_URI=/chats \
	CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=14 "$BUILD/cgi-bin/chats" 2>/dev/null)
check "a POST as CGI is read from stdin (303 to sign in)" grep -q '^Status: 303' <<<"$out"
out=$(cgi REQUEST_METHOD=PUT REQUEST_URI=/login "$BUILD/cgi-bin/login" </dev/null 2>/dev/null)
check "a wrong method as CGI is 405" grep -q '^Status: 405' <<<"$out"

# A broken template stops a responder at start, naming the file and line.
mkdir -p "$TMP/share"
cp -r "$ROOT/schema" "$ROOT/static" "$TMP/share/"
cp -r "$ROOT/templates" "$TMP/share/templates"
printf '<p>{{#oops}}never closed</p>\n' >"$TMP/share/templates/broken.html"
env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$TMP/share" \
	CONFAB_CONFIG="$DATA/confab.ini" "$BUILD/cgi-bin/chat" --check 2>"$TMP/err" && rc=0 || rc=$?
expect_eq "a broken template fails the start" 1 "$rc"
check "  ... naming file and line" grep -q "broken.html:1: section 'oops' is never closed" "$TMP/err"
env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$ROOT" \
	CONFAB_CONFIG="$DATA/confab.ini" "$BUILD/cgi-bin/chat" --check 2>/dev/null && rc=0 || rc=$?
expect_eq "with good templates --check passes" 0 "$rc"
printf '[server]\nmax_body = lots\n' >"$TMP/bad.ini"
env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$ROOT" \
	CONFAB_CONFIG="$TMP/bad.ini" "$BUILD/cgi-bin/chat" --check 2>"$TMP/err" && rc=0 || rc=$?
expect_eq "a bad config value fails the start" 1 "$rc"
check "  ... naming the setting" grep -q 'max_body = lots' "$TMP/err"

done_testing
