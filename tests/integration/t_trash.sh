#!/usr/bin/env bash
# Delete with undo: a deleted chat goes to the trash ([chat] trash_days, 30).
# Without the script delete asks once; with it the list's Delete is at once
# and the notice offers Undo. A trashed chat is gone from the list, search,
# its page and everything under it; Restore brings it back whole; Delete
# forever and the vacuum (confab vacuum, the idle worker) delete it for good,
# its messages and files with it, and only after trash_days.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/browser_lib.sh"

A=$TMP/a.jar
B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
CONFAB="$BUILD/cli/confab"
vacuum() { CONFAB_CONFIG=${1:-$CONFAB_CONFIG} CONFAB_DATA_DIR=$DATA "$CONFAB" vacuum >"$TMP/vac.out" 2>&1; }
db() { sqlite3 "$DATA/data.db" "$1"; }
trashed() { db "SELECT count(*) FROM chats WHERE id = '$1' AND deleted_at IS NOT NULL"; }
exists() { db "SELECT count(*) FROM chats WHERE id = '$1'"; }
nmsgs() { db "SELECT count(*) FROM messages WHERE chat_id = '$1'"; }
stored() { echo "$DATA/files/${1:0:2}/$1"; }
now_ms() { echo $(( $(date +%s) * 1000 )); }
DAY=86400000
# Valid HTML, as t_html.sh checks every page (tidy: 0 clean, 1 warnings, 2 errors).
tidy_ok() {
	cp "$TMP/body" "$TMP/page.html"
	tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/page.html" >"$TMP/tidy.out" 2>&1 && return 0
	sed 's/^/#   /' "$TMP/tidy.out" | head -10
	return 1
}
# A PDF no other test sends (the store keeps one file per content).
unique_pdf() { printf '%%PDF-1.4\n%% %s\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' "$(date +%s%N)$RANDOM" >"$1"; }
# with_file CHAT FILE: a message carrying FILE (a model that reads PDFs); its hash.
with_file() {
	local token
	token=$(csrf_for "$A" "/chat/$1")
	http "$A" POST "/chat/$1" -F "csrf=$token" -F "content=see the file" -F "model=att-openai" \
		-F "files=@$2" >/dev/null
	wait_reply "$(last_reply "$1")" >/dev/null
	sha256sum "$2" | cut -c1-64
}

X=$(new_chat "$A" "Holiday plans")
expect_eq "a chat to delete gets a reply" 303 "$(send "$A" "$X" "where shall we go" sim-fast)"
expect_eq "  ... which completes" done "$(wait_reply "$(last_reply "$X")")"
unique_pdf "$TMP/x.pdf"
XH=$(with_file "$X" "$TMP/x.pdf")
XMSGS=$(nmsgs "$X")
expect_eq "  ... four messages, one with a file" "4 1" \
	"$XMSGS $(db "SELECT count(*) FROM attachments f JOIN messages m ON m.id = f.message_id WHERE m.chat_id = '$X'")"
XUSER=$(db "SELECT id FROM messages WHERE chat_id = '$X' AND role = 'user' ORDER BY seq DESC LIMIT 1")
XREPLY=$(last_reply "$X")
USAGE=$(db "SELECT count(*) || ' ' || sum(tokens_in + tokens_out) FROM usage_logs WHERE chat_id = '$X'")

# --- Without the script, Delete asks once.
http "$A" GET /chats >/dev/null
check "the list's Delete is a button the script can make immediate" \
	grep -q "formaction=\"/chats/$X/delete\" class=\"danger\" data-trash>" "$TMP/body"
check "  ... the list loads that script" grep -q '<script src="/static/trash.js" defer>' "$TMP/body"
expect_eq "  ... which is served" 200 "$(http "$A" GET /static/trash.js)"
check "  ... and makes the button send confirm=1" grep -q 'b.name = "confirm"; b.value = "1"' "$TMP/body"
check "no link to the trash while it is empty" bash -c "! grep -q 'href=\"/chats/trash\"' '$TMP/body'"
CSRF_PAGE=/chats
expect_eq "Delete without the script (no confirm) shows a page" 200 \
	"$(post "$A" "/chats/$X/delete" back=/chats)"
check "  ... that asks once, naming the chat" grep -q 'Move “Holiday plans” to the trash?' "$TMP/body"
check "  ... with a form that confirms" grep -q '<input type="hidden" name="confirm" value="1">' "$TMP/body"
check "  ... posting to the delete" grep -q "<form method=\"post\" action=\"/chats/$X/delete\">" "$TMP/body"
check "  ... and a Cancel back where it came from" grep -q '<a href="/chats">Cancel</a>' "$TMP/body"
expect_eq "  ... having deleted nothing" 0 "$(trashed "$X")"
http "$A" GET "/chat/$X/settings" >/dev/null
check "the chat's settings page's Delete posts to the same address" \
	grep -q "<form method=\"post\" action=\"/chats/$X/delete\"" "$TMP/body"
expect_eq "  ... and asks the same (the form sends no confirm)" 200 "$(post "$A" "/chats/$X/delete")"
check "  ... its Cancel going back to the chat" grep -q "<a href=\"/chat/$X\">Cancel</a>" "$TMP/body"
expect_eq "the same question at GET /chats/ID/delete" 200 "$(http "$A" GET "/chats/$X/delete")"
check "  ... whose Cancel goes to the chat" grep -q "<a href=\"/chat/$X\">Cancel</a>" "$TMP/body"
check "  ... saying how long the trash keeps it" grep -q 'restore it from the trash for 30 days' "$TMP/body"
check "  ... valid HTML" tidy_ok
expect_eq "  ... having deleted nothing" 0 "$(trashed "$X")"

# --- CSRF on every POST: nothing happens without the form's token.
expect_eq "delete without a form token is 403" 403 \
	"$(http "$A" POST "/chats/$X/delete" --data confirm=1)"
expect_eq "  ... and the chat stays" 0 "$(trashed "$X")"

# --- Confirmed: to the trash, with Undo.
expect_eq "confirming moves it to the trash" 303 "$(post "$A" "/chats/$X/delete" confirm=1)"
expect_eq "  ... and lands on the list, its notice naming the chat" "$BASE/chats?undo=$X" "$(header Location)"
expect_eq "  ... kept, marked as trashed" "1 $XMSGS" "$(trashed "$X") $(nmsgs "$X")"
http "$A" GET "/chats?undo=$X" >/dev/null
check "  ... the notice says so" grep -q 'role="status">Moved “Holiday plans” to the trash.' "$TMP/body"
check "  ... and offers Undo, a form restoring it" grep -q "<form method=\"post\" action=\"/chats/$X/restore\">" "$TMP/body"
check "  ... valid HTML" tidy_ok
check "the list no longer shows it" bash -c "! grep -q 'id=\"c-$X\"' '$TMP/body'"
check "  ... but links to the trash, counting it" grep -q '<a href="/chats/trash">Trash (1)</a>' "$TMP/body"
check "  ... nor does the sidebar" bash -c "! grep -q 'href=\"/chat/$X\"' '$TMP/body'"
http "$A" GET '/chats?q=Holiday' >/dev/null
check "search does not find it" grep -q 'No chat titles contain “Holiday”.' "$TMP/body"
expect_eq "its page is 404" 404 "$(http "$A" GET "/chat/$X")"
expect_eq "  ... as is sending to it" 404 "$(send "$A" "$X" "still there?" sim-fast)"
expect_eq "  ... and nothing was sent" "$XMSGS" "$(nmsgs "$X")"
expect_eq "  ... its poll" 404 "$(http "$A" GET "/chat/$X/poll?m=$XREPLY&from=0")"
expect_eq "  ... its file" 404 "$(http "$A" GET "/chat/$X/file/$XH")"
CSRF_PAGE=/chats
expect_eq "  ... regenerate" 404 "$(post "$A" "/chat/$X/regenerate" model=sim-fast)"
expect_eq "  ... edit" 404 "$(http "$A" GET "/chat/$X/edit?m=$XUSER")"
expect_eq "  ... its instructions" 404 "$(post "$A" "/chat/$X/instructions" 'instructions=be brief')"
expect_eq "  ... rating its reply" 404 "$(post "$A" /ratings "m=$XREPLY" rating=5)"
expect_eq "  ... rename" 404 "$(post "$A" "/chats/$X/rename" 'title=Renamed')"
expect_eq "  ... pin" 404 "$(post "$A" "/chats/$X/pin" pinned=1)"
expect_eq "  ... and deleting it again" 404 "$(post "$A" "/chats/$X/delete" confirm=1)"
expect_eq "its usage still counts" "$USAGE" \
	"$(db "SELECT count(*) || ' ' || sum(tokens_in + tokens_out) FROM usage_logs WHERE chat_id = '$X'")"

# --- The trash.
expect_eq "the trash loads" 200 "$(http "$A" GET /chats/trash)"
check "  ... listing the chat" grep -q "id=\"c-$X\"" "$TMP/body"
check "  ... with its deletion date and the days left" \
	grep -qE 'Deleted <time datetime="[0-9T:+-]+">[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}</time> · 30 days left' "$TMP/body"
check "  ... Restore" grep -q "action=\"/chats/$X/restore\"" "$TMP/body"
check "  ... and Delete forever" grep -q "formaction=\"/chats/$X/purge\" class=\"danger\">Delete forever" "$TMP/body"
check "  ... valid HTML" tidy_ok
db "UPDATE chats SET deleted_at = $(( $(now_ms) - 29 * DAY - DAY / 2 )) WHERE id = '$X'"
http "$A" GET /chats/trash >/dev/null
check "  ... counting down: 1 day left after 29 and a half" grep -q '· 1 day left' "$TMP/body"
db "UPDATE chats SET deleted_at = $(now_ms) WHERE id = '$X'"

# --- Another user sees none of it.
http "$B" GET /chats/trash >/dev/null
check "another user's trash does not list it" bash -c "! grep -q '$X' '$TMP/body'"
expect_eq "  ... restoring it is 404" 404 "$(post "$B" "/chats/$X/restore")"
expect_eq "  ... its delete-forever page is 404" 404 "$(http "$B" GET "/chats/$X/purge")"
expect_eq "  ... deleting it forever is 404" 404 "$(post "$B" "/chats/$X/purge" confirm=1)"
expect_eq "  ... its page is 404 as before" 404 "$(http "$B" GET "/chat/$X")"
expect_eq "  ... and it is still in A's trash" "1 $XMSGS" "$(trashed "$X") $(nmsgs "$X")"

# --- Undo / Restore.
expect_eq "restore without a form token is 403" 403 "$(http "$A" POST "/chats/$X/restore")"
expect_eq "  ... and it stays in the trash" 1 "$(trashed "$X")"
expect_eq "Undo restores it" 303 "$(post "$A" "/chats/$X/restore")"
expect_eq "  ... back to the list" "$BASE/chats" "$(header Location)"
http "$A" GET /chats >/dev/null
check "  ... saying so" grep -q 'role="status">Restored “Holiday plans”.' "$TMP/body"
check "  ... listed again" grep -q "id=\"c-$X\"" "$TMP/body"
check "  ... and the trash link gone" bash -c "! grep -q 'href=\"/chats/trash\"' '$TMP/body'"
http "$A" GET "/chats?undo=$X" >/dev/null
check "a stale Undo address offers nothing" bash -c "! grep -q 'to the trash.' '$TMP/body'"
expect_eq "its page loads" 200 "$(http "$A" GET "/chat/$X")"
expect_eq "  ... with all its messages" "$XMSGS" "$(grep -c 'data-role="' "$TMP/body")"
expect_eq "  ... and its file" 200 "$(http "$A" GET "/chat/$X/file/$XH")"
expect_eq "restoring a live chat is 404" 404 "$(post "$A" "/chats/$X/restore")"
# The longest title, in 3-byte characters: 600 bytes, over what a notice holds.
L=$(new_chat "$A" "$(printf '語%.0s' $(seq 200))")
post "$A" "/chats/$L/delete" confirm=1 >/dev/null
post "$A" "/chats/$L/restore" >/dev/null
http "$A" GET /chats >/dev/null
check "a chat with the longest title is restored with a notice, its title cut" \
	grep -q "role=\"status\">Restored “$(printf '語%.0s' $(seq 26))…”." "$TMP/body"

# --- Delete forever: from the trash only, always asked.
expect_eq "a live chat cannot be deleted forever" 404 "$(post "$A" "/chats/$X/purge" confirm=1)"
expect_eq "  ... it is still there" "0 1" "$(trashed "$X") $(exists "$X")"
post "$A" "/chats/$X/delete" confirm=1 >/dev/null
expect_eq "from the trash, Delete forever asks" 200 "$(post "$A" "/chats/$X/purge" back=/chats/trash)"
check "  ... naming the chat" grep -q 'Delete “Holiday plans” forever?' "$TMP/body"
check "  ... with a form that confirms" grep -q "<form method=\"post\" action=\"/chats/$X/purge\">" "$TMP/body"
expect_eq "  ... so does its GET" 200 "$(http "$A" GET "/chats/$X/purge")"
expect_eq "  ... having deleted nothing" "1 $XMSGS" "$(trashed "$X") $(nmsgs "$X")"
expect_eq "delete forever without a form token is 403" 403 \
	"$(http "$A" POST "/chats/$X/purge" --data confirm=1)"
expect_eq "  ... and it stays" 1 "$(trashed "$X")"
expect_eq "confirmed, it is deleted forever" 303 "$(post "$A" "/chats/$X/purge" confirm=1)"
expect_eq "  ... back to the trash" "$BASE/chats/trash" "$(header Location)"
http "$A" GET /chats/trash >/dev/null
check "  ... saying so" grep -q 'role="status">Deleted “Holiday plans” forever.' "$TMP/body"
check "  ... which is empty now" grep -q 'The trash is empty.' "$TMP/body"
check "  ... valid HTML" tidy_ok
expect_eq "  ... the chat and its messages are gone" "0 0" "$(exists "$X") $(nmsgs "$X")"
expect_eq "  ... what it spent stays counted" "$USAGE" \
	"$(db "SELECT count(*) || ' ' || sum(tokens_in + tokens_out) FROM usage_logs WHERE chat_id = '$X'")"
touch -d '2 hours ago' "$(stored "$XH")"
vacuum
check "  ... and its file goes at the next confab vacuum" test ! -e "$(stored "$XH")"

# --- The vacuum: after trash_days, and not before.
Z=$(new_chat "$A" "Old news")
unique_pdf "$TMP/z.pdf"
ZH=$(with_file "$Z" "$TMP/z.pdf")
ZMSGS=$(nmsgs "$Z")
post "$A" "/chats/$Z/delete" confirm=1 >/dev/null
touch -d '2 hours ago' "$(stored "$ZH")"
db "UPDATE chats SET deleted_at = $(( $(now_ms) - 29 * DAY )) WHERE id = '$Z'"
vacuum && rc=0 || rc=$?
expect_eq "confab vacuum runs" 0 "$rc"
check "  ... saying what it took from the trash" grep -q '^trash: 0 chats deleted for good (in the trash over 30 days)' "$TMP/vac.out"
expect_eq "  ... a chat 29 days in the trash stays, messages and all" "1 $ZMSGS" "$(trashed "$Z") $(nmsgs "$Z")"
check "  ... and its file" test -f "$(stored "$ZH")"
# trash_days from the config: 7 makes the same chat due.
sed 's/^\[chat\]$/[chat]\ntrash_days = 7/' "$CONFAB_CONFIG" >"$TMP/seven.ini"
vacuum "$TMP/seven.ini"
check "with trash_days = 7 it is due" grep -q '^trash: 1 chats deleted for good (in the trash over 7 days)' "$TMP/vac.out"
expect_eq "  ... the chat and its messages are gone" "0 0" "$(exists "$Z") $(nmsgs "$Z")"
check "  ... and its file, in the same run" test ! -e "$(stored "$ZH")"
printf '[chat]\ntrash_days = 0\n' >"$TMP/zero.ini"
vacuum "$TMP/zero.ini" && rc=0 || rc=$?
check "trash_days = 0 is refused, naming the setting" \
	bash -c "[ $rc -ne 0 ] && grep -q 'trash_days' '$TMP/vac.out'"

# The idle worker does it too, a day after 30.
W=$(new_chat "$A" "Worker's to purge")
send "$A" "$W" "hello" sim-fast >/dev/null
wait_reply "$(last_reply "$W")" >/dev/null
post "$A" "/chats/$W/delete" confirm=1 >/dev/null
db "UPDATE chats SET deleted_at = $(( $(now_ms) - 30 * DAY - 60000 )) WHERE id = '$W'"
K=$(new_chat "$A" "wakes the worker")
send "$A" "$K" "wake up" sim-fast >/dev/null
wait_reply "$(last_reply "$K")" >/dev/null
for _ in $(seq 50); do [ "$(exists "$W")" = 0 ] && break; sleep 0.2; done
expect_eq "the idle worker deletes a chat 30 days in the trash for good" "0 0" "$(exists "$W") $(nmsgs "$W")"
check "  ... and logs it" grep -q 'chats from the trash for good (in it over 30 days)' "$DATA/log/confabd.log"
expect_eq "  ... leaving live chats alone" 1 "$(exists "$K")"

# --- With the script (headless Chromium): the list's Delete is at once,
# with Undo. Needs chromium, chromium-driver and python3-selenium.
missing=$(browser_missing)
if [ -z "$missing" ]; then
	run_browser_test "the browser test" trash_test 90 "$BASE" "$TMP/profile"
else
	not_ok "the browser test can run" "missing: apt-get install -y $missing"
fi

done_testing
