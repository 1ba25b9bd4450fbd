#!/usr/bin/env bash
# Long chats: a chat of 10,000 messages opens on its newest 100, well under
# 200 KB, with a plain "Show earlier messages" link that pages back (w3m
# follows it too) window by window with no gap and no overlap; ?at=MSG
# opens the window holding a message; a bad ?before= is a 400, another
# user's chat a 404 on every window; and a reply sent into the long chat
# streams and polls as in a short one.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
db() { sqlite3 "$DATA/data.db" "$@"; }
tidy_ok() {
	tidy -q -e -utf8 --warn-proprietary-attributes no "$1" >"$TMP/tidy.out" 2>&1 && return 0
	sed 's/^/#   /' "$TMP/tidy.out" | head -10
	return 1
}
dump() { w3m -dump -T text/html -I UTF-8 -O UTF-8 -cols 160 "$TMP/body" >"$TMP/dump"; }

# fill CHAT N: N messages straight into data.db in one transaction, seq
# 1..N, questions (odd seq) and replies of a real size (about 1.3 KB of
# HTML: paragraphs, a list, a code block), as bench/run writes its chat.
fill() {
	db <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO messages (id, chat_id, seq, role, content, html, status, model, tokens_in,
                      tokens_out, cost, created_at, completed_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
             || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       '$1', i, CASE i % 2 WHEN 1 THEN 'user' ELSE 'assistant' END,
       CASE i % 2 WHEN 1 THEN 'Question #' || i || '.' ELSE 'Answer #' || i || '.' END,
       CASE i % 2 WHEN 1 THEN NULL ELSE
         '<p>Answer #' || i || '.</p><p>A <strong>process</strong> has its own address space, '
         || 'file descriptors and at least one thread; the threads of a process share its memory, '
         || 'so they can talk through ordinary variables but must take care when two of them write '
         || 'the same thing at once.</p><ul><li>Processes are isolated: one crashing leaves the others '
         || 'running.</li><li>Threads are cheaper to start and to switch between.</li><li>Sharing '
         || 'memory needs locks, atomics or message passing.</li></ul><pre><code class="language-c">'
         || 'pthread_t t;' || char(10) || 'if (pthread_create(&amp;t, NULL, run, arg) != 0)' || char(10)
         || '    perror(&quot;pthread_create&quot;);' || char(10) || 'pthread_join(t, NULL);</code></pre>'
         || '<p>Use processes when a failure must stay contained, threads when the work shares a lot '
         || 'of state and must be fast; many servers use both: a few processes, each with a pool of '
         || 'threads.</p>' END,
       'done', CASE i % 2 WHEN 1 THEN NULL ELSE 'sim' END,
       CASE i % 2 WHEN 1 THEN 0 ELSE 20 END, CASE i % 2 WHEN 1 THEN 0 ELSE 300 END,
       CASE i % 2 WHEN 1 THEN 0 ELSE 7 END, $(date +%s)000, $(date +%s)000
FROM n;
COMMIT;
SQL
}
# The seqs of the messages on the last page, one a line, in page order.
page_seqs() {
	grep -o '<li id="m-[0-9a-f-]*"' "$TMP/body" | sed 's/.*m-//; s/"//' |
		while read -r id; do db "SELECT seq FROM messages WHERE id = '$id'"; done
}
# 1 when the lines of file $1 are consecutive integers.
consecutive() { awk 'NR > 1 && $1 != prev + 1 {bad = 1} {prev = $1} END {exit bad}' "$1"; }
msg_at() { db "SELECT id FROM messages WHERE chat_id = '$1' AND seq = $2"; }
earlier_link() { grep -o 'href="[^"]*" rel="prev">Show earlier messages' "$TMP/body" | sed 's/^href="//; s/".*//'; }

C=$(new_chat "$A" "A very long chat")
fill "$C" 10000
expect_eq "10,000 messages written straight into data.db" 10000 "$(db "SELECT count(*) FROM messages WHERE chat_id = '$C'")"
NEWEST=$(msg_at "$C" 10000) OLDEST=$(msg_at "$C" 1)

# --- the newest window
expect_eq "the chat of 10,000 messages opens" 200 "$(http "$A" GET "/chat/$C")"
size=$(wc -c <"$TMP/body")
check "  ... in under 200 KB of HTML ($size bytes)" test "$size" -lt 204800
expect_eq "  ... showing 100 messages" 100 "$(grep -c '<li id="m-' "$TMP/body")"
check "  ... the newest one, with its markup contract" \
	grep -q "<li id=\"m-$NEWEST\" data-role=\"assistant\" data-status=\"done\"" "$TMP/body"
check "  ... not the oldest" sh -c "! grep -q 'm-$OLDEST' '$TMP/body'"
page_seqs >"$TMP/w1"
expect_eq "  ... the newest 100 in order (9901 to 10000)" "9901 10000" "$(head -1 "$TMP/w1") $(tail -1 "$TMP/w1")"
check "  ... with no gap" consecutive "$TMP/w1"
check "  ... Regenerate and Edit, as on any chat's newest messages" \
	bash -c "grep -q 'class=\"regenerate\"' '$TMP/body' && grep -q '<a href=\"?edit=9999\">Edit</a>' '$TMP/body'"
cp "$TMP/body" "$TMP/w1.html"
check "  ... valid HTML" tidy_ok "$TMP/w1.html"
L1=$(earlier_link)
expect_eq "  ... a Show earlier messages link to the window before it, landing on its newest" \
	"/chat/$C?before=9901#m-$(msg_at "$C" 9900)" "$L1"
check "  ... above the list" bash -c "tr -d '\n' <'$TMP/body' | grep -q 'Show earlier messages</a></p><ol class=\"messages\"'"
check "  ... and no link to later messages: this is the newest" sh -c "! grep -q 'Show the newest messages' '$TMP/body'"
dump
check "w3m -dump of the chat shows Show earlier messages" grep -q 'Show earlier messages' "$TMP/dump"

# --- paging back
expect_eq "following Show earlier messages" 200 "$(http "$A" GET "${L1%%#*}")"
expect_eq "  ... shows 100 messages" 100 "$(grep -c '<li id="m-' "$TMP/body")"
page_seqs >"$TMP/w2"
expect_eq "  ... the 100 just before (9801 to 9900)" "9801 9900" "$(head -1 "$TMP/w2") $(tail -1 "$TMP/w2")"
check "  ... with no gap" consecutive "$TMP/w2"
cat "$TMP/w2" "$TMP/w1" >"$TMP/w21"
check "  ... and none between the two windows, nor overlap" consecutive "$TMP/w21"
check "  ... where the link's #fragment is: its newest message" grep -q "<li id=\"m-$(msg_at "$C" 9900)\"" "$TMP/body"
check "  ... read-only: no Edit, no Regenerate" \
	bash -c "! grep -q '?edit=' '$TMP/body' && ! grep -q 'class=\"regenerate\"' '$TMP/body'"
check "  ... but the composer still sends to the chat" grep -q "action=\"/chat/$C\" enctype" "$TMP/body"
check "  ... a link back to the newest messages" grep -q "<a href=\"/chat/$C\">Show the newest messages</a>" "$TMP/body"
check "  ... no Show later messages: the window after is the newest" sh -c "! grep -q 'Show later messages' '$TMP/body'"
cp "$TMP/body" "$TMP/w2.html"
check "  ... valid HTML" tidy_ok "$TMP/w2.html"
dump
check "  ... w3m shows Show earlier messages and Show the newest messages" \
	bash -c "grep -q 'Show earlier messages' '$TMP/dump' && grep -q 'Show the newest messages' '$TMP/dump'"
L2=$(earlier_link)
expect_eq "and the window before that" 200 "$(http "$A" GET "${L2%%#*}")"
page_seqs >"$TMP/w3"
expect_eq "  ... is 9701 to 9800" "9701 9800" "$(head -1 "$TMP/w3") $(tail -1 "$TMP/w3")"
LATER=$(grep -o 'href="[^"]*" rel="next">Show later messages' "$TMP/body" | sed 's/^href="//; s/".*//')
expect_eq "  ... whose Show later messages link is the window after it" "/chat/$C?before=9901" "$LATER"
http "$A" GET "$LATER" >/dev/null
page_seqs >"$TMP/w2b"
check "  ... the same messages as Show earlier's" cmp -s "$TMP/w2" "$TMP/w2b"
expect_eq "the oldest window (?before=101)" 200 "$(http "$A" GET "/chat/$C?before=101")"
page_seqs >"$TMP/w0"
expect_eq "  ... is messages 1 to 100" "1 100 100" "$(head -1 "$TMP/w0") $(tail -1 "$TMP/w0") $(wc -l <"$TMP/w0")"
check "  ... with no Show earlier messages" sh -c "! grep -q 'Show earlier messages' '$TMP/body'"
expect_eq "?before=1: no messages before the first, the page still loads" 200 "$(http "$A" GET "/chat/$C?before=1")"
check "  ... with the link to the newest" grep -q "<a href=\"/chat/$C\">Show the newest messages</a>" "$TMP/body"

# --- bad values
expect_eq "?before=garbage is 400, not 500" 400 "$(http "$A" GET "/chat/$C?before=garbage")"
check "  ... saying what is wrong" grep -q 'role="alert"' "$TMP/body"
expect_eq "?before=-5 is 400" 400 "$(http "$A" GET "/chat/$C?before=-5")"
expect_eq "?before=99999999999999999999 is 400" 400 "$(http "$A" GET "/chat/$C?before=99999999999999999999")"
expect_eq "?at=garbage is 400" 400 "$(http "$A" GET "/chat/$C?at=garbage")"

# --- ?at=MSG: the window holding a message
M5000=$(msg_at "$C" 5000)
expect_eq "?at= an old message redirects (303)" 303 "$(http "$A" GET "/chat/$C?at=$M5000")"
loc=$(header Location)
check "  ... to a window (?before=) at that message's anchor" \
	grep -q "/chat/$C?before=[0-9]*#m-$M5000\$" <<<"$loc"
loc=${loc#"$BASE"}
http "$A" GET "${loc%%#*}" >/dev/null
check "  ... which shows it" grep -q "<li id=\"m-$M5000\"" "$TMP/body"
page_seqs >"$TMP/wat"
check "  ... with what led to it and what followed" \
	test "$(head -1 "$TMP/wat")" -lt 4990 -a "$(tail -1 "$TMP/wat")" -gt 5010
expect_eq "?at= a message among the newest: the chat itself" 303 "$(http "$A" GET "/chat/$C?at=$(msg_at "$C" 9990)")"
expect_eq "  ... at its anchor" "$BASE/chat/$C#m-$(msg_at "$C" 9990)" "$(header Location)"

# --- links to an old reply from elsewhere: ?at=, not a bare #m- (which would open the newest window)
expect_eq "a thumb on an old reply" 303 "$(CSRF_PAGE=/chat/$C post "$A" /ratings "m=$M5000" vote=1)"
expect_eq "  ... goes back to the window holding it" "$BASE/chat/$C?at=$M5000" "$(header Location)"
expect_eq "its rating page" 200 "$(http "$A" GET "/ratings?m=$M5000")"
check "  ... links to it the same way" grep -q "<a href=\"/chat/$C?at=$M5000\">" "$TMP/body"

# --- editing an old message: the window before it
expect_eq "?edit= an old message of yours" 200 "$(http "$A" GET "/chat/$C?edit=5001")"
check "  ... holds it in the composer" grep -q '>Question #5001.</textarea>' "$TMP/body"
page_seqs >"$TMP/wed"
expect_eq "  ... after the 100 messages before it" "4901 5000 100" "$(head -1 "$TMP/wed") $(tail -1 "$TMP/wed") $(wc -l <"$TMP/wed")"
check "  ... and a Show earlier messages link" grep -q 'Show earlier messages' "$TMP/body"

# --- another user
expect_eq "another user's long chat is 404" 404 "$(http "$B" GET "/chat/$C")"
expect_eq "  ... every window of it" 404 "$(http "$B" GET "/chat/$C?before=5000")"
expect_eq "  ... and every message of it" 404 "$(http "$B" GET "/chat/$C?at=$M5000")"
C0=$(new_chat "$A" "short")
fill "$C0" 2
expect_eq "?at= a message of another chat is 404" 404 "$(http "$A" GET "/chat/$C0?at=$M5000")"

# --- where a window ends: 100 messages are one page, 101 are not
C100=$(new_chat "$A" "a hundred")
fill "$C100" 100
http "$A" GET "/chat/$C100" >/dev/null
expect_eq "a chat of 100 messages shows all 100" 100 "$(grep -c '<li id="m-' "$TMP/body")"
check "  ... with no Show earlier messages" sh -c "! grep -q 'Show earlier messages' '$TMP/body'"
check "  ... in well under 200 KB ($(wc -c <"$TMP/body") bytes)" test "$(wc -c <"$TMP/body")" -lt 153600
C101=$(new_chat "$A" "a hundred and one")
fill "$C101" 101
http "$A" GET "/chat/$C101" >/dev/null
page_seqs >"$TMP/w101"
expect_eq "a chat of 101 shows the newest 100" "2 101" "$(head -1 "$TMP/w101") $(tail -1 "$TMP/w101")"
expect_eq "  ... and links to the first" "/chat/$C101?before=2#m-$(msg_at "$C101" 1)" "$(earlier_link)"

# --- a reply in the long chat: sent, shown, polled and stopped as in a short one
expect_eq "sending to the long chat" 303 "$(send "$A" "$C" "One more question, slowly." sim-slow)"
R=$(last_reply "$C")
check "  ... queues a reply after the 10,000" test "$(msg_field "$R" seq)" = 10002
check "  ... which starts writing" wait_text "$R"
http "$A" GET "/chat/$C" >/dev/null
check "the page shows the reply in progress" grep -q "<li id=\"m-$R\" data-role=\"assistant\" data-status=\"running\"" "$TMP/body"
expect_eq "  ... among the newest 100" 100 "$(grep -c '<li id="m-' "$TMP/body")"
check "  ... with Stop and the no-JS refresh" \
	bash -c "grep -q 'class=\"stop\"' '$TMP/body' && grep -q 'http-equiv=\"refresh\"' '$TMP/body'"
expect_eq "its poll answers" 200 "$(http "$A" GET "/chat/$C/poll?m=$R&from=0")"
check "  ... running, with its text so far" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["status"] == "running" and d["text"] and "html" not in d))' "$TMP/body"
expect_eq "another user polling it is 404" 404 "$(http "$B" GET "/chat/$C/poll?m=$R&from=0")"
expect_eq "Stop" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/stop")"
expect_eq "  ... ends the reply" stopped "$(wait_reply "$R")"
expect_eq "the poll then carries the ended message" 200 "$(http "$A" GET "/chat/$C/poll?m=$R&from=0")"
check "  ... with its HTML" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["status"] == "stopped" and d.get("html")))' "$TMP/body"

# --- regenerate and edit in the long chat
expect_eq "Regenerate in the long chat" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/regenerate" model=sim-fast)"
R2=$(last_reply "$C")
expect_eq "  ... a new reply in place of the stopped one" "done 10002" "$(wait_reply "$R2") $(msg_field "$R2" seq)"
U5001=$(msg_at "$C" 5001)
expect_eq "editing an old message (POST /chat/ID/edit)" 303 \
	"$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/edit" "m=$U5001" content=Rewritten model=sim-fast)"
R3=$(last_reply "$C")
expect_eq "  ... replaces it and all after it: 5,000 kept, the edit and its reply" "done 5002" \
	"$(wait_reply "$R3") $(db "SELECT count(*) FROM messages WHERE chat_id = '$C'")"
http "$A" GET "/chat/$C" >/dev/null
page_seqs >"$TMP/wnew"
expect_eq "  ... and the chat opens on the newest 100, ending with its reply" "4903 100 $R3" \
	"$(head -1 "$TMP/wnew") $(wc -l <"$TMP/wnew") $(grep -o '<li id="m-[0-9a-f-]*"' "$TMP/body" | tail -1 | sed 's/.*m-//; s/"//')"

check "the chat pages read only the fields their route declares (none logged in confab.log)" \
	sh -c "! grep -q 'GET /chat/$C.* reads the field' '$DATA/log/confab.log'"

# The instance is shared with the suites after this one: take the long chats away.
db "PRAGMA foreign_keys = ON; DELETE FROM chats WHERE id IN ('$C', '$C0', '$C100', '$C101');"
done_testing
