#!/usr/bin/env bash
# Math in a finished reply: MathML with its TeX in the annotation, and read
# as a text browser reads it (w3m -dump) the TeX source is there to read.
. "$(dirname "$0")/lib.sh"

if ! command -v w3m >/dev/null; then
	not_ok "w3m is installed" "install Debian's w3m: apt-get install -y w3m"
	exit 0
fi

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password math' >/dev/null
CID=$(new_chat "$A" 'Math')
send "$A" "$CID" 'Take $x^2$, then $\nosuchcommand{y}$; it costs $5, or $10.' sim-fast >/dev/null
MID=$(last_reply "$CID")
expect_eq "the echo reply finishes" done "$(wait_reply "$MID")"

http "$A" GET "/chat/$CID" >/dev/null
message_html "$MID" >"$TMP/msg.html"
check "the formula is MathML" grep -qF '<msup><mi>x</mi><mn>2</mn></msup>' "$TMP/msg.html"
check "  ... carrying its TeX in the annotation" \
	grep -qF '<annotation encoding="application/x-tex">x^2</annotation>' "$TMP/msg.html"
check "an unknown command is its TeX as code" \
	grep -qF '<code class="math-tex">\nosuchcommand{y}</code>' "$TMP/msg.html"

w3m -dump -T text/html -I UTF-8 -O UTF-8 -cols 160 "$TMP/body" >"$TMP/dump"
check "w3m shows the TeX source" grep -qF 'x^2' "$TMP/dump"
check "w3m shows the unknown command's TeX" grep -qF '\nosuchcommand{y}' "$TMP/dump"
check "w3m shows prices as prose" grep -qF 'it costs $5, or $10.' "$TMP/dump"
done_testing
