#!/usr/bin/env bash
# Every page is valid HTML (tidy) and reads well without JavaScript (w3m).
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
CID=$(new_chat "$A" 'A chat about <tags> & "quotes"')
now=$(( $(date +%s) * 1000 ))
U1=$(cat /proc/sys/kernel/random/uuid)
sqlite3 "$DATA/data.db" <<SQL
INSERT INTO messages (id, chat_id, seq, role, content, status, created_at)
  VALUES ('$U1', '$CID', 1, 'user', 'What is 2+2? <script>alert(1)</script>' || char(10) || 'Second line', 'done', $now);
INSERT INTO attachments (message_id, idx, hash, type, size, name)
  VALUES ('$U1', 0, '$(printf '%064d' 0)', 'image/png', 70, '<b>"sum".png'),
         ('$U1', 1, '$(printf '%064d' 1)', 'application/pdf', 2000, 'notes.pdf');
INSERT INTO messages (id, chat_id, seq, role, content, html, status, model, created_at)
  VALUES ('$(cat /proc/sys/kernel/random/uuid)', '$CID', 2, 'assistant', 'It is **4**.', '<p>It is <strong>4</strong>.</p>', 'done', 'demo', $now);
INSERT INTO messages (id, chat_id, seq, role, content, status, error, created_at)
  VALUES ('$(cat /proc/sys/kernel/random/uuid)', '$CID', 3, 'assistant', 'Partial', 'failed', 'The provider refused the key.', $now);
SQL

# tidy exits 0 when clean, 1 on warnings, 2 on errors: any is a failure.
# Debian's tidy (5.6) predates the HTML attributes minlength and
# aria-current and calls them proprietary; that one warning is off.
tidy_ok() {
	tidy -q -e -utf8 --warn-proprietary-attributes no "$1" >"$TMP/tidy.out" 2>&1 && return 0
	sed 's/^/#   /' "$TMP/tidy.out" | head -10
	return 1
}

for page in /login /signup; do
	http "$TMP/anon.jar" GET "$page" >/dev/null
	cp "$TMP/body" "$TMP/page.html"
	check "$page is valid HTML" tidy_ok "$TMP/page.html"
done
for page in /chats "/chat/$CID" "/chats?q=nothing-matches" /no/such/page /settings /chat/new \
	"/chat/$CID/edit?m=$U1"; do
	http "$A" GET "$page" >/dev/null
	cp "$TMP/body" "$TMP/page.html"
	check "$page (signed in) is valid HTML" tidy_ok "$TMP/page.html"
done
http "$TMP/anon2.jar" GET /nothing >/dev/null
cp "$TMP/body" "$TMP/page.html"
check "the 404 page signed out is valid HTML" tidy_ok "$TMP/page.html"

# The chat page, as a text browser shows it.
http "$A" GET "/chat/$CID" >/dev/null
grep -q 'id="m-' "$TMP/body" && cp "$TMP/body" "$TMP/chat.html"
check "messages carry id, data-role and data-status" \
	grep -q '<li id="m-[0-9a-f-]\{36\}" data-role="user" data-status="done">' "$TMP/chat.html"
check "a user's markup is shown as text, never run" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/chat.html"
check "a failed reply shows its error in role=alert" \
	grep -q 'role="alert">The provider refused the key.' "$TMP/chat.html"
w3m -dump -T text/html -cols 100 "$TMP/chat.html" >"$TMP/chat.txt"
check "w3m shows the chat title" grep -q 'A chat about <tags> & "quotes"' "$TMP/chat.txt"
check "w3m shows the question as typed" grep -qF 'What is 2+2? <script>alert(1)</script>' "$TMP/chat.txt"
check "w3m shows the rendered answer" grep -q 'It is 4.' "$TMP/chat.txt"
check "w3m shows the error" grep -q 'The provider refused the key.' "$TMP/chat.txt"
check "w3m keeps the line break in a message" grep -q '^ *Second line' "$TMP/chat.txt"
check "w3m shows a failed reply's state in words" grep -q 'Failed' "$TMP/chat.txt"

# The edit form, as a text browser shows it: the message's files, each
# with its Remove checkbox.
http "$A" GET "/chat/$CID/edit?m=$U1" >/dev/null
w3m -dump -T text/html -cols 100 "$TMP/body" >"$TMP/edit.txt"
check "w3m shows the message being edited in the composer" grep -qF '[What is 2+2?' "$TMP/edit.txt"
check "w3m shows each of its files with a Remove checkbox" sh -c \
	"grep -qF '[ ] Remove <b>\"sum\".png' '$TMP/edit.txt' && grep -qF '[ ] Remove notes.pdf' '$TMP/edit.txt'"

http "$A" GET /chats >/dev/null
w3m -dump -T text/html -cols 100 "$TMP/body" >"$TMP/list.txt"
check "w3m shows the chat list with its group" grep -q '^Today' "$TMP/list.txt"
check "w3m shows the chat in the list" grep -qF 'A chat about <tags> & "quotes"' "$TMP/list.txt"
check "w3m shows the New chat link" grep -q '^New chat\( \|$\)' "$TMP/list.txt"
check "w3m shows the sign-out button" grep -q '^Sign out$' "$TMP/list.txt"

# Page weight (docs/DESIGN.md: chat page HTML + CSS + JS under 30 KB).
http "$A" GET "/chat/$CID" >/dev/null
html=$(wc -c <"$TMP/body")
css=$(curl -s "$BASE/static/confab.css" | wc -c)
check "the chat page with its CSS weighs under 30 KB ($html + $css bytes)" test $((html + css)) -lt 30720
expect_eq "the stylesheet is served by nginx" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/static/confab.css")"

done_testing
