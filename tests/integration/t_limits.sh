#!/usr/bin/env bash
# Large replies and the poll endpoint's session check: a reply past
# [worker] max_reply_kib (16 in the test config) is cut there and ends
# failed with its text kept; a large reply's HTML is made on the render
# thread and still arrives; a poll stops answering soon after sign-out.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
EMAIL=$(new_email)
signup "$A" "$EMAIL" 'password one' >/dev/null

# "word " x N: provsim echoes it back as "You said: " + the text.
words() { python3 -c 'import sys; print(("**w** " * int(sys.argv[1])).strip(), end="")' "$1"; }

# --- a reply past the limit
C1=$(new_chat "$A" "too long")
expect_eq "a 20,000-character message is accepted" 303 "$(send "$A" "$C1" "$(words 3300)" sim-fast)"
M1=$(last_reply "$C1")
expect_eq "its echo, past the 16 KiB reply limit, ends failed" failed "$(wait_reply "$M1")"
expect_eq "  ... with exactly 16 KiB of its text kept" 16384 \
	"$(sqlite3 "$DATA/data.db" "SELECT length(CAST(content AS BLOB)) FROM messages WHERE id = '$M1'")"
check "  ... and the text is the start of the reply" test \
	"$(msg_field "$M1" "substr(content, 1, 16)")" = "You said: **w** "
check "  ... and an error saying why" grep -q "limit of 16 KiB" <<<"$(msg_field "$M1" error)"
http "$A" GET "/chat/$C1" >/dev/null
check "  ... shown in role=alert on the page" grep -q 'role="alert"[^>]*>[^<]*limit of 16 KiB' "$TMP/body"

# --- a large reply under the limit: rendered off the loop, then recorded
C2=$(new_chat "$A" "large")
send "$A" "$C2" "$(words 2000)" sim-fast >/dev/null
M2=$(last_reply "$C2")
expect_eq "a 12 KB reply under the limit ends done" done "$(wait_reply "$M2")"
expect_eq "  ... with all its text" 12009 \
	"$(sqlite3 "$DATA/data.db" "SELECT length(CAST(content AS BLOB)) FROM messages WHERE id = '$M2'")"
check "  ... its HTML made on the render thread" grep -q "message $M2: 12009 bytes to render, handed to the render thread" "$DATA/log/confabd.log"
expect_eq "  ... and stored" 2000 \
	"$(msg_field "$M2" "(length(html) - length(replace(html, '<strong>w</strong>', ''))) / 18")"

# --- the poll endpoint's short-lived session check (session.c)
expect_eq "a poll answers while signed in" 200 "$(http "$A" GET "/chat/$C2/poll?m=$M2&from=0")"
cp "$A" "$TMP/old.jar"   # the session cookie, as a stolen copy would be
CSRF_PAGE=/chats post "$A" /logout >/dev/null
sleep 2.2
expect_eq "  ... and refuses that session's cookie 2 s after signing out" 403 \
	"$(http "$TMP/old.jar" GET "/chat/$C2/poll?m=$M2&from=0")"

done_testing
