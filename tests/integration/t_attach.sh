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
printf 'GIF89a\1\0\1\0\0\0\0;' >"$TMP/pic.gif"

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
NCID=$(header Location | sed 's#.*/chat/##; s/#.*//')
wait_reply "$(last_reply "$NCID")" >/dev/null
# Editing a message sends its files again, and any attached to the edit.
UM=$(user_msg "$NCID")
token=$(csrf_for "$A" "/chat/$NCID/edit?m=$UM")
expect_eq "an edit with a file" 303 "$(http "$A" POST "/chat/$NCID/edit" -F "csrf=$token" -F "m=$UM" \
	-F "content=first, edited" -F model=att-openai -F "files=@$TMP/pic.gif")"
MID=$(last_reply "$NCID")
expect_eq "  ... the new reply got the message's file and the new one, in order" \
	"Received 2 attachments: image_url:image/png image_url:image/gif" \
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

# --- Editing keeps the message's files: the edit form lists them, each
# with a Remove checkbox; they go again unless ticked, new ones join them,
# and the chosen model must read them all. Files of their own (a byte more
# than dot.png and doc.pdf) so the sweeps below see only these.
{ cat "$TMP/dot.png"; printf 'e1'; } >"$TMP/e1.png"
{ cat "$TMP/dot.png"; printf 'e2'; } >"$TMP/e2.png"
{ cat "$TMP/doc.pdf"; printf '%% e\n'; } >"$TMP/e.pdf"
E1=$(sha256sum "$TMP/e1.png" | cut -c1-64)
E2=$(sha256sum "$TMP/e2.png" | cut -c1-64)
EP=$(sha256sum "$TMP/e.pdf" | cut -c1-64)
stored() { echo "$DATA/files/${1:0:2}/$1"; }
hashes_of() { sqlite3 "$DATA/data.db" "SELECT hash FROM attachments WHERE message_id = '$1' ORDER BY idx" | paste -sd' '; }
vacuum() { CONFAB_CONFIG=$CONFAB_CONFIG CONFAB_DATA_DIR=$DATA "$BUILD/cli/confab" vacuum >"$TMP/vac.out" 2>&1; }
# edit JAR CHAT MSG CONTENT MODEL [curl -F args...]: POST the edit form; prints the status.
edit() {
	local jar=$1 chat=$2 msg=$3 content=$4 model=$5 token; shift 5
	token=$(csrf_for "$jar" "/chat/$chat/edit?m=$msg")
	http "$jar" POST "/chat/$chat/edit" -F "csrf=$token" -F "m=$msg" -F "content=$content" \
		-F "model=$model" "$@"
}
ECID=$(new_chat "$A" "edit with files")
expect_eq "a message with an image and a PDF" 303 \
	"$(upload "$A" "$ECID" "what is in this pictur?" att-openai "$TMP/e1.png" "$TMP/e.pdf")"
wait_reply "$(last_reply "$ECID")" >/dev/null
UM=$(user_msg "$ECID")

expect_eq "its edit page loads" 200 "$(http "$A" GET "/chat/$ECID/edit?m=$UM")"
cp "$TMP/body" "$TMP/edit.html"
check "  ... listing the image with a Remove checkbox" grep -q \
	"<img class=\"thumb\" src=\"/chat/$ECID/file/$E1\" alt=\"e1.png\"></a> <span class=\"size\">1 KiB</span> <input type=\"checkbox\" id=\"remove-0\" name=\"remove\" value=\"0\"> <label for=\"remove-0\">Remove e1.png</label>" \
	"$TMP/edit.html"
check "  ... and the PDF with its own" grep -q \
	'<input type="checkbox" id="remove-1" name="remove" value="1"> <label for="remove-1">Remove e.pdf</label>' \
	"$TMP/edit.html"
check "  ... inside the edit form, which still takes new files" sh -c \
	"sed -n '/action=\"\\/chat\\/$ECID\\/edit\"/,/<\\/form>/p' '$TMP/edit.html' | grep -q 'name=\"remove\"' &&
	 sed -n '/action=\"\\/chat\\/$ECID\\/edit\"/,/<\\/form>/p' '$TMP/edit.html' | grep -q 'type=\"file\"'"
check "  ... valid HTML" tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/edit.html"
w3m -dump -T text/html -cols 120 "$TMP/edit.html" >"$TMP/edit.txt"
check "  ... which w3m shows as checkboxes by name" \
	sh -c "grep -q '\\[ \\] Remove e1.png' '$TMP/edit.txt' && grep -q '\\[ \\] Remove e.pdf' '$TMP/edit.txt'"

# A typo fixed: the picture goes again, to another provider in its shape.
expect_eq "an edit of the text alone is sent" 303 \
	"$(edit "$A" "$ECID" "$UM" "what is in this picture?" att-claude)"
MID=$(last_reply "$ECID")
expect_eq "  ... the provider got the image and the PDF again" \
	"Received 2 attachments: source:image/png source:application/pdf" \
	"$(wait_reply "$MID" >/dev/null; msg_field "$MID" content)"
UM2=$(user_msg "$ECID")
check "  ... the edited message is a new one" test "$UM2" != "$UM"
expect_eq "  ... with the same files, in order" "$E1 $EP" "$(hashes_of "$UM2")"
expect_eq "  ... and the old message's rows are gone" "" "$(hashes_of "$UM")"
http "$A" GET "/chat/$ECID" >/dev/null
check "  ... the chat shows the image under the edited message" \
	grep -q "<img class=\"thumb\" src=\"/chat/$ECID/file/$E1\" alt=\"e1.png\">" "$TMP/body"
touch -d '2 hours ago' "$(stored "$E1")" "$(stored "$EP")"
vacuum
check "confab vacuum keeps an edited message's files" \
	sh -c "test -f '$(stored "$E1")' && test -f '$(stored "$EP")'"

# Remove one by its checkbox.
expect_eq "an edit with the PDF's Remove ticked" 303 \
	"$(edit "$A" "$ECID" "$UM2" "and now?" att-openai -F remove=1)"
MID=$(last_reply "$ECID")
expect_eq "  ... sends the image alone" "Received 1 attachments: image_url:image/png" \
	"$(wait_reply "$MID" >/dev/null; msg_field "$MID" content)"
UM3=$(user_msg "$ECID")
expect_eq "  ... which is all the message keeps" "$E1" "$(hashes_of "$UM3")"
touch -d '2 hours ago' "$(stored "$E1")" "$(stored "$EP")"
vacuum
check "confab vacuum removes the file no message refers to any more" test ! -e "$(stored "$EP")"
check "  ... and keeps the one still referred to" test -f "$(stored "$E1")"

# Add one on edit.
expect_eq "an edit that attaches another image" 303 \
	"$(edit "$A" "$ECID" "$UM3" "compare them" att-gemini -F "files=@$TMP/e2.png")"
MID=$(last_reply "$ECID")
expect_eq "  ... sends the kept one and the new one" \
	"Received 2 attachments: inline_data:image/png inline_data:image/png" \
	"$(wait_reply "$MID" >/dev/null; msg_field "$MID" content)"
UM4=$(user_msg "$ECID")
expect_eq "  ... the kept file first" "$E1 $E2" "$(hashes_of "$UM4")"

# Refusals on edit: nothing is sent or changed, the typed text stays.
N=$(nmsgs "$ECID")
# edit_refused WHAT STATUS SENTENCE MODEL [curl -F args...]
edit_refused() {
	local what=$1 status=$2 sentence=$3 model=$4; shift 4
	expect_eq "$what: refused with $status" "$status" \
		"$(edit "$A" "$ECID" "$UM4" "keep this edit" "$model" "$@")"
	check "  ... saying why" grep -q "role=\"alert\">$sentence" "$TMP/body"
	check "  ... keeping the text, on the edit form" sh -c \
		"grep -q '>keep this edit</textarea>' '$TMP/body' && grep -q 'action=\"/chat/$ECID/edit\"' '$TMP/body'"
	expect_eq "  ... nothing changed" "$N $E1 $E2" "$(nmsgs "$ECID") $(hashes_of "$UM4")"
}
edit_refused "a model without images for the kept images" 400 \
	"Text only cannot read images, so “e1.png” cannot go with the edited message" att-text
edit_refused "  ... one kept image ticked off, the other still there" 400 \
	"Text only cannot read images, so “e2.png” cannot go" att-text -F remove=0
check "  ... the ticked box stays ticked" grep -q \
	'<input type="checkbox" id="remove-0" name="remove" value="0" checked>' "$TMP/body"
check "  ... the page is valid HTML" tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/body"
edit_refused "two kept files and a new one, where two are allowed" 413 \
	"A message can carry at most 2 files, and this one would have 3" att-openai -F "files=@$TMP/dot.png"
edit_refused "a new file the model cannot read" 400 "Attachments (Ollama) cannot read PDF documents" \
	att-ollama -F remove=0 -F "files=@$TMP/doc.pdf"
edit_refused "a Remove naming no file of the message" 400 "The form names a file this message does not have" \
	att-openai -F remove=2
edit_refused "  ... or a hash" 400 "The form names a file this message does not have" \
	att-openai -F "remove=$E1"

# Both ticked: a text-only model takes the edit, with no file.
expect_eq "every file removed, a model without images takes the edit" 303 \
	"$(edit "$A" "$ECID" "$UM4" "just words" att-text -F remove=0 -F remove=1)"
MID=$(last_reply "$ECID")
expect_eq "  ... and gets none" "Received 0 attachments:" \
	"$(wait_reply "$MID" >/dev/null; msg_field "$MID" content)"
expect_eq "  ... the message has none" "" "$(hashes_of "$(user_msg "$ECID")")"

done_testing
