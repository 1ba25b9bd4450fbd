#!/usr/bin/env bash
# One chat moving between an OpenAI, an Anthropic, a Gemini, an Ollama
# (native) and an OpenAI-compatible model message by message, through
# nginx, confabd and provsim speaking each wire format: each message keeps
# the model that answered, the exact text, the provider's token counts and
# its reasoning, shown folded and escaped. Then each format's failures.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
CID=$(new_chat "$A" "every provider")

# turn MODEL CONTENT: send, wait, set MID; checks it ended done.
turn() {
	expect_eq "$1: the message is accepted" 303 "$(send "$A" "$CID" "$2" "$1")"
	MID=$(last_reply "$CID")
	expect_eq "$1: the reply completes" done "$(wait_reply "$MID")"
	expect_eq "  ... with the exact text" "You said: $2" "$(msg_field "$MID" content)"
	expect_eq "  ... and stores the model that answered" "$1" "$(msg_field "$MID" model)"
}
# usage_row MID: the usage log's provider|model|in|out|cost|status for a reply.
usage_row() {
	sqlite3 "$DATA/data.db" "SELECT provider || '|' || model || '|' || tokens_in || '|' || tokens_out || '|' || cost || '|' || status FROM usage_logs WHERE message_id = '$1'"
}
cost() { echo $(( ($1 * $3 + $2 * $4 + 500000) / 1000000 )); }  # tin tout price_in price_out (micro-$)

# provsim: prompt tokens = words of every message + 3 per message (the
# system prompt counts as one in every protocol); output = tokens sent,
# thinking included. Echo replies are "You said: " + the message.
turn sim "Hello from turn one"
M1=$MID
expect_eq "  ... OpenAI's usage chunk (in|out|estimated)" "7|6|0" "$(msg_field "$MID" "tokens_in || '|' || tokens_out || '|' || tokens_estimated")"
expect_eq "  ... no reasoning" "" "$(msg_field "$MID" reasoning)"

turn sim-claude "Now Claude answers"
M2=$MID
# 4 + 6 + 3 words, 3 messages; 16 thinking tokens + 5 of answer
expect_eq "  ... Anthropic's usage (message_start, message_delta)" "22|21|0" "$(msg_field "$MID" "tokens_in || '|' || tokens_out || '|' || tokens_estimated")"
expect_eq "  ... the thinking block stored apart from the answer" \
	"The user wants an answer. Let me think it through, step by step & <carefully>, before " \
	"$(msg_field "$MID" reasoning)"
expect_eq "  ... logged with the provider, model, tokens and cost" \
	"simanthropic|sim-claude|22|21|$(cost 22 21 3000000 15000000)|success" "$(usage_row "$MID")"

turn sim-gemini "Gemini now"
M3=$MID
expect_eq "  ... Gemini's last cumulative usageMetadata (thoughts are output)" "35|8|0" "$(msg_field "$MID" "tokens_in || '|' || tokens_out || '|' || tokens_estimated")"
expect_eq "  ... thought parts stored apart" "The user wants an " "$(msg_field "$MID" reasoning)"
expect_eq "  ... logged" "simgemini|sim-gemini|35|8|$(cost 35 8 300000 2500000)|success" "$(usage_row "$MID")"

turn sim-ollama "And Ollama last"
M4=$MID
expect_eq "  ... Ollama's prompt_eval_count and eval_count" "48|8|0" "$(msg_field "$MID" "tokens_in || '|' || tokens_out || '|' || tokens_estimated")"
expect_eq "  ... message.thinking stored apart" "The user wants " "$(msg_field "$MID" reasoning)"
expect_eq "  ... logged" "simollama|sim-ollama|48|8|$(cost 48 8 100000 200000)|success" "$(usage_row "$MID")"

turn sim-compat "Compat too"
M5=$MID
expect_eq "  ... reasoning_content stored apart, keep-alives ignored" "The user " "$(msg_field "$MID" reasoning)"
expect_eq "  ... no usage sent: estimated and marked so" 1 "$(msg_field "$MID" tokens_estimated)"

turn sim "And back to OpenAI"
M6=$MID
# every earlier message went with it: 4+6+3+5+2+4+3+5+2+4+4 words, 11 messages
expect_eq "  ... with the whole conversation sent, without reasoning" 75 "$(msg_field "$MID" tokens_in)"
expect_eq "the chat's total tokens are the sum of its replies'" \
	"$(sqlite3 "$DATA/data.db" "SELECT sum(tokens_in + tokens_out) FROM messages WHERE chat_id = '$CID'")" \
	"$(sqlite3 "$DATA/data.db" "SELECT total_tokens FROM chats WHERE id = '$CID'")"
expect_eq "one chat usage row per reply" 6 \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM usage_logs WHERE chat_id = '$CID' AND type = 'chat'")"

# --- the page: who answered, the text, the reasoning folded and escaped
expect_eq "the chat page loads" 200 "$(http "$A" GET "/chat/$CID")"
# tidy: 0 clean, 1 warnings, 2 errors; as in t_html.sh.
check "  ... is valid HTML" tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/body"
for pair in "$M1:GPT" "$M2:Simulated Claude (thinks)" "$M3:Simulated Gemini (thinks)" \
	    "$M4:Simulated Ollama (native)" "$M5:OpenAI-compatible: reasoning_content"; do
	id=${pair%%:*} name=${pair#*:}
	[ "$id" = "$M1" ] && name="Simulated (echo)"
	check "  ... message ${id:0:8} shows the model that answered ($name)" \
		grep -qF "<small>$name" <<<"$(message_html "$id")"
done
check "  ... and each reply's text" grep -qF "You said: Gemini now" <<<"$(message_html "$M3")"
check "  ... the OpenAI reply has no reasoning block" bash -c "! grep -q '<details' <<<\"\$1\"" _ "$(message_html "$M1")"
check "  ... Claude's reasoning is folded in a closed <details>, escaped" grep -qF \
	'<details class="reasoning"><summary>Reasoning</summary><div class="thinking">The user wants an answer. Let me think it through, step by step &amp; &lt;carefully&gt;, before </div></details>' \
	<<<"$(message_html "$M2")"
check "  ... before the answer" grep -qE '</details><p>You said: Now Claude answers</p>' <<<"$(message_html "$M2")"
check "  ... and so are Gemini's, Ollama's and the compatible server's" bash -c \
	'grep -qF "<div class=\"thinking\">The user wants an </div>" <<<"$1" && grep -qF "<div class=\"thinking\">The user wants </div>" <<<"$2" && grep -qF "<div class=\"thinking\">The user </div>" <<<"$3"' \
	_ "$(message_html "$M3")" "$(message_html "$M4")" "$(message_html "$M5")"
check "  ... readable in a text browser" grep -q 'Reasoning' <<<"$(w3m -dump -T text/html <"$TMP/body")"
expect_eq "poll of a done reply" 200 "$(http "$A" GET "/chat/$CID/poll?m=$M2&from=0")"
check "  ... gives its HTML with the reasoning folded" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "done" and d["text"] == "You said: Now Claude answers", d
assert "<details class=\"reasoning\"><summary>Reasoning</summary>" in d["html"], d
assert "&amp; &lt;carefully&gt;" in d["html"], d' "$TMP/body"

# --- reasoning while it is written: the poll hands it over, the page shows it open
C2=$(new_chat "$A" "slow thinker")
send "$A" "$C2" "Think slowly" sim-ollama-long >/dev/null
MS=$(last_reply "$C2")
for _ in $(seq 50); do
	[ -n "$(sqlite3 "$DATA/data.db" "SELECT 1 FROM reasoning_parts WHERE message_id = '$MS' LIMIT 1")" ] && break
	sleep 0.1
done
expect_eq "a running reply's poll" 200 "$(http "$A" GET "/chat/$C2/poll?m=$MS&from=0&rfrom=0")"
check "  ... carries the reasoning so far and where it ends" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "running", d
assert d["reasoning"].startswith("The "), d
assert d["rnext"] == len(d["reasoning"].encode()), d
assert d["phase"] == "thinking" and d["label"] == "Thinking…", d' "$TMP/body"
cp "$TMP/body" "$TMP/poll1"
RN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rnext"])' "$TMP/poll1")
sleep 0.3
http "$A" GET "/chat/$C2/poll?m=$MS&from=0&rfrom=$RN" >/dev/null
check "  ... and from rfrom on only what came after, nothing lost or doubled" python3 -c '
import json, re, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
think = "The user wants an answer. Let me think it through, step by step & <carefully>, before I reply. "
words = re.findall(r"\S+\s*", think)
full = "".join(words[i % len(words)] for i in range(200))
got = a["reasoning"] + b.get("reasoning", "")
assert b.get("reasoning") and full.startswith(got), (a, b)
assert b["rnext"] == len(got.encode()), b' "$TMP/poll1" "$TMP/body"
http "$A" GET "/chat/$C2" >/dev/null
check "  ... the page without JS shows it in an open <details>" \
	grep -q '<details class="reasoning" open><summary>Reasoning</summary><div class="thinking">The ' "$TMP/body"
check "  ... labelled Thinking… (no answer yet)" grep -q 'class="status">Thinking…</p>' "$TMP/body"
check "  ... and tells poll.js where it ends (data-rnext)" grep -q "id=\"m-$MS\"[^>]*data-rnext=\"[1-9]" "$TMP/body"
CSRF_PAGE="/chat/$C2" post "$A" "/chat/$C2/stop" >/dev/null
expect_eq "stopped while thinking" stopped "$(wait_reply "$MS")"
check "  ... keeps the reasoning so far" grep -q '^The ' <<<"$(msg_field "$MS" reasoning)"
expect_eq "  ... and no reasoning parts are left behind" 0 \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM reasoning_parts WHERE message_id = '$MS'")"

# --- each format's failures end failed with a sentence
fails() { # MODEL EXPECTED-WORDS
	local c m
	c=$(new_chat "$A" "fail $1")
	send "$A" "$c" "hello there you" "$1" >/dev/null
	m=$(last_reply "$c")
	expect_eq "$1 ends failed" failed "$(wait_reply "$m" 20)"
	http "$A" GET "/chat/$c" >/dev/null
	check "  ... and says '$2' in role=alert" grep -q "role=\"alert\">[^<]*$2" "$TMP/body"
}
fails sim-claude-overloaded "in the middle of the reply: Overloaded (overloaded_error)"
fails sim-claude-401 "The server&#39;s key for simanthropic was refused (HTTP 401)"
fails sim-gemini-safety "safety filter flagged it (SAFETY). The text so far is kept."
fails sim-gemini-drop "broke off before the reply was complete"
fails sim-ollama-error "in the middle of the reply: an error was encountered while running the model"
fails sim-error200 "in the middle of the reply: Provider disconnected"
fails sim-errorline "in the middle of the reply: llama.cpp: context shift failed"

done_testing
