#!/usr/bin/env bash
# CSRF, ownership, limits, unknown paths and methods.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
CA=$(new_chat "$A" "Alice's secret plans")

expect_eq "POST without a csrf token is refused" 403 \
	"$(http "$A" POST /chats --data-urlencode 'title=x')"
check "  ... with an explanation in role=alert" grep -q 'role="alert">This form has expired' "$TMP/body"
expect_eq "POST with a wrong csrf token is refused" 403 \
	"$(http "$A" POST /chats --data-urlencode 'csrf=0000' --data-urlencode 'title=x')"
tokB=$(csrf_for "$B" /chats)
expect_eq "POST with another user's csrf token is refused" 403 \
	"$(http "$A" POST /chats --data-urlencode "csrf=$tokB" --data-urlencode 'title=x')"
tokA=$(csrf_for "$A" /chats)
expect_eq "POST from another origin is refused" 403 \
	"$(http "$A" POST /chats -H 'Origin: http://evil.example' --data-urlencode "csrf=$tokA")"
expect_eq "POST from this origin is accepted" 303 \
	"$(http "$A" POST /chats -H "Origin: $BASE" --data-urlencode "csrf=$tokA")"
tokV=$(csrf_for "$TMP/v.jar" /login)
expect_eq "sign-in without the visitor cookie its token is bound to is refused" 403 \
	"$(http "$TMP/none.jar" POST /login --data-urlencode "csrf=$tokV" \
	   --data-urlencode 'email=a@example.org' --data-urlencode 'password=whatever1')"

expect_eq "a user's own chat loads" 200 "$(http "$A" GET "/chat/$CA")"
expect_eq "another user's chat id is 404" 404 "$(http "$B" GET "/chat/$CA")"
check "  ... revealing nothing of it" bash -c "! grep -q 'secret plans' '$TMP/body'"
expect_eq "renaming another user's chat is 404" 404 \
	"$(post "$B" "/chats/$CA/rename" 'title=mine now')"
expect_eq "pinning another user's chat is 404" 404 "$(post "$B" "/chats/$CA/pin" 'pinned=1')"
expect_eq "deleting another user's chat is 404" 404 "$(post "$B" "/chats/$CA/delete" confirm=1)"
expect_eq "  ... and it is still there" 200 "$(http "$A" GET "/chat/$CA")"
expect_eq "a chat id that is not a UUID is 404" 404 "$(http "$A" GET "/chat/../../etc/passwd")"
expect_eq "a random UUID is 404" 404 "$(http "$A" GET "/chat/00000000-0000-4000-8000-000000000000")"

big=$(head -c 70000 /dev/zero | tr '\0' a)
expect_eq "an oversized body is 413" 413 \
	"$(http "$A" POST /chats --data "csrf=$tokA&title=$big")"
check "  ... with a page that says so" grep -q 'too large' "$TMP/body"
expect_eq "too many form fields is 413" 413 \
	"$(http "$A" POST /chats --data "csrf=$tokA$(printf '&f=%d' $(seq 300))")"
expect_eq "a form with invalid UTF-8 is 400" 400 \
	"$(http "$A" POST /chats --data "csrf=$tokA&title=%C0%80")"
expect_eq "a title over 200 characters is 400" 400 \
	"$(post "$A" /chats "title=$(head -c 201 /dev/zero | tr '\0' b)")"
check "  ... saying which limit" grep -q 'Title must be at most 200 characters' "$TMP/body"

expect_eq "an unknown path is 404" 404 "$(http "$A" GET /no/such/page)"
check "  ... with a page in role=alert" grep -q 'role="alert"' "$TMP/body"
expect_eq "an unknown path signed out is 404 too" 404 "$(http "$TMP/x.jar" GET /nothing-here)"
expect_eq "a wrong method is 405" 405 "$(http "$A" DELETE /chats)"
check "  ... naming the allowed ones" test "$(header Allow)" = "GET, HEAD, POST"
expect_eq "GET on a POST-only path is 405" 405 "$(http "$A" GET /logout)"
expect_eq "HEAD is served like GET" 200 "$(curl -s -o /dev/null -w '%{http_code}' -I -b "$A" "$BASE/chats")"

http "$A" GET /chats >/dev/null
for h in "Content-Security-Policy: default-src 'none'; script-src 'self'" \
	 "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" \
	 "frame-ancestors 'none'"; do
	check "pages carry the header: $h" grep -qF "$h" "$TMP/headers"
done
check "the CSP allows no inline script or style" bash -c "! grep -i '^Content-Security-Policy' '$TMP/headers' | grep -q unsafe-inline"
check "no page has inline script or style" \
	bash -c "! grep -Eiq '<script>|<script [^s]|<style|style=\"|onclick=' '$TMP/body'"

done_testing
