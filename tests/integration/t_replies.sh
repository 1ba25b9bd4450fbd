#!/usr/bin/env bash
# Sending, the worker streaming from the provider simulator, polling,
# stopping, failures, titles — through nginx, confabd and provsim.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null

# --- the new-chat page: the first message creates the chat
expect_eq "the new-chat page loads" 200 "$(http "$A" GET /chat/new)"
check "  ... with a composer and the model picker" grep -q '<select id="model" name="model">' "$TMP/body"
token=$(csrf_from_body)
expect_eq "the first message creates a chat (303)" 303 \
	"$(http "$A" POST /chat/new --data-urlencode "csrf=$token" --data-urlencode 'content=Hello there, how are you today?' --data-urlencode model=sim)"
CID=$(header Location | sed 's#.*/chat/##; s/#.*//')
check "  ... to the new chat" grep -Eq '^[0-9a-f-]{36}$' <<<"$CID"
MID=$(last_reply "$CID")
expect_eq "the reply completes" done "$(wait_reply "$MID")"
expect_eq "  ... with the exact text" "You said: Hello there, how are you today?" "$(msg_field "$MID" content)"
# provsim: prompt tokens = words in all messages + 3 per message; completion = tokens sent
expect_eq "  ... and the provider's token counts" "9|8|0" "$(msg_field "$MID" "tokens_in || '|' || tokens_out || '|' || tokens_estimated")"
expect_eq "  ... and the cost from the model's prices, in micro-dollars" \
	"$(( (9 * 2500000 + 8 * 10000000 + 500000) / 1000000 ))" "$(msg_field "$MID" cost)"
check "  ... and a time to first token and a response time" \
	test -n "$(msg_field "$MID" ttft_ms)" -a -n "$(msg_field "$MID" response_ms)"
expect_eq "  ... and one usage log row" "1|success|chat|sim" \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) || '|' || status || '|' || type || '|' || model FROM usage_logs WHERE message_id = '$MID'")"
expect_eq "  ... and the chat's total tokens" 17 \
	"$(sqlite3 "$DATA/data.db" "SELECT total_tokens FROM chats WHERE id = '$CID'")"
for _ in $(seq 50); do
	[ "$(sqlite3 "$DATA/data.db" "SELECT title_auto FROM chats WHERE id = '$CID'")" = 0 ] && break
	sleep 0.1
done
check "the chat gets a generated title after the first reply" \
	grep -q '^You said' <<<"$(sqlite3 "$DATA/data.db" "SELECT title FROM chats WHERE id = '$CID'")"
expect_eq "  ... and the title request is logged too" 1 \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM usage_logs WHERE chat_id = '$CID' AND type = 'title'")"

# --- the page and the poll endpoint
http "$A" GET "/chat/$CID" >/dev/null
check "the chat page shows the reply done" grep -q "id=\"m-$MID\" data-role=\"assistant\" data-status=\"done\"" "$TMP/body"
check "  ... and the question" grep -q 'Hello there, how are you today?' "$TMP/body"
expect_eq "poll answers JSON" 200 "$(http "$A" GET "/chat/$CID/poll?m=$MID&from=0")"
check "  ... with status, text and the final HTML" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "done", d
assert d["text"] == "You said: Hello there, how are you today?", d
assert d["next"] == len(d["text"].encode()), d
assert "data-status=\"done\"" in d["html"], d
assert d["phase"] == "done" and "label" not in d, d' "$TMP/body"
http "$A" GET "/chat/$CID/poll?m=$MID&from=10" >/dev/null
check "poll from an offset returns the rest" python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); assert d["text"] == "Hello there, how are you today?", d' "$TMP/body"
expect_eq "poll of another user's chat is 404" 404 "$(http "$B" GET "/chat/$CID/poll?m=$MID&from=0")"
expect_eq "poll signed out is 403" 403 "$(http "$TMP/anon.jar" GET "/chat/$CID/poll?m=$MID&from=0")"
expect_eq "poll without a message id is 400" 400 "$(http "$A" GET "/chat/$CID/poll")"
expect_eq "sending to another user's chat is 404" 404 "$(send "$B" "$CID" "hi" sim)"
expect_eq "stopping another user's chat is 404" 404 "$(CSRF_PAGE=/chats post "$B" "/chat/$CID/stop")"

# --- bad input keeps what was typed
expect_eq "an empty message is 400" 400 "$(send "$A" "$CID" "" sim)"
check "  ... saying so in role=alert" grep -q 'role="alert">Message is required' "$TMP/body"
long=$(head -c 20001 /dev/zero | tr '\0' x)
expect_eq "a message over 20000 characters is 400" 400 "$(send "$A" "$CID" "$long" sim)"
check "  ... keeping the text in the box" grep -q ">$long</textarea>" "$TMP/body"
expect_eq "an unknown model is 400" 400 "$(send "$A" "$CID" "keep me" no-such-model)"
check "  ... keeping the text" grep -q '>keep me</textarea>' "$TMP/body"

# --- a second turn carries the history
expect_eq "a second message" 303 "$(send "$A" "$CID" "And again" sim)"
M2=$(last_reply "$CID")
expect_eq "  ... completes" done "$(wait_reply "$M2")"
expect_eq "  ... with the whole conversation sent (prompt tokens)" 25 "$(msg_field "$M2" tokens_in)"

# --- markdown is rendered once, safely
C2=$(new_chat "$A" "markdown")
send "$A" "$C2" "Tell me" sim-lorem >/dev/null
M3=$(last_reply "$C2")
expect_eq "a markdown reply completes" done "$(wait_reply "$M3")"
check "  ... rendered to HTML with a table" grep -q '<table tabindex="0">' <<<"$(msg_field "$M3" html)"
check "  ... and fenced code with a language class" grep -q '<code class="language-c">' <<<"$(msg_field "$M3" html)"
check "  ... highlighted on the server: the #include line as meta" \
	grep -qF '<span class="hl-m">#include &lt;stdio.h&gt;</span>' <<<"$(msg_field "$M3" html)"
msg_field "$M3" html >"$TMP/m3.html"
check "  ... keywords as such" grep -qF '<span class="hl-k">return</span>' "$TMP/m3.html"
check "  ... and strings" grep -qF '<span class="hl-s">&quot;hello, \&quot;world\&quot;\n&quot;</span>' "$TMP/m3.html"
send "$A" "$C2" '<script>alert(1)</script> [x](javascript:alert(1))' sim >/dev/null
M4=$(last_reply "$C2")
wait_reply "$M4" >/dev/null
check "raw HTML and javascript: links in a reply are inert" \
	bash -c "! grep -Eiq '<script|href=\"javascript' <<<\"\$(sqlite3 '$DATA/data.db' \"SELECT html FROM messages WHERE id = '$M4'\")\""

# --- stop mid-stream keeps the partial text
C3=$(new_chat "$A" "stop me")
send "$A" "$C3" "Write a lot" sim-slow >/dev/null
M5=$(last_reply "$C3")
wait_text "$M5"
http "$A" GET "/chat/$C3" >/dev/null
check "a page with a reply in progress refreshes itself without JavaScript" \
	grep -q "<noscript><meta http-equiv=\"refresh\" content=\"2;url=/chat/$C3?t=[0-9]*#m-$M5\"></noscript>" "$TMP/body"
check "  ... has a Stop button that is a form" grep -q "action=\"/chat/$C3/stop\"" "$TMP/body"
check "  ... and shows the text so far" grep -q 'data-next="[1-9]' "$TMP/body"
check "  ... labelled Writing…, not Waiting…, once text has come" grep -q 'class="status">Writing…</p>' "$TMP/body"
http "$A" GET "/chat/$C3/poll?m=$M5&from=0" >/dev/null
check "  ... and its poll says so (phase and label)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "running" and d["text"], d
assert d["phase"] == "writing" and d["label"] == "Writing…", d' "$TMP/body"
expect_eq "sending while a reply is written is refused (409)" 409 "$(send "$A" "$C3" "more" sim)"
expect_eq "stop answers 303" 303 "$(CSRF_PAGE="/chat/$C3" post "$A" "/chat/$C3/stop")"
expect_eq "  ... the reply ends stopped" stopped "$(wait_reply "$M5")"
partial=$(msg_field "$M5" content)
check "  ... keeping its partial text" test -n "$partial"
check "  ... which is a beginning of the full reply" \
	bash -c "curl -s -N '$SIM/v1/chat/completions' -d '{\"model\":\"sim\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}' | python3 -c 'import json,sys; t=json.load(sys.stdin)[\"choices\"][0][\"message\"][\"content\"]; sys.exit(0 if t.startswith(sys.argv[1]) else 1)' \"\$1\"" _ "$partial"
check "  ... and is logged as stopped" test "$(sqlite3 "$DATA/data.db" "SELECT status FROM usage_logs WHERE message_id = '$M5'")" = stopped

# --- every failure mode ends failed with a readable message
fails() { # MODEL EXPECTED-WORDS
	local c m
	LAST_FAILED=
	c=$(new_chat "$A" "fail $1")
	send "$A" "$c" "hello" "$1" >/dev/null
	m=$(last_reply "$c")
	LAST_FAILED=$m
	expect_eq "$1 ends failed" failed "$(wait_reply "$m" 20)"
	http "$A" GET "/chat/$c" >/dev/null
	check "  ... the page shows data-status=\"failed\"" grep -q "id=\"m-$m\" data-role=\"assistant\" data-status=\"failed\"" "$TMP/body"
	check "  ... and says '$2' in role=alert" grep -q "role=\"alert\">[^<]*$2" "$TMP/body"
}
fails sim-401 "The server&#39;s key for sim was refused (HTTP 401)"
fails sim-500 "problem on its side (HTTP 500)"
fails sim-429 "limiting requests"
expect_eq "  ... after trying again 3 times, with a backoff" 3 \
	"$(grep -c "message $LAST_FAILED: HTTP 429, trying again" "$DATA/log/confabd.log")"
fails sim-midstream "error in the middle of the reply"
fails sim-drop "broke off before the reply was complete"
fails sim-stall "silence timeout"
fails sim-stall-first "first-token timeout"
fails sim-malformed "could not read"
fails sim-refused "could not connect to the provider"

C4=$(new_chat "$A" "retry")
send "$A" "$C4" "try hard" sim-retry >/dev/null
M6=$(last_reply "$C4")
expect_eq "two 500s then success: the retry gets the reply" done "$(wait_reply "$M6" 20)"
expect_eq "  ... intact" "You said: try hard" "$(msg_field "$M6" content)"

C5=$(new_chat "$A" "nousage")
send "$A" "$C5" "one two three" sim-nousage >/dev/null
M7=$(last_reply "$C5")
expect_eq "a server that sends no usage: done" done "$(wait_reply "$M7")"
expect_eq "  ... tokens estimated, and marked so" 1 "$(msg_field "$M7" tokens_estimated)"
check "  ... with non-zero estimates" test "$(msg_field "$M7" tokens_out)" -gt 0

C6=$(new_chat "$A" "keepalive")
send "$A" "$C6" "still there" sim-keepalive >/dev/null
M8=$(last_reply "$C6")
expect_eq "keep-alive comments are ignored" "You said: still there" "$(wait_reply "$M8" >/dev/null; msg_field "$M8" content)"

done_testing
