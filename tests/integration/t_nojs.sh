#!/usr/bin/env bash
# Without JavaScript: a reply in progress refreshes the page by itself
# (<noscript> meta refresh) and can be stopped with a plain form; read as a
# text browser reads it (w3m -dump), the page shows the text so far, then
# the whole rendered reply.
. "$(dirname "$0")/lib.sh"

if ! command -v w3m >/dev/null; then
	not_ok "w3m is installed" "install Debian's w3m: apt-get install -y w3m"
	exit 0
fi

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password nojs' >/dev/null

# dump: the last body as w3m shows it, to $TMP/dump.
dump() { w3m -dump -T text/html -I UTF-8 -O UTF-8 -cols 160 "$TMP/body" >"$TMP/dump"; }

# has FILE TEXT: the file holds the fixed string (a check's command).
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }

# page_until CHAT TEXT [SECONDS]: GET the chat page until its body holds TEXT.
page_until() {
	for _ in $(seq $((${3:-10} * 10))); do
		http "$A" GET "/chat/$1" >/dev/null
		grep -qF -- "$2" "$TMP/body" && return 0
		sleep 0.1
	done
	return 1
}

# The chat page's stop form, as "ACTION CSRF" (empty without one).
stop_form() {
	python3 - "$TMP/body" <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<form method="post" action="([^"]*/stop)" class="stop">(.*?)</form>', html, re.S)
if m:
    c = re.search(r'name="csrf" value="([^"]*)"', m.group(2))
    print(m.group(1), c.group(1) if c else "")
EOF
}

# The composer is there, not hidden.
composer_shown() { grep -q '<form method="post" action="/chat/[^"]*" enctype="multipart/form-data" class="composer" id="composer">' "$TMP/body"; }

# lines_in_order FILE TEXT...: each fixed TEXT is on a line of FILE after
# the line of the one before it (the order a text browser shows them in).
lines_in_order() {
	local f=$1 at=0 n; shift
	for t in "$@"; do
		n=$(grep -nF -- "$t" "$f" | cut -d: -f1 | head -1)
		[ -n "$n" ] && [ "$n" -gt "$at" ] || { printf '#   "%s" is not after line %s\n' "$t" "$at"; return 1; }
		at=$n
	done
}

FULL=$("$BUILD/tools/provsim" --print-lorem)

# --- a reply in progress
C1=$(new_chat "$A" "no script")
expect_eq "a message to sim-slow is sent (303)" 303 "$(send "$A" "$C1" "Tell me everything" sim-slow)"
M1=$(last_reply "$C1")
check "the page shows the reply's first words while it is written" page_until "$C1" 'This is **provsim'
expect_eq "  ... with the reply running" running "$(msg_field "$M1" status)"
check "  ... and data-status=\"running\"" \
	grep -q "id=\"m-$M1\" data-role=\"assistant\" data-status=\"running\"" "$TMP/body"
check "  ... refreshes itself without JavaScript (<noscript><meta http-equiv=\"refresh\">)" \
	grep -q '<noscript><meta http-equiv="refresh" content="[0-9]*;url=[^"]*"></noscript>' "$TMP/body"
# A URL that differs from the page's only in its #fragment would scroll,
# not reload: the refresh's URL has a query of its own.
check "  ... to the chat at the reply, by a URL that reloads" \
	grep -q "<noscript><meta http-equiv=\"refresh\" content=\"[0-9]*;url=/chat/$C1?t=[0-9]*#m-$M1\"></noscript>" "$TMP/body"
check "  ... the refresh sits in the head" python3 -c '
import sys; h = open(sys.argv[1], encoding="utf-8").read()
i = h.find("<noscript><meta http-equiv=\"refresh\""); sys.exit(0 if 0 <= i < h.find("</head>") else 1)' "$TMP/body"
read -r action token <<<"$(stop_form)"
expect_eq "  ... has a Stop form posting to the chat's stop URL" "/chat/$C1/stop" "${action:-}"
check "  ... with a csrf token" test -n "${token:-}"
check "  ... and a Stop button" grep -q '<button type="submit">Stop</button>' "$TMP/body"
check "  ... and the composer still shown, to draft the next message" composer_shown
check "  ... which says the next message can be sent once the reply ends" \
	grep -qF 'Draft your next message; send it once this reply ends.' "$TMP/body"
dump
check "w3m -dump of the page shows the partial text" has "$TMP/dump" 'Simulated reply'
check "  ... including its first sentence so far" has "$TMP/dump" 'This is **provsim'
check "  ... but not yet the end of the reply" hasnt "$TMP/dump" 'velit esse.'
check "  ... and says it is being written" has "$TMP/dump" 'Writing…'
check "  ... and shows the Stop button" grep -qx 'Stop' "$TMP/dump"
check "  ... and w3m sees the refresh (\"Refresh (2 sec)\")" grep -q '^Refresh ([0-9]* sec)' "$TMP/dump"
check "  ... and starts at the messages: title, question, reply, then the composer, its request tags, the menu" \
	lines_in_order "$TMP/dump" 'no script' 'Tell me everything' 'Simulated reply' 'Stop' 'Send' \
	'Request tags' 'Recent'
check "  ... with the chat's settings a link, not forms (they are on /chat/ID/settings)" \
	hasnt "$TMP/dump" 'Delete chat'

# Sending while the reply is written is refused, clearly, and the draft kept.
token=$(csrf_from_body)
expect_eq "a message sent while the reply is written is refused (409)" 409 \
	"$(http "$A" POST "/chat/$C1" --data-urlencode "csrf=$token" --data-urlencode 'content=My next question, drafted' --data-urlencode model=sim)"
check "  ... saying why" grep -qF 'A reply is still being written. Wait for it, or stop it, then send your message.' "$TMP/body"
expect_eq "  ... once, not under each message too" 1 "$(grep -c 'A reply is still being written' "$TMP/body")"
check "  ... with the draft kept in the composer" grep -qF '>My next question, drafted</textarea>' "$TMP/body"
check "  ... and the composer shown" composer_shown
expect_eq "  ... and not stored" 0 "$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM messages WHERE chat_id = '$C1' AND content = 'My next question, drafted'")"

# --- the same page once the reply is done
expect_eq "the reply ends done" done "$(wait_reply "$M1" 40)"
expect_eq "the chat page loads" 200 "$(http "$A" GET "/chat/$C1")"
check "  ... with data-status=\"done\"" \
	grep -q "id=\"m-$M1\" data-role=\"assistant\" data-status=\"done\"" "$TMP/body"
check "  ... and no refresh meta any more" bash -c "! grep -q 'http-equiv=\"refresh\"' '$TMP/body'"
check "  ... nor poll.js" bash -c "! grep -q 'poll.js' '$TMP/body'"
check "  ... nor a Stop form" test -z "$(stop_form)"
check "  ... and the composer back" composer_shown
dump
check "w3m -dump shows the whole reply: the heading, rendered" has "$TMP/dump" 'Simulated reply'
check "  ... with no markdown marks left" \
	bash -c "! grep -qE '## Simulated|\\*\\*provsim|^\`\`\`' '$TMP/dump'"
check "  ... the bold text as text" has "$TMP/dump" 'This is provsim, the stand-in for a real model.'
check "  ... the list items" has "$TMP/dump" 'emphasis, bold and inline code'
check "  ... the UTF-8 text" has "$TMP/dump" 'naïve café, 日本語 ✓ 🚀'
check "  ... the escaped angle brackets as text" has "$TMP/dump" '"quotes" & <angle brackets>'
check "  ... the table's header cells on one row" grep -qE 'Mode +Finish' "$TMP/dump"
check "  ... and its body cells" grep -qE 'tokens=N +length' "$TMP/dump"
check "  ... the code line" has "$TMP/dump" 'printf("hello, \"world\"\n");'
check "  ... and the last words" has "$TMP/dump" 'velit esse.'
check "  ... once" test "$(grep -c 'velit esse\.' "$TMP/dump")" -eq 1
check "  ... and no longer says it is being written" hasnt "$TMP/dump" 'Writing…'
check "  ... nor shows a Stop button" bash -c "! grep -qx 'Stop' '$TMP/dump'"
check "  ... nor refreshes" bash -c "! grep -q '^Refresh (' '$TMP/dump'"
check "  ... and shows the composer's Send button" grep -qE '^Model \[.*\]( \[ *\] Attach)? Send$' "$TMP/dump"
expect_eq "  ... and the stored reply is the whole reply" "$FULL" "$(msg_field "$M1" content)"

# --- stopping without JavaScript
C2=$(new_chat "$A" "stop no script")
send "$A" "$C2" "Tell me everything again" sim-slow >/dev/null
M2=$(last_reply "$C2")
check "a second slow reply shows its first words" page_until "$C2" 'This is **provsim'
read -r action token <<<"$(stop_form)"
expect_eq "  ... with a Stop form" "/chat/$C2/stop" "${action:-}"
expect_eq "posting the Stop form answers 303" 303 \
	"$(http "$A" POST "${action:-/chat/$C2/stop}" --data-urlencode "csrf=${token:-}")"
loc=$(header Location | sed 's#^https\?://[^/]*##')
expect_eq "  ... back to the chat, at its newest message (the reply)" "/chat/$C2#m-$M2" "$loc"
# A browser without JavaScript follows the redirect, then the page's own
# meta refresh (every N seconds) until the reply is no longer written.
http "$A" GET "${loc%%#*}" >/dev/null
first=$(grep -o "id=\"m-$M2\" [^>]*data-status=\"[a-z]*\"" "$TMP/body" | sed 's/.*data-status="//; s/"$//')
printf '# right after the stop, the page showed the reply %s\n' "${first:-(none)}"
check "  ... the page it leads to shows the reply stopped, or refreshes itself until it is" \
	bash -c "[ '$first' = stopped ] || grep -q '<noscript><meta http-equiv=\"refresh\"' '$TMP/body'"
refreshes=0
while [ "$first" != stopped ] && [ $refreshes -lt 5 ] &&
      delay=$(sed -n 's/.*<noscript><meta http-equiv="refresh" content="\([0-9]*\);.*/\1/p' "$TMP/body") && [ -n "$delay" ]; do
	sleep "$delay"
	refreshes=$((refreshes + 1))
	http "$A" GET "/chat/$C2" >/dev/null
	first=$(grep -o "id=\"m-$M2\" [^>]*data-status=\"[a-z]*\"" "$TMP/body" | sed 's/.*data-status="//; s/"$//')
done
expect_eq "  ... following its refresh, the page shows the reply stopped ($refreshes refreshes)" stopped "$first"
expect_eq "  ... the reply is stopped in the database" stopped "$(wait_reply "$M2" 10)"
partial=$(msg_field "$M2" content)
check "  ... keeping its partial text" test -n "$partial"
check "  ... which is a beginning of the full reply, not all of it" \
	test "${FULL#"$partial"}" != "$FULL" -a "$partial" != "$FULL"
check "the stopped page has the message with data-status=\"stopped\"" \
	grep -q "id=\"m-$M2\" data-role=\"assistant\" data-status=\"stopped\"" "$TMP/body"
check "  ... with no refresh meta" bash -c "! grep -q 'http-equiv=\"refresh\"' '$TMP/body'"
check "  ... no Stop form" test -z "$(stop_form)"
check "  ... and the composer back" composer_shown
dump
check "w3m -dump says Stopped" has "$TMP/dump" 'Stopped'
check "  ... shows the partial text" has "$TMP/dump" 'Simulated reply'
check "  ... up to where it stopped" has "$TMP/dump" "$(printf '%s' "$partial" | tr -s ' \n' '\n\n' | grep -v '^$' | tail -1 | tr -d '*`#|')"
check "  ... and not the rest" hasnt "$TMP/dump" 'velit esse.'
check "  ... and the composer's Send button" grep -qE '^Model \[.*\]( \[ *\] Attach)? Send$' "$TMP/dump"
check "  ... and no Stop button" bash -c "! grep -qx 'Stop' '$TMP/dump'"
expect_eq "a new message can be sent after the stop" 303 "$(send "$A" "$C2" "hello again" sim)"
expect_eq "  ... and is answered" done "$(wait_reply "$(last_reply "$C2")")"

done_testing
