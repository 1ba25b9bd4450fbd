#!/usr/bin/env bash
# Attachments: images and PDFs sent with a message through nginx as
# multipart/form-data reach each provider in its own shape (provsim's
# reply=attachments says what it got); wrong types, too many, too large and
# a model without the capability are refused before anything is sent, with
# the message kept; the file route serves the chat's owner only.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
CID=$(new_chat "$A" "files")

# Small real files: a PNG (its magic and an IHDR), a PDF, a text file, and
# one over the 64 KiB limit of the test config.
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89' >"$TMP/dot.png"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' >"$TMP/doc.pdf"
printf 'just text, named like an image\n' >"$TMP/fake.png"
head -c 70000 /dev/zero | tr '\0' 'x' | sed '1s/^/%PDF-1.4\n/' >"$TMP/big.pdf"

# upload JAR CHAT CONTENT MODEL FILE...: POST the composer as a browser
# does (multipart); prints the status.
upload() {
	local jar=$1 chat=$2 content=$3 model=$4 token args=(); shift 4
	token=$(csrf_for "$jar" "/chat/$chat")
	for f in "$@"; do args+=(-F "files=@$f"); done
	http "$jar" POST "/chat/$chat" -F "csrf=$token" -F "content=$content" \
		-F "model=$model" "${args[@]}"
}
# files_of MSG: how many files a message has.
files_of() { sqlite3 "$DATA/data.db" "SELECT count(*) FROM attachments WHERE message_id = '$1'"; }
user_msg() { sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$1' AND role = 'user' ORDER BY seq DESC LIMIT 1"; }
nmsgs() { sqlite3 "$DATA/data.db" "SELECT count(*) FROM messages WHERE chat_id = '$1'"; }

# The composer takes files and works without JavaScript.
http "$A" GET "/chat/$CID" >/dev/null
check "the composer is a multipart form" grep -q 'enctype="multipart/form-data"' "$TMP/body"
check "  ... with a file input" grep -q '<input type="file" id="files" name="files" multiple' "$TMP/body"

# each MODEL EXPECTED: a PNG and a PDF to MODEL; the reply lists them.
each() {
	expect_eq "$1: a message with a PNG and a PDF is accepted" 303 \
		"$(upload "$A" "$CID" "look at these" "$1" "$TMP/dot.png" "$TMP/doc.pdf")"
	local mid
	mid=$(last_reply "$CID")
	expect_eq "  ... the reply completes" done "$(wait_reply "$mid")"
	expect_eq "  ... the provider received them in its own shape" "$2" "$(msg_field "$mid" content)"
	expect_eq "  ... both linked to the message" 2 "$(files_of "$(user_msg "$CID")")"
}
each att-openai "Received 2 attachments: image_url:image/png file:application/pdf"
# The history goes along: each model gets the earlier messages' files too.
each att-claude "Received 4 attachments: source:image/png source:application/pdf source:image/png source:application/pdf"
each att-gemini "Received 6 attachments: $(printf 'inline_data:image/png inline_data:application/pdf %.0s' 1 2 3 | sed 's/ $//')"
expect_eq "att-ollama: a PNG is accepted" 303 "$(upload "$A" "$CID" "and this" att-ollama "$TMP/dot.png")"
MID=$(last_reply "$CID")
expect_eq "  ... the reply completes" done "$(wait_reply "$MID")"
# Ollama takes no PDFs: only the images of the history go.
expect_eq "  ... Ollama got every image of the chat as base64 in images" \
	"Received 4 attachments: images:image/png images:image/png images:image/png images:image/png" \
	"$(msg_field "$MID" content)"

# The same file sent many times is stored once, 0600, named by its hash.
HASH=$(sha256sum "$TMP/dot.png" | cut -c1-64)
F="$DATA/files/${HASH:0:2}/$HASH"
check "a file is stored under files/ by its SHA-256" test -f "$F"
expect_eq "  ... mode 0600" 600 "$(stat -c %a "$F")"
expect_eq "  ... once" 1 "$(find "$DATA/files" -type f -name "$HASH" | wc -l)"

# The page shows the files; the file route serves the owner only.
http "$A" GET "/chat/$CID" >/dev/null
cp "$TMP/body" "$TMP/page.html"
check "the chat shows the image as a thumbnail" grep -q "<img class=\"thumb\" src=\"/chat/$CID/file/$HASH\" alt=\"dot.png\">" "$TMP/page.html"
check "  ... and the PDF by its name" grep -q '>doc.pdf</a>' "$TMP/page.html"
check "the page is valid HTML" tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/page.html"
expect_eq "the owner gets the file" 200 "$(http "$A" GET "/chat/$CID/file/$HASH")"
check "  ... the same bytes" cmp -s "$TMP/body" "$TMP/dot.png"
expect_eq "  ... as image/png" image/png "$(header Content-Type)"
expect_eq "  ... inline, with a safe name" 'inline; filename="dot.png"' "$(header Content-Disposition)"
expect_eq "  ... never sniffed" nosniff "$(header X-Content-Type-Options)"
PHASH=$(sha256sum "$TMP/doc.pdf" | cut -c1-64)
http "$A" GET "/chat/$CID/file/$PHASH" >/dev/null
expect_eq "a PDF is a download" 'attachment; filename="doc.pdf"' "$(header Content-Disposition)"
expect_eq "another user gets 404" 404 "$(http "$B" GET "/chat/$CID/file/$HASH")"
BCID=$(new_chat "$B" "theirs")
expect_eq "  ... also through a chat of their own" 404 "$(http "$B" GET "/chat/$BCID/file/$HASH")"
expect_eq "a made-up hash is 404" 404 "$(http "$A" GET "/chat/$CID/file/../../secret.key")"
expect_eq "signed out: sent to sign in" 303 "$(http "$TMP/anon.jar" GET "/chat/$CID/file/$HASH")"

# Refusals: nothing is sent, the typed message stays in the composer.
N=$(nmsgs "$CID")
# refused WHAT STATUS SENTENCE MODEL FILE...
refused() {
	local what=$1 status=$2 sentence=$3 model=$4; shift 4
	expect_eq "$what: refused with $status" "$status" \
		"$(upload "$A" "$CID" "keep this draft" "$model" "$@")"
	check "  ... saying why" grep -q "role=\"alert\">$sentence" "$TMP/body"
	check "  ... keeping the message" grep -q '>keep this draft</textarea>' "$TMP/body"
	expect_eq "  ... nothing sent" "$N" "$(nmsgs "$CID")"
}
refused "a text file named .png" 415 "“fake.png” is not a file confab can send" att-openai "$TMP/fake.png"
refused "a file over the limit" 413 "Each file may be at most 64 KiB" att-openai "$TMP/big.pdf"
refused "three files where two are allowed" 413 "A message can carry at most 2 files" att-openai \
	"$TMP/dot.png" "$TMP/doc.pdf" "$TMP/dot.png"
refused "an image to a model without images" 400 "Text only cannot read images" att-text "$TMP/dot.png"
refused "a PDF to a model without pdfs" 400 "Attachments (Ollama) cannot read PDF documents" att-ollama "$TMP/doc.pdf"

# Without files the multipart composer sends as before (csrf from the body).
expect_eq "a multipart message with no file is sent" 303 "$(upload "$A" "$CID" "plain words" att-text)"
MID=$(last_reply "$CID")
expect_eq "  ... and the model without images gets none of the history's" "Received 0 attachments:" "$(wait_reply "$MID" >/dev/null; msg_field "$MID" content)"
# A new chat's first message may carry a file too.
token=$(csrf_for "$A" /chat/new)
expect_eq "a new chat with a file" 303 "$(http "$A" POST /chat/new -F "csrf=$token" -F "content=first" \
	-F model=att-openai -F "files=@$TMP/dot.png")"
NCID=$(header Location | sed 's#.*/chat/##')
wait_reply "$(last_reply "$NCID")" >/dev/null
# Editing a message sends it again with the files attached to the edit.
UM=$(user_msg "$NCID")
token=$(csrf_for "$A" "/chat/$NCID/edit?m=$UM")
expect_eq "an edit with a file" 303 "$(http "$A" POST "/chat/$NCID/edit" -F "csrf=$token" -F "m=$UM" \
	-F "content=first, edited" -F model=att-openai -F "files=@$TMP/dot.png")"
MID=$(last_reply "$NCID")
expect_eq "  ... the new reply got it" "Received 1 attachments: image_url:image/png" \
	"$(wait_reply "$MID" >/dev/null; msg_field "$MID" content)"
# A multipart POST without the csrf field is refused like any other.
expect_eq "a multipart POST without csrf: 403" 403 \
	"$(http "$A" POST "/chat/$CID" -F "content=x" -F "files=@$TMP/dot.png")"
# A malformed multipart body: 400, never a 500.
expect_eq "a malformed multipart body: 400" 400 \
	"$(http "$A" POST "/chat/$CID" -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary 'garbage')"
# Files only where a message is sent: elsewhere a multipart body holds text.
token=$(csrf_for "$A" "/chat/$CID")
expect_eq "a file posted to stop is not taken" 303 \
	"$(http "$A" POST "/chat/$CID/stop" -F "csrf=$token" -F "files=@$TMP/dot.png")"

# Deleting the chat leaves the files to `confab vacuum`, which removes
# those nothing refers to (and only those).
sqlite3 "$DATA/data.db" "PRAGMA foreign_keys=ON; DELETE FROM chats WHERE id = '$CID'"
check "a deleted chat's file is still there before the sweep" test -f "$DATA/files/${PHASH:0:2}/$PHASH"
touch -d '2 hours ago' "$DATA/files/${PHASH:0:2}/$PHASH" "$F"
CONFAB_CONFIG=$CONFAB_CONFIG CONFAB_DATA_DIR=$DATA "$BUILD/cli/confab" vacuum >"$TMP/vac.out" 2>&1
check "confab vacuum removes the unreferenced file" test ! -e "$DATA/files/${PHASH:0:2}/$PHASH"
check "  ... and keeps one another message still uses" test -f "$F"
