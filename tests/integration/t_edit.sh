#!/usr/bin/env bash
# Regenerate and edit. confab replaces earlier versions (README: "Regenerate
# and edit"): the chat keeps one line of messages; what was spent on the
# replaced replies stays in the usage log.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
count() { sqlite3 "$DATA/data.db" "SELECT count(*) FROM messages WHERE chat_id = '$1'"; }

C=$(new_chat "$A" "edits")
send "$A" "$C" "one" sim >/dev/null
M1=$(last_reply "$C")
wait_reply "$M1" >/dev/null
U1=$(sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$C' AND role = 'user'")
http "$A" GET "/chat/$C" >/dev/null
S1=$(sqlite3 "$DATA/data.db" "SELECT seq FROM messages WHERE id = '$U1'")
check "a finished chat offers Edit on the user's message (?edit=SEQ, short)" \
	grep -q "<li id=\"m-$U1\" data-role=\"user\" data-status=\"done\">.*<a href=\"?edit=$S1\">Edit</a>" <<<"$(tr -d '\n' <"$TMP/body")"
expect_eq "  ... which opens the chat with it in the composer" 200 "$(http "$A" GET "/chat/$C?edit=$S1")"
check "  ... its text there, to change" grep -q '>one</textarea>' "$TMP/body"
check "  ... and the edit form's message id" grep -q "name=\"m\" value=\"$U1\"" "$TMP/body"
expect_eq "?edit= of a reply's seq is 404 (only your messages)" 404 "$(http "$A" GET "/chat/$C?edit=$((S1 + 1))")"
expect_eq "?edit= that is not a number is 400" 400 "$(http "$A" GET "/chat/$C?edit=x")"
check "  ... saying what is wrong" grep -q 'role="alert"' "$TMP/body"
R1=$(sqlite3 "$DATA/data.db" "SELECT seq FROM messages WHERE id = '$M1'")
expect_eq "a reply's Rate (?rate=SEQ) goes to its rating page" 303 "$(http "$A" GET "/chat/$C?rate=$R1")"
expect_eq "  ... /ratings?m=ID" "$BASE/ratings?m=$M1" "$(header Location)"
expect_eq "?rate= of a user message's seq is 404" 404 "$(http "$A" GET "/chat/$C?rate=$S1")"
http "$A" GET "/chat/$C" >/dev/null
check "  ... and Regenerate under the last reply, with its model" \
	grep -q "action=\"/chat/$C/regenerate\" class=\"regenerate\">" "$TMP/body"
check "  ... and a link to the chat's settings" grep -q "href=\"$C/settings\">Chat settings</a>" "$TMP/body"
expect_eq "the chat's settings page loads" 200 "$(http "$A" GET "/chat/$C/settings")"
valid "the chat settings page"
check "  ... with Regenerate and a model picker" grep -q '<select id="regen-model" name="model">' "$TMP/body"
check "  ... rename, pin, the preset picker and delete" bash -c "grep -q '/rename\"' '$TMP/body' && grep -q '/pin\"' '$TMP/body' && grep -q 'id=\"preset\"' '$TMP/body' && grep -q '/delete\"' '$TMP/body'"
expect_eq "another user's chat settings are 404" 404 "$(http "$B" GET "/chat/$C/settings")"

# --- regenerate with another model
expect_eq "regenerate with another model (303)" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/regenerate" model=sim-lorem)"
M2=$(last_reply "$C")
check "  ... queues a new reply" test "$M2" != "$M1"
expect_eq "  ... which completes" done "$(wait_reply "$M2")"
expect_eq "  ... from that model" sim-lorem "$(msg_field "$M2" model)"
check "  ... with its text" grep -q 'Simulated reply' <<<"$(msg_field "$M2" content)"
expect_eq "  ... in place of the old one (2 messages)" 2 "$(count "$C")"
expect_eq "  ... the old reply is gone" "" "$(msg_field "$M1" id)"
expect_eq "  ... but both requests stay in the usage log" "sim sim-lorem" \
	"$(sqlite3 "$DATA/data.db" "SELECT model FROM usage_logs WHERE chat_id = '$C' AND type = 'chat' ORDER BY created_at" | paste -sd' ')"

# --- edit a message in the middle
send "$A" "$C" "two" sim >/dev/null
wait_reply "$(last_reply "$C")" >/dev/null
expect_eq "two turns: 4 messages" 4 "$(count "$C")"
expect_eq "the edit page loads" 200 "$(http "$A" GET "/chat/$C/edit?m=$U1")"
check "  ... with the message in the composer" grep -q '>one</textarea>' "$TMP/body"
check "  ... posting to the edit address" grep -q "action=\"/chat/$C/edit\"" "$TMP/body"
check "  ... and not the messages from it on" sh -c "! grep -q 'id=\"m-$U1\"' '$TMP/body'"
expect_eq "an empty edit is refused (400)" 400 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/edit" "m=$U1" content= model=sim)"
check "  ... saying so, on the edit page" grep -q "action=\"/chat/$C/edit\"" "$TMP/body"
expect_eq "  ... and nothing changed" 4 "$(count "$C")"
expect_eq "the edit is sent (303)" 303 "$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/edit" "m=$U1" content=uno model=sim)"
M3=$(last_reply "$C")
expect_eq "  ... its reply completes" done "$(wait_reply "$M3")"
expect_eq "  ... to the edited text" "You said: uno" "$(msg_field "$M3" content)"
expect_eq "  ... and the chat is the edited turn alone" "user:uno assistant:You said: uno" \
	"$(sqlite3 "$DATA/data.db" "SELECT role || ':' || content FROM messages WHERE chat_id = '$C' ORDER BY seq" | paste -sd' ')"

# --- refusals
U2=$(sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$C' AND role = 'user'")
expect_eq "editing another user's message is 404" 404 \
	"$(CSRF_PAGE=/chats post "$B" "/chat/$C/edit" "m=$U2" content=mine model=sim)"
expect_eq "  ... and so is its edit page" 404 "$(http "$B" GET "/chat/$C/edit?m=$U2")"
expect_eq "regenerating another user's chat is 404" 404 \
	"$(CSRF_PAGE=/chats post "$B" "/chat/$C/regenerate" model=sim)"
expect_eq "editing a reply (not a user message) is 404" 404 \
	"$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/edit" "m=$M3" content=x model=sim)"
expect_eq "an edit page without a message id is 404" 404 "$(http "$A" GET "/chat/$C/edit")"
E=$(new_chat "$A" "empty")
expect_eq "regenerating an empty chat is refused (400)" 400 \
	"$(CSRF_PAGE=/chat/$E post "$A" "/chat/$E/regenerate" model=sim)"
check "  ... saying so" grep -q 'role="alert">There is no reply to regenerate' "$TMP/body"
send "$A" "$C" "slowly" sim-slow >/dev/null
MS=$(last_reply "$C")
expect_eq "regenerating while a reply is written is refused (409)" 409 \
	"$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/regenerate" model=sim)"
expect_eq "  ... and so is an edit" 409 \
	"$(CSRF_PAGE=/chat/$C post "$A" "/chat/$C/edit" "m=$U2" content=later model=sim)"
check "  ... keeping what was typed" grep -q '>later</textarea>' "$TMP/body"
http "$A" GET "/chat/$C" >/dev/null
check "  ... and the page offers neither meanwhile" sh -c "! grep -q 'Edit</a>\|/regenerate' '$TMP/body'"
CSRF_PAGE=/chat/$C post "$A" "/chat/$C/stop" >/dev/null
wait_reply "$MS" >/dev/null

# --- an edit keeps the message's files (t_attach.sh has the rest): fixing
# a typo does not lose the picture. What goes again is read from the
# message being edited, never named by the form, so a forged form cannot
# bring another user's file into their own message.
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89' >"$TMP/dot.png"
HASH=$(sha256sum "$TMP/dot.png" | cut -c1-64)
user_of() { sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$1' AND role = 'user' ORDER BY seq DESC LIMIT 1"; }
files_in() { sqlite3 "$DATA/data.db" "SELECT count(*) FROM attachments f JOIN messages m ON m.id = f.message_id WHERE m.chat_id = '$1'"; }
F=$(new_chat "$A" "a picture")
token=$(csrf_for "$A" "/chat/$F")
expect_eq "a message with an image" 303 "$(http "$A" POST "/chat/$F" -F "csrf=$token" \
	-F "content=what is in this pictur?" -F model=att-openai -F "files=@$TMP/dot.png")"
wait_reply "$(last_reply "$F")" >/dev/null
UF=$(user_of "$F")
http "$A" GET "/chat/$F/edit?m=$UF" >/dev/null
check "its edit form lists the image with a Remove checkbox" \
	grep -q '<input type="checkbox" id="remove-0" name="remove" value="0"> <label for="remove-0">Remove dot.png</label>' "$TMP/body"
expect_eq "the typo fixed (303)" 303 \
	"$(CSRF_PAGE=/chat/$F post "$A" "/chat/$F/edit" "m=$UF" "content=what is in this picture?" model=att-openai)"
MF=$(last_reply "$F")
expect_eq "  ... the provider got the image again" "Received 1 attachments: image_url:image/png" \
	"$(wait_reply "$MF" >/dev/null; msg_field "$MF" content)"
UF=$(user_of "$F")
expect_eq "  ... which the edited message keeps" 1 "$(files_in "$F")"

G=$(new_chat "$B" "forger")
send "$B" "$G" "mine" att-openai >/dev/null
wait_reply "$(last_reply "$G")" >/dev/null
UG=$(user_of "$G")
expect_eq "an edit naming another user's file in made-up fields is sent (303)" 303 \
	"$(CSRF_PAGE=/chat/$G post "$B" "/chat/$G/edit" "m=$UG" content=theirs model=att-openai \
		"keep=$HASH" "files=$HASH" "hash=$HASH" "attachments=$HASH" "file=/chat/$F/file/$HASH")"
MG=$(last_reply "$G")
expect_eq "  ... with no file: the provider got none" "Received 0 attachments:" \
	"$(wait_reply "$MG" >/dev/null; msg_field "$MG" content)"
expect_eq "  ... and the chat has none" 0 "$(files_in "$G")"
UG=$(user_of "$G")
expect_eq "a Remove naming another user's file is refused (400)" 400 \
	"$(CSRF_PAGE=/chat/$G post "$B" "/chat/$G/edit" "m=$UG" content=theirs model=att-openai "remove=$HASH")"
check "  ... saying so" grep -q 'role="alert">The form names a file this message does not have' "$TMP/body"
expect_eq "an edit of another user's message with files, from one's own chat, is 404" 404 \
	"$(CSRF_PAGE=/chat/$G post "$B" "/chat/$G/edit" "m=$UF" content=theirs model=att-openai)"
expect_eq "  ... and from theirs" 404 \
	"$(CSRF_PAGE=/chat/$G post "$B" "/chat/$F/edit" "m=$UF" content=theirs model=att-openai)"
expect_eq "  ... nothing was taken: no file in the forger's chat" 0 "$(files_in "$G")"
expect_eq "  ... and the owner's message keeps its own" 1 "$(files_in "$F")"

done_testing
