#!/usr/bin/env bash
# Compression behind each web server (tests/run-all runs this behind every
# one in SERVERS): the static text files go out gzipped to a client that
# accepts it, and exactly as they are to one that does not; confab's pages
# and JSON never, even when gzip is accepted, because a page carries its
# CSRF token next to text a visitor can influence (BREACH). The private
# servers compress text/html for every site, as Debian's defaults do, so
# this also shows that the site configs keep the pages out of it.
. "$(dirname "$0")/lib.sh"

server=${CONFAB_SERVER:-nginx}
# get PATH [curl args...]: GET into $TMP/body and $TMP/headers, no
# decoding; prints the status.
get() {
	local path=$1; shift
	curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@" "$BASE$path"
}

for f in confab.css keys.js poll.js icon.svg; do
	expect_eq "$server: /static/$f with gzip accepted is 200" 200 \
		"$(get "/static/$f" -H 'Accept-Encoding: gzip')"
	expect_eq "  ... Content-Encoding: gzip" gzip "$(header Content-Encoding)"
	check "  ... Vary: Accept-Encoding" grep -qi '^Vary:.*Accept-Encoding' "$TMP/headers"
	check "  ... and decompresses to static/$f exactly" \
		cmp -s <(gzip -dc <"$TMP/body") "$ROOT/static/$f"
	check "  ... in fewer bytes" test "$(wc -c <"$TMP/body")" -lt "$(wc -c <"$ROOT/static/$f")"
	expect_eq "$server: /static/$f without Accept-Encoding is 200" 200 "$(get "/static/$f")"
	expect_eq "  ... sent as it is (no Content-Encoding)" "" "$(header Content-Encoding)"
	check "  ... identical to static/$f" cmp -s "$TMP/body" "$ROOT/static/$f"
done
get /static/confab.css -H 'Accept-Encoding: identity' >/dev/null
expect_eq "$server: Accept-Encoding: identity gets the file as it is" "" "$(header Content-Encoding)"

# Signed in: the pages that carry a CSRF token beside what a visitor typed.
A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
CID=$(new_chat "$A" 'Reflected <title> & text')
# not_compressed WHAT STATUS: the last response had STATUS, no
# Content-Encoding, and a body that is plain text (not gzip's magic bytes).
not_compressed() {
	expect_eq "$server: $1 is $2" "$2" "$3"
	expect_eq "  ... not compressed, though gzip is accepted" "" "$(header Content-Encoding)"
	check "  ... its body is plain" test "$(head -c 2 "$TMP/body" | od -An -tx1 | tr -d ' ')" != 1f8b
}
gz=(-H 'Accept-Encoding: gzip')
not_compressed "the chat list (signed in)" 200 "$(http "$A" GET /chats "${gz[@]}")"
check "  ... and holds its csrf token" grep -q 'name="csrf" value="' "$TMP/body"
not_compressed "a chat page (signed in)" 200 "$(http "$A" GET "/chat/$CID" "${gz[@]}")"
not_compressed "a 404 page (signed in)" 404 "$(http "$A" GET /no/such/page "${gz[@]}")"
not_compressed "a POST refused for its csrf token (an error page)" 403 \
	"$(http "$A" POST /chats "${gz[@]}" --data-urlencode 'csrf=wrong' --data-urlencode 'title=<b>x</b>')"
check "  ... with its explanation" grep -q 'This form has expired' "$TMP/body"
not_compressed "the dashboard's JSON (signed in)" 200 "$(http "$A" GET /dashboard.json "${gz[@]}")"
not_compressed "the sign-in page" 200 "$(http "$TMP/anon.jar" GET /login "${gz[@]}")"

done_testing
