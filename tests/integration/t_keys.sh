#!/usr/bin/env bash
# Bring your own key: stored sealed, shown only by its last four characters,
# never in a page or a log, refused when malformed, removable.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
EB=$(new_email)
signup "$B" "$EB" 'password two' >/dev/null
KEY="sk-user-$(date +%s%N)-secretWXYZ"

expect_eq "the settings page loads" 200 "$(http "$A" GET /settings)"
check "  ... listing the configured providers" grep -q '<h3>sim <small>(openai-compatible)</small></h3>' "$TMP/body"
check "  ... each using the server's key" grep -q "Using the server's key" "$TMP/body"
expect_eq "the sidebar links to it" 1 "$(grep -c 'href="/settings"' "$TMP/body")"
expect_eq "signed out, it sends to the sign-in page" 303 "$(http "$TMP/anon.jar" GET /settings)"

expect_eq "saving a key (303)" 303 "$(CSRF_PAGE=/settings post "$A" /settings/keys provider=sim "key=$KEY")"
http "$A" GET /settings >/dev/null
check "  ... the page shows its last four characters" grep -q 'Your key ending in <code>WXYZ</code>' "$TMP/body"
check "  ... and a flash saying it is used" grep -q 'Your sim key ending in WXYZ is stored' "$TMP/body"
check "  ... never the key itself" sh -c "! grep -q -- '$KEY' '$TMP/body'"
SEALED=$(sqlite3 "$DATA/user.db" "SELECT hex(sealed) FROM provider_keys WHERE provider = 'sim'")
check "  ... it is stored sealed" test -n "$SEALED"
check "  ... not in the clear" sh -c "! sqlite3 '$DATA/user.db' .dump | grep -q -- '$KEY'"
check "  ... and not in the database files at all" sh -c "! grep -aq -- '$KEY' '$DATA'/user.db*"
http "$B" GET /settings >/dev/null
check "another user still uses the server's key" grep -q "Using the server's key" "$TMP/body"

# The simulator's sim-byok model answers only a key ending in WXYZ.
C=$(new_chat "$A" "own key")
send "$A" "$C" "with my key" sim-byok >/dev/null
M=$(last_reply "$C")
expect_eq "a request to the provider goes out on the user's key" done "$(wait_reply "$M")"
expect_eq "  ... the reply is intact" "You said: with my key" "$(msg_field "$M" content)"
expect_eq "  ... and its usage row says so" "user" \
	"$(sqlite3 "$DATA/data.db" "SELECT key_source FROM usage_logs WHERE message_id = '$M'")"
CB=$(new_chat "$B" "server key")
send "$B" "$CB" "with the server key" sim-byok >/dev/null
MB=$(last_reply "$CB")
expect_eq "another user's request still uses the server's key (refused here)" failed "$(wait_reply "$MB")"
expect_eq "  ... logged on the server's key" "server" \
	"$(sqlite3 "$DATA/data.db" "SELECT key_source FROM usage_logs WHERE message_id = '$MB'")"
http "$A" GET "/chat/$C" >/dev/null
check "the chat page does not show the key" sh -c "! grep -q -- '$KEY' '$TMP/body'"
http "$A" GET "/chat/$C/poll?m=$M&from=0" >/dev/null
check "  ... nor does the poll answer" sh -c "! grep -q -- '$KEY' '$TMP/body'"
check "  ... nor data.db" sh -c "! grep -aq -- '$KEY' '$DATA'/data.db*"
# A seal copied to another user's row does not open for them: that user's
# reply fails, saying so, rather than going out on the wrong key.
BID=$(sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email = '$EB'")
sqlite3 "$DATA/user.db" "INSERT INTO provider_keys (user_id, provider, sealed, last4, created_at) SELECT '$BID', provider, sealed, last4, created_at FROM provider_keys"
send "$B" "$CB" "with a stolen key" sim-byok >/dev/null
MB2=$(last_reply "$CB")
expect_eq "a sealed key copied to another user does not open" failed "$(wait_reply "$MB2")"
check "  ... the reply says to store it again" grep -q 'could not be read' <<<"$(msg_field "$MB2" error)"
sqlite3 "$DATA/user.db" "DELETE FROM provider_keys WHERE user_id = '$BID'"

# A sealed key copied to another user's row does not open for them: the
# seal is bound to the user (checked by the unit test of keybox too).
expect_eq "a key with a space is refused (400)" 400 \
	"$(CSRF_PAGE=/settings post "$A" /settings/keys provider=sim 'key=sk-has space-1234')"
check "  ... saying why" grep -q 'role="alert">A key is one word' "$TMP/body"
check "  ... without echoing it" sh -c "! grep -q 'sk-has space' '$TMP/body'"
expect_eq "a too-short key is refused (400)" 400 \
	"$(CSRF_PAGE=/settings post "$A" /settings/keys provider=sim key=short)"
expect_eq "a key for an unknown provider is refused (400)" 400 \
	"$(CSRF_PAGE=/settings post "$A" /settings/keys provider=nope "key=$KEY")"
expect_eq "saving without the csrf token is refused (403)" 403 \
	"$(http "$A" POST /settings/keys --data-urlencode provider=sim --data-urlencode "key=$KEY")"

expect_eq "removing the key (303)" 303 "$(CSRF_PAGE=/settings post "$A" /settings/keys/delete provider=sim)"
expect_eq "  ... it is gone" 0 "$(sqlite3 "$DATA/user.db" "SELECT count(*) FROM provider_keys")"
http "$A" GET /settings >/dev/null
check "  ... and the server's key is used again" grep -q "Using the server's key" "$TMP/body"
check "the key is in no server log" sh -c "! grep -rq -- '$KEY' '$DATA/log' '$DATA/nginx'"

done_testing
