#!/usr/bin/env bash
# A reply in progress shows formatted text as its blocks complete (issue
# #16), without the script (the page) and with it (the poll): the heading
# and paragraph already written are HTML, the paragraph being written is
# plain text after them, and the finished reply is the same HTML whole.
. "$(dirname "$0")/lib.sh"
CONFAB=$BUILD/cli/confab

check "a model that echoes the question at 10 tokens/s" "$CONFAB" model add live-echo \
	--provider sim --name 'Live (echoes)' --api-model 'sim:reply=echo:tps=10:ttft=0' \
	--price-in 0 --price-out 0
sleep 1.1   # running pages look again at most once a second

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
CID=$(new_chat "$A" 'Live markdown')
TAILWORDS=$(printf 'slowly%.0s ' $(seq 60))
# The simulator answers "You said: " and the question.
QUESTION=$(printf 'Intro.\n\n## Plan\n\nFirst **bold** paragraph.\n\n%s' "$TAILWORDS")
expect_eq "the question is sent" 303 "$(send "$A" "$CID" "$QUESTION" live-echo)"
MID=$(last_reply "$CID")

# The page, reloaded as the no-JS refresh does, until a block is whole.
for _ in $(seq 80); do
	http "$A" GET "/chat/$CID" >/dev/null
	grep -q 'class="plain">slowly' "$TMP/body" && break
	sleep 0.1
done
message_html "$MID" | tr -d '\n' >"$TMP/msg"
check "the running reply shows its whole blocks formatted" grep -q '<div class="live" data-end="[0-9]*"><p>You said: Intro.</p><h2>Plan</h2>' "$TMP/msg"
check "  ... its paragraph too" grep -q '<p>First <strong>bold</strong> paragraph.</p>' "$TMP/msg"
check "  ... and the paragraph being written after them, as text" \
	grep -q '</div><div class="plain">slowly' "$TMP/msg"
check "  ... not as raw markdown" bash -c "! grep -q '##' '$TMP/msg'"
expect_eq "  ... while the reply still runs" running "$(msg_field "$MID" status)"
END=$(grep -o 'data-end="[0-9]*"' "$TMP/msg" | grep -o '[0-9]*')

# The poll: formatted blocks when more are whole than the page has.
poll() { http "$A" GET "/chat/$CID/poll?m=$MID&$1"; }
expect_eq "the poll from the start is 200" 200 "$(poll 'from=0&live=0')"
check "  ... sends the whole blocks' HTML and where they end" \
	grep -q "\"live_end\":$END,\"live\":\"\\\\u003cp\\\\u003eYou said: Intro.*\\\\u003ch2\\\\u003ePlan" "$TMP/body"
check "  ... and the text after them as the tail" grep -q '"tail":"slowly' "$TMP/body"
expect_eq "a poll that has those blocks already is 200" 200 "$(poll "from=0&live=$END")"
check "  ... sends no block again" bash -c "! grep -q '\"live' '$TMP/body'"
check "  ... only the text" grep -q '"text":"You said: Intro.' "$TMP/body"
expect_eq "an offset that is not a number is refused" 400 "$(poll 'from=0&live=x')"

expect_eq "the reply ends" done "$(wait_reply "$MID" 30)"
http "$A" GET "/chat/$CID" >/dev/null
message_html "$MID" | tr -d '\n' >"$TMP/msg"
check "the finished reply is the same HTML, whole" \
	grep -q '<p>You said: Intro.</p><h2>Plan</h2><p>First <strong>bold</strong> paragraph.</p><p>slowly' "$TMP/msg"
check "  ... with its last paragraph formatted and no live part" \
	bash -c "grep -q '<p>slowly' '$TMP/msg' && ! grep -q 'class=\"live\"' '$TMP/msg'"
check "the test's model is removed" "$CONFAB" model remove live-echo
done_testing
