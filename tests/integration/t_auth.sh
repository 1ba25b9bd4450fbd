#!/usr/bin/env bash
# Sign up, sign in, wrong password, throttling, sign out, sessions.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar C=$TMP/c.jar
EA=$(new_email) PW='correct horse battery'

expect_eq "signed out, /chats sends to the sign-in page" 303 "$(http "$C" GET /chats)"
expect_eq "  ... with the page to return to" "$BASE/login?next=%2Fchats" "$(header Location)"

expect_eq "sign up answers 303" 303 "$(signup "$A" "$EA" "$PW")"
expect_eq "  ... to the chat list" "$BASE/chats" "$(header Location)"
check "  ... and sets an HttpOnly SameSite=Lax session cookie" \
	grep -qi '^Set-Cookie: confab_session=[A-Za-z0-9_-]\{43\}; Path=/; HttpOnly; SameSite=Lax' "$TMP/headers"
expect_eq "the chat list loads signed in" 200 "$(http "$A" GET /chats)"
check "  ... showing the account" grep -q "$EA" "$TMP/body"

expect_eq "a second sign-up with the same email (other case) is refused" 400 \
	"$(signup "$B" "$(echo "$EA" | tr a-z A-Z)" "$PW")"
check "  ... saying the account exists, in role=alert" \
	grep -q 'role="alert">An account with this email already exists' "$TMP/body"
check "  ... keeping what was typed" grep -q "value=\"$(echo "$EA" | tr a-z A-Z)\"" "$TMP/body"

expect_eq "a short password is refused" 400 "$(signup "$B" "$(new_email)" short)"
check "  ... with the rule" grep -q 'Password must be at least 8 characters' "$TMP/body"
expect_eq "a malformed email is refused" 400 "$(signup "$B" "not-an-email" "$PW")"
expect_eq "an unknown time zone is refused" 400 "$(signup "$B" "$(new_email)" "$PW" "Mars/Olympus")"

expect_eq "sign in with the right password" 303 "$(login "$B" "$EA" "$PW")"
expect_eq "  ... goes to the chat list" "$BASE/chats" "$(header Location)"
expect_eq "  ... and the session works" 200 "$(http "$B" GET /chats)"

W=$TMP/w.jar
expect_eq "a wrong password is refused" 400 "$(login "$W" "$EA" "wrong password")"
check "  ... with a message that does not say whether the email exists" \
	grep -q 'role="alert">Wrong email or password.' "$TMP/body"
cp "$TMP/body" "$TMP/wrong-known"
expect_eq "an unknown email gets the same status" 400 "$(login "$W" "$(new_email)" "wrong password")"
check "  ... and the same message" grep -q 'role="alert">Wrong email or password.' "$TMP/body"

# Throttling per account: 5 failures (config default) then 429.
ET=$(new_email)
signup "$TMP/t.jar" "$ET" "$PW" >/dev/null
for i in 1 2 3 4 5; do login "$TMP/t$i.jar" "$ET" "nope nope nope" >/dev/null; done
expect_eq "after 5 failures the account is throttled" 429 "$(login "$TMP/t6.jar" "$ET" "$PW")"
ra=$(header Retry-After)
check "  ... with a Retry-After of at most 15 minutes ($ra s)" test "${ra:-0}" -ge 1 -a "${ra:-0}" -le 900
check "  ... and a message" grep -q 'Too many failed attempts' "$TMP/body"
expect_eq "  ... while another account is not" 303 "$(login "$TMP/t7.jar" "$EA" "$PW")"

expect_eq "a sign-in redirects to a local next page" 303 \
	"$(token=$(csrf_for "$TMP/n.jar" "/login?next=/chats%3Fq%3Dx"); http "$TMP/n.jar" POST /login \
	   --data-urlencode "csrf=$token" --data-urlencode "email=$EA" --data-urlencode "password=$PW" \
	   --data-urlencode "next=/chats?q=x")"
expect_eq "  ... to it" "$BASE/chats?q=x" "$(header Location)"
token=$(csrf_for "$TMP/o.jar" /login)
http "$TMP/o.jar" POST /login --data-urlencode "csrf=$token" --data-urlencode "email=$EA" \
	--data-urlencode "password=$PW" --data-urlencode "next=//evil.example/" >/dev/null
expect_eq "  ... but never to another site" "$BASE/chats" "$(header Location)"

expect_eq "sign out answers 303" 303 "$(CSRF_PAGE=/chats post "$A" /logout)"
expect_eq "  ... to the sign-in page" "$BASE/login" "$(header Location)"
expect_eq "  ... and the old session no longer works" 303 "$(http "$A" GET /chats)"
expect_eq "the other session of the same user still works" 200 "$(http "$B" GET /chats)"

expect_eq "the first account is the administrator" 1 \
	"$(sqlite3 "$DATA/user.db" 'SELECT is_admin FROM users ORDER BY created_at, rowid LIMIT 1')"
expect_eq "  ... and the only one" 1 "$(sqlite3 "$DATA/user.db" 'SELECT count(*) FROM users WHERE is_admin')"
expect_eq "later accounts are not" 0 \
	"$(sqlite3 "$DATA/user.db" "SELECT is_admin FROM users WHERE email = '$ET'")"
check "passwords are stored as argon2id hashes" \
	test "$(sqlite3 "$DATA/user.db" "SELECT substr(password_hash, 1, 10) FROM users WHERE email = '$EA'")" = '$argon2id$'
check "sessions are stored hashed, not as the cookie value" \
	test -z "$(sqlite3 "$DATA/user.db" "SELECT 1 FROM sessions WHERE token_hash = '$(grep confab_session "$B" | awk '{print $7}')'")"

done_testing
