#!/usr/bin/env bash
# An image of a few hundred KB sent with a message behind each web server
# (tests/run-all runs this behind nginx, Apache as a shared host, and
# lighttpd), and one too large for the limits: a clear 413 page saying the
# limit, never a false 403 "This form has expired". Apache refuses a body
# over the .htaccess's LimitRequestBody by handing the request on without
# it (CONTENT_LENGTH 0); before confab knew, the empty form lacked its csrf.
# On its own instance, whose config takes files of up to 512 KiB.
. "$(dirname "$0")/lib.sh"

# Outside $TMP (0700): Apache's children, www-data when run as root, must
# reach the data directory and the config.
UP=$(mktemp -d /tmp/confab-up.XXXXXX)
trap 'rm -rf "$TMP" "$UP"' EXIT
# The suite's config, with larger files allowed (the last [chat] wins).
{ cat "$CONFAB_CONFIG"; printf '\n[chat]\nmax_attachments = 2\nmax_attachment_kib = 512\n'; } >"$UP/confab.ini"
if ! B=$(CONFAB_CONFIG=$UP/confab.ini second_instance "$UP"); then
	not_ok "a confab with 512 KiB files starts behind ${CONFAB_SERVER:-nginx}"
	exit 0
fi
trap 'stop_second_instance "$UP"; rm -rf "$TMP" "$UP"' EXIT
BASE=$B

# png FILE BYTES: a PNG (magic and IHDR) of about BYTES bytes.
png() { { printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89'; head -c "$2" /dev/urandom; } >"$1"; }
png "$TMP/300k.png" 300000
png "$TMP/600k.png" 600000
png "$TMP/1200k.png" 1200000

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
CID=$(new_chat "$A" "pictures")
# upload FILE: the composer's POST, as a browser sends it; prints the status.
upload() {
	local token
	token=$(csrf_for "$A" "/chat/$CID")
	http "$A" POST "/chat/$CID" -F "csrf=$token" -F "content=look" -F model=att-openai \
		-F "files=@$1"
}
alert() { grep -o 'role="alert">[^<]*' "$TMP/body" | head -1 | sed 's/^role="alert">//'; }
# sent_ok FILE: the image was taken, and its address serves the same bytes.
sent_ok() {
	local h
	h=$(sha256sum "$1" | cut -c1-64)
	expect_eq "  ... the chat shows it" 200 "$(http "$A" GET "/chat/$CID")"
	check "  ... (its thumbnail)" grep -q "src=\"/chat/$CID/file/$h\"" "$TMP/body"
	expect_eq "  ... its address serves it" 200 "$(http "$A" GET "/chat/$CID/file/$h")"
	check "  ... the same bytes" cmp -s "$TMP/body" "$1"
}

case ${CONFAB_SERVER:-nginx} in
apache)
	# The .htaccess as shipped: 128 KiB, mod_fcgid's default limit.
	expect_eq "apache, .htaccess as shipped: a 300 KB image is refused with 413" 413 "$(upload "$TMP/300k.png")"
	expect_eq "  ... saying the server's limit, not that the form expired" \
		"What you sent is too large for this server, which takes at most 128 KiB in one request, files included. Send smaller or fewer files." \
		"$(alert)"
	# This host allows 1 MiB: the user raises both numbers, as the
	# .htaccess says (Apache reads it again on each request).
	HT=$UP/apache/htdocs/.htaccess
	sed -i 's/^LimitRequestBody 131072$/LimitRequestBody 1048576/; s/CONFAB_SERVER_MAX_BODY 131072$/CONFAB_SERVER_MAX_BODY 1048576/' "$HT"
	check "the .htaccess now takes 1 MiB" test "$(grep -c 1048576 "$HT")" = 2
	expect_eq "apache, 1 MiB: a 300 KB image is sent" 303 "$(upload "$TMP/300k.png")"
	sent_ok "$TMP/300k.png"
	expect_eq "apache, 1 MiB: a 1.2 MB image is refused with 413" 413 "$(upload "$TMP/1200k.png")"
	check "  ... saying the limit" grep -q 'takes at most 1024 KiB in one request' <<<"$(alert)"
	;;
*)
	expect_eq "${CONFAB_SERVER:-nginx}: a 300 KB image is sent" 303 "$(upload "$TMP/300k.png")"
	sent_ok "$TMP/300k.png"
	;;
esac
# Within every server's limit but over confab's own: its page, which keeps
# the message typed.
expect_eq "a 600 KB image, over the 512 KiB a file may be, is refused with 413" 413 "$(upload "$TMP/600k.png")"
check "  ... saying the limit" grep -q 'Each file may be at most 512 KiB' <<<"$(alert)"
check "  ... keeping the message" grep -q '>look</textarea>' "$TMP/body"

done_testing
