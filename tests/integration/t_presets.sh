#!/usr/bin/env bash
# Prompt components and presets (docs/DATA-MODEL.md): the starter set, validation
# bounds, another user's ids, SET NULL on delete, switching presets on a
# chat and its history, the composed system prompt as the provider
# simulator received it, plan limits, and the pages in tidy and w3m.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
EMAIL_A=$(new_email)
signup "$A" "$EMAIL_A" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
UID_A=$(sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email = '$EMAIL_A'")
q() { sqlite3 "$DATA/data.db" "$1"; }

tidy_ok() {
	tidy -q -e -utf8 --warn-proprietary-attributes no "$1" >"$TMP/tidy.out" 2>&1 && return 0
	sed 's/^/#   /' "$TMP/tidy.out" | head -10
	return 1
}
# valid PATH: the last body is valid HTML.
valid() { cp "$TMP/body" "$TMP/page.html"; check "$1 is valid HTML" tidy_ok "$TMP/page.html"; }
dump() { w3m -dump -T text/html -I UTF-8 -O UTF-8 -cols 120 "$TMP/body" >"$TMP/dump"; }
has() { grep -qF -- "$2" "$1"; }
# repeat N CHAR: a string of N characters.
repeat() { python3 -c 'import sys; print(sys.argv[2] * int(sys.argv[1]), end="")' "$1" "$2"; }

# --- the starter set, given on the first visit
expect_eq "the presets page loads" 200 "$(http "$A" GET /presets)"
valid /presets
check "  ... with the starter preset" grep -q '>Explain simply</a>' "$TMP/body"
check "  ... showing its four components" grep -q '<dt>Role</dt><dd><a href="/presets/components/[0-9a-f-]*">Patient teacher</a></dd>' "$TMP/body"
check "  ... and every form has the csrf field" \
	test "$(grep -c '<form method="post"' "$TMP/body")" -eq "$(grep -c 'name="csrf"' "$TMP/body")"
STARTERS=$(q "SELECT count(*) FROM components WHERE user_id = '$UID_A'")
check "a new account has a starter set of components ($STARTERS)" test "$STARTERS" -ge 4
expect_eq "  ... of every type" 4 "$(q "SELECT count(DISTINCT type) FROM components WHERE user_id = '$UID_A'")"
http "$A" GET /presets >/dev/null
expect_eq "  ... given once" "$STARTERS" "$(q "SELECT count(*) FROM components WHERE user_id = '$UID_A'")"
dump
check "w3m shows the presets page with its tabs" has "$TMP/dump" 'Components'
check "  ... and the preset's components" has "$TMP/dump" 'Patient teacher'
check "the sidebar links to the presets" grep -q '<a href="/presets">Presets</a>' "$TMP/body"

expect_eq "the components page loads" 200 "$(http "$A" GET /presets/components)"
valid /presets/components
dump
check "w3m shows a starter component with its type" grep -q 'Patient teacher.*Role' "$TMP/dump"
expect_eq "a starter component can be deleted" 303 \
	"$(post "$A" "/presets/components/$(q "SELECT id FROM components WHERE user_id = '$UID_A' AND name = 'Brainstorm'")/delete")"
http "$A" GET /presets/components >/dev/null
check "  ... and is gone from the list" bash -c "! grep -q '>Brainstorm</a>' '$TMP/body'"

expect_eq "the new-component form loads" 200 "$(http "$A" GET '/presets/components/new?type=style')"
valid /presets/components/new
check "  ... with the type asked for chosen" grep -q '<option value="style" selected>Style</option>' "$TMP/body"

# --- validation bounds (store_component.h: name 1-100, content 1-5000, description 0-500)
comp() { # JAR type name content [description [tags]]: prints the status
	post "$1" /presets/components "type=$2" "name=$3" "content=$4" "description=${5:-}" "tags=${6:-}"
}
N100=$(repeat 100 n) N101=$(repeat 101 n) C5000=$(repeat 5000 c) C5001=$(repeat 5001 c)
D500=$(repeat 500 d) D501=$(repeat 501 d)
expect_eq "a name of 100 characters is accepted" 303 "$(comp "$A" role "$N100" 'x')"
expect_eq "  ... and back to the list of its type" "$BASE/presets/components?type=role" "$(header Location)"
expect_eq "a name of 100 multi-byte characters is accepted" 303 "$(comp "$A" role "$(repeat 100 é)" 'x')"
expect_eq "a name of 101 characters is refused (400)" 400 "$(comp "$A" role "$N101" 'The content I typed')"
check "  ... saying why, in role=alert" grep -q 'role="alert">Name must be at most 100 characters.' "$TMP/body"
check "  ... keeping the content typed" grep -q '>The content I typed</textarea>' "$TMP/body"
check "  ... and the name typed" grep -q "value=\"$N101\"" "$TMP/body"
valid "the 400 component form"
expect_eq "an empty name is refused" 400 "$(comp "$A" role '' 'x')"
expect_eq "a name of spaces only is refused" 400 "$(comp "$A" role '   ' 'x')"
expect_eq "content of 5000 characters is accepted" 303 "$(comp "$A" context 'Long context' "$C5000")"
expect_eq "content of 5001 characters is refused" 400 "$(comp "$A" context 'Too long' "$C5001")"
check "  ... saying why" grep -q 'role="alert">Content must be at most 5000 characters.' "$TMP/body"
expect_eq "empty content is refused" 400 "$(comp "$A" context 'Empty' '')"
expect_eq "a description of 500 characters is accepted" 303 "$(comp "$A" mode 'Described' 'x' "$D500")"
expect_eq "a description of 501 characters is refused" 400 "$(comp "$A" mode 'Described' 'x' "$D501")"
expect_eq "a type outside the four is refused" 400 "$(comp "$A" tone 'Tone' 'x')"
expect_eq "eleven tags are refused" 400 "$(comp "$A" style 'Tagged' 'x' '' 'a,b,c,d,e,f,g,h,i,j,k')"
check "  ... saying why" grep -q 'role="alert">Tags: at most 10' "$TMP/body"
expect_eq "a POST without the csrf field is 403" 403 \
	"$(http "$A" POST /presets/components --data-urlencode type=role --data-urlencode name=x --data-urlencode content=y)"

# --- our own components for the presets below
expect_eq "create a role with tags" 303 "$(comp "$A" role 'Pirate' 'You are a pirate.' 'Arr' 'Fun, Voice')"
ROLE=$(q "SELECT id FROM components WHERE user_id = '$UID_A' AND name = 'Pirate'")
comp "$A" context 'Ship' 'We are on a ship.' >/dev/null
CONTEXT=$(q "SELECT id FROM components WHERE user_id = '$UID_A' AND name = 'Ship'")
comp "$A" style 'Shouty' 'WRITE IN CAPITALS.' '' 'voice' >/dev/null
STYLE=$(q "SELECT id FROM components WHERE user_id = '$UID_A' AND name = 'Shouty'")
comp "$A" mode 'Listy' 'Answer as a list.' >/dev/null
MODE=$(q "SELECT id FROM components WHERE user_id = '$UID_A' AND name = 'Listy'")
expect_eq "tags are stored normalised" "fun,voice" "$(q "SELECT tags FROM components WHERE id = '$ROLE'")"

http "$A" GET '/presets/components?type=role' >/dev/null
check "listing by type shows the roles" grep -q '>Pirate</a>' "$TMP/body"
check "  ... and not the styles" bash -c "! grep -q '>Shouty</a>' '$TMP/body'"
http "$A" GET '/presets/components?tag=voice' >/dev/null
expect_eq "a tag lists exactly the components with it" 2 "$(grep -c 'class="card"' "$TMP/body")"
check "  ... linked from each tag" grep -q 'href="/presets/components?tag=voice"' "$TMP/body"
http "$A" GET '/presets/components?q=PIRA' >/dev/null
expect_eq "search finds names, any case" 1 "$(grep -c 'class="card"' "$TMP/body")"
http "$A" GET '/presets/components?q=fun' >/dev/null
check "search finds tags" grep -q '>Pirate</a>' "$TMP/body"
http "$A" GET '/presets/components?q=%25' >/dev/null
check "a search for % matches literally" grep -q 'No components match.' "$TMP/body"
expect_eq "an unknown sort is 400" 400 "$(http "$A" GET '/presets/components?sort=best')"
q "UPDATE components SET usage_count = 50 WHERE id = '$MODE'"
http "$A" GET '/presets/components?sort=used' >/dev/null
check "sorted by most used, the most used comes first" \
	grep -q "id=\"c-$MODE\"" <<<"$(grep -o 'id="c-[0-9a-f-]*"' "$TMP/body" | head -1)"
q "UPDATE components SET usage_count = 0 WHERE id = '$MODE'"
q "UPDATE components SET last_used_at = 9999999999999 WHERE id = '$STYLE'"
http "$A" GET '/presets/components?sort=recent' >/dev/null
check "sorted by recent use, the latest comes first" \
	grep -q "id=\"c-$STYLE\"" <<<"$(grep -o 'id="c-[0-9a-f-]*"' "$TMP/body" | head -1)"
q "UPDATE components SET last_used_at = NULL WHERE id = '$STYLE'"

expect_eq "the edit form loads" 200 "$(http "$A" GET "/presets/components/$ROLE")"
valid "the component edit form"
check "  ... with the tags as typed" grep -q 'value="fun, voice"' "$TMP/body"
expect_eq "edit a component" 303 "$(post "$A" "/presets/components/$ROLE" 'name=Pirate' 'content=You are a pirate captain.' 'tags=fun')"
expect_eq "  ... saved" "You are a pirate captain." "$(q "SELECT content FROM components WHERE id = '$ROLE'")"
expect_eq "an edit with a name too long is 400" 400 "$(post "$A" "/presets/components/$ROLE" "name=$N101" 'content=kept')"
check "  ... keeping what was typed" grep -q '>kept</textarea>' "$TMP/body"

# --- another user's component ids
expect_eq "another user's component: the edit form is 404" 404 "$(http "$B" GET "/presets/components/$ROLE")"
expect_eq "  ... editing it is 404" 404 "$(post "$B" "/presets/components/$ROLE" 'name=Mine' 'content=now')"
expect_eq "  ... deleting it is 404" 404 "$(post "$B" "/presets/components/$ROLE/delete")"
expect_eq "  ... and it is unchanged" "Pirate" "$(q "SELECT name FROM components WHERE id = '$ROLE'")"
expect_eq "a component id that is not a UUID is 404" 404 "$(http "$A" GET /presets/components/nope)"

# --- presets
expect_eq "the new-preset form loads" 200 "$(http "$A" GET /presets/new)"
valid /presets/new
check "  ... with a select per type" test "$(grep -c '<select id="slot-' "$TMP/body")" -eq 4
expect_eq "a preset with no component is refused" 400 "$(post "$A" /presets 'name=Empty' 'description=kept words')"
check "  ... saying why" grep -q 'role="alert">Choose at least one component' "$TMP/body"
check "  ... keeping the description" grep -q '>kept words</textarea>' "$TMP/body"
B_UID=$(sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email != '$EMAIL_A' ORDER BY created_at DESC LIMIT 1")
http "$B" GET /presets >/dev/null   # B's starter set
B_ROLE=$(q "SELECT id FROM components WHERE user_id = '$B_UID' AND type = 'role' LIMIT 1")
check "B has components of its own" test -n "$B_ROLE"
expect_eq "a preset with another user's component is refused" 400 "$(post "$A" /presets 'name=Stolen' "role=$B_ROLE")"
check "  ... saying so" grep -q 'role="alert">The role you chose is not one of your role components' "$TMP/body"
expect_eq "  ... and nothing is saved" 0 "$(q "SELECT count(*) FROM presets WHERE name = 'Stolen'")"
expect_eq "a component in the wrong slot is refused" 400 "$(post "$A" /presets 'name=Wrong' "role=$MODE")"
expect_eq "a preset name of 101 characters is refused" 400 "$(post "$A" /presets "name=$N101" "role=$ROLE")"
expect_eq "a preset description of 501 characters is refused" 400 "$(post "$A" /presets 'name=D' "description=$D501" "role=$ROLE")"
expect_eq "create a preset of all four" 303 \
	"$(post "$A" /presets 'name=Full pirate' 'description=Everything' "role=$ROLE" "context=$CONTEXT" "style=$STYLE" "mode=$MODE")"
P_FULL=$(q "SELECT id FROM presets WHERE user_id = '$UID_A' AND name = 'Full pirate'")
expect_eq "create a preset of role and mode" 303 "$(post "$A" /presets "name=Role and mode" "role=$ROLE" "mode=$MODE")"
P_RM=$(q "SELECT id FROM presets WHERE user_id = '$UID_A' AND name = 'Role and mode'")
expect_eq "the edit form loads" 200 "$(http "$A" GET "/presets/$P_FULL")"
valid "the preset edit form"
check "  ... with its components chosen" grep -q "<option value=\"$STYLE\" selected>Shouty</option>" "$TMP/body"
expect_eq "another user's preset: the edit form is 404" 404 "$(http "$B" GET "/presets/$P_FULL")"
expect_eq "  ... saving it is 404" 404 "$(post "$B" "/presets/$P_FULL" 'name=Mine' "role=$B_ROLE")"
expect_eq "  ... deleting it is 404" 404 "$(post "$B" "/presets/$P_FULL/delete")"
expect_eq "  ... starting a chat with it is 404" 404 "$(post "$B" "/presets/$P_FULL/chat")"

# --- a chat with a preset: the prompt the simulator receives
expect_eq "start a chat from a preset" 303 "$(post "$A" "/presets/$P_FULL/chat")"
CID=$(header Location | sed 's#.*/chat/##; s/#.*//')
check "  ... to the new chat" grep -Eq '^[0-9a-f-]{36}$' <<<"$CID"
I5000=$(repeat 5000 i)
expect_eq "instructions of 5000 characters are accepted" 303 "$(post "$A" "/chat/$CID/instructions" "instructions=$I5000")"
expect_eq "instructions of 5001 characters are refused (400)" 400 "$(post "$A" "/chat/$CID/instructions" "instructions=${I5000}j")"
check "  ... saying why" grep -q 'role="alert">Instructions must be at most 5000 characters.' "$TMP/body"
check "  ... keeping what was typed" grep -q ">${I5000}j</textarea>" "$TMP/body"
valid "the 400 instructions page"
expect_eq "another user setting this chat's instructions is 404" 404 "$(post "$B" "/chat/$CID/instructions" 'instructions=Mine')"
expect_eq "set the chat's own instructions" 303 "$(post "$A" "/chat/$CID/instructions" 'instructions=Chat rule.')"
expect_eq "  ... stored" "Chat rule." "$(q "SELECT system_prompt FROM chats WHERE id = '$CID'")"
expect_eq "the chat page loads" 200 "$(http "$A" GET "/chat/$CID")"
valid "the chat page with a preset"
check "  ... showing the active preset" grep -q 'Preset: <strong>Full pirate</strong>' "$TMP/body"
dump
check "w3m shows the active preset" has "$TMP/dump" 'Preset: Full pirate'
expect_eq "the chat's settings page loads" 200 "$(http "$A" GET "/chat/$CID/settings")"
valid "the chat settings page with a preset"
check "  ... chosen in its picker" grep -q "<option value=\"$P_FULL\" selected>Full pirate</option>" "$TMP/body"
check "  ... and the chat's instructions in their form" grep -q '>Chat rule.</textarea>' "$TMP/body"
dump
check "  ... and the preset history" has "$TMP/dump" 'Preset history'
expect_eq "send with the system-prompt echo model" 303 "$(send "$A" "$CID" 'Ahoy?' sim-system)"
MID=$(last_reply "$CID")
expect_eq "  ... the reply completes" done "$(wait_reply "$MID")"
expect_eq "the simulator received role, context, style, mode, then the chat's prompt" \
	"$(printf 'You are a pirate captain.\n\nWe are on a ship.\n\nWRITE IN CAPITALS.\n\nAnswer as a list.\n\nChat rule.')" \
	"$(msg_field "$MID" content)"

# --- switching presets between messages; the history
expect_eq "switch to the role-and-mode preset" 303 "$(post "$A" "/chat/$CID/preset" "preset=$P_RM")"
expect_eq "  ... back to the chat" "$BASE/chat/$CID" "$(header Location)"
http "$A" GET "/chat/$CID" >/dev/null
check "  ... with a notice" grep -q 'role="status">This chat now uses the preset “Role and mode”.' "$TMP/body"
send "$A" "$CID" 'And now?' sim-system >/dev/null
MID=$(last_reply "$CID")
wait_reply "$MID" >/dev/null
expect_eq "  ... the next request gets the new prompt" \
	"$(printf 'You are a pirate captain.\n\nAnswer as a list.\n\nChat rule.')" "$(msg_field "$MID" content)"
expect_eq "take the preset off" 303 "$(post "$A" "/chat/$CID/preset" 'preset=')"
send "$A" "$CID" 'Plain?' sim-system >/dev/null
MID=$(last_reply "$CID")
wait_reply "$MID" >/dev/null
expect_eq "  ... the next request gets only the chat's prompt" "Chat rule." "$(msg_field "$MID" content)"
expect_eq "switch back to the full preset" 303 "$(post "$A" "/chat/$CID/preset" "preset=$P_FULL")"
expect_eq "choosing the current preset again changes nothing" 303 "$(post "$A" "/chat/$CID/preset" "preset=$P_FULL")"
expect_eq "the chat records its current preset" "$P_FULL" "$(q "SELECT preset_id FROM chats WHERE id = '$CID'")"
expect_eq "the history has every switch, in order" \
	"$P_FULL|Full pirate,$P_RM|Role and mode,|,$P_FULL|Full pirate" \
	"$(q "SELECT group_concat(coalesce(preset_id, '') || '|' || preset_name, ',') FROM (SELECT * FROM chat_preset_history WHERE chat_id = '$CID' ORDER BY id)")"
check "  ... each with a time" test "$(q "SELECT count(*) FROM chat_preset_history WHERE chat_id = '$CID' AND changed_at > 0")" -eq 4
http "$A" GET "/chat/$CID/settings" >/dev/null
valid "the chat settings page with a preset history"
dump
python3 - "$TMP/dump" <<'PY' >"$TMP/verdict"
import re, sys
text = open(sys.argv[1]).read()
i = text.find("Preset history")
rows = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d (.+)", text[i:])
print(rows[:4] == ["Full pirate", "No preset", "Role and mode", "Full pirate"], rows[:4])
PY
check "w3m shows the history, newest first, with times" grep -q '^True' "$TMP/verdict"
sed 's/^/#   /' "$TMP/verdict"
expect_eq "usage: the full preset counted twice" 2 "$(q "SELECT usage_count FROM presets WHERE id = '$P_FULL'")"
expect_eq "  ... the other once" 1 "$(q "SELECT usage_count FROM presets WHERE id = '$P_RM'")"
expect_eq "  ... the role in both, three times" 3 "$(q "SELECT usage_count FROM components WHERE id = '$ROLE'")"
expect_eq "  ... the style twice" 2 "$(q "SELECT usage_count FROM components WHERE id = '$STYLE'")"
check "  ... with a last-used time" test "$(q "SELECT last_used_at FROM presets WHERE id = '$P_FULL'")" -gt 0
http "$A" GET '/presets?sort=used' >/dev/null
check "the presets sorted by most used: the full preset first" \
	grep -q "id=\"p-$P_FULL\"" <<<"$(grep -o 'id="p-[0-9a-f-]*"' "$TMP/body" | head -1)"
check "  ... saying how often" grep -q 'Used 2 times, last' "$TMP/body"

expect_eq "another user switching this chat's preset is 404" 404 "$(post "$B" "/chat/$CID/preset" 'preset=')"
B_PRESET=$(q "SELECT id FROM presets WHERE user_id = '$B_UID' LIMIT 1")
expect_eq "another user's preset on my chat is 404" 404 "$(post "$A" "/chat/$CID/preset" "preset=$B_PRESET")"
expect_eq "  ... and the chat keeps its preset" "$P_FULL" "$(q "SELECT preset_id FROM chats WHERE id = '$CID'")"
expect_eq "a preset id that is not a UUID is 400" 400 "$(post "$A" "/chat/$CID/preset" 'preset=nope')"

# --- deleting a component: SET NULL, the preset marked incomplete
expect_eq "delete the style component" 303 "$(post "$A" "/presets/components/$STYLE/delete")"
http "$A" GET /presets/components >/dev/null
check "  ... the notice says a preset is now incomplete" grep -q 'role="status">Component deleted. 1 preset that used it is now incomplete' "$TMP/body"
expect_eq "the preset is still there" 1 "$(q "SELECT count(*) FROM presets WHERE id = '$P_FULL'")"
expect_eq "  ... its style slot emptied" "" "$(q "SELECT style_id FROM presets WHERE id = '$P_FULL'")"
expect_eq "  ... the others kept" "$ROLE|$CONTEXT|$MODE" "$(q "SELECT role_id || '|' || context_id || '|' || mode_id FROM presets WHERE id = '$P_FULL'")"
http "$A" GET /presets >/dev/null
valid "the presets page with an incomplete preset"
check "the list warns it is incomplete" grep -q 'class="warning">Incomplete: a component it used was deleted' "$TMP/body"
http "$A" GET "/presets/$P_FULL" >/dev/null
check "the edit form says which slot lost its component" grep -q 'class="warning">The style component of this preset was deleted' "$TMP/body"
http "$A" GET "/chat/$CID/settings" >/dev/null
check "the chat's settings page warns too" grep -q 'class="warning">“Full pirate” is incomplete: its style component was deleted' "$TMP/body"
valid "the chat page with an incomplete preset"
send "$A" "$CID" 'Still?' sim-system >/dev/null
MID=$(last_reply "$CID")
wait_reply "$MID" >/dev/null
expect_eq "  ... and the prompt is composed from what is left" \
	"$(printf 'You are a pirate captain.\n\nWe are on a ship.\n\nAnswer as a list.\n\nChat rule.')" "$(msg_field "$MID" content)"
comp "$A" style 'Calm' 'Write calmly.' >/dev/null
CALM=$(q "SELECT id FROM components WHERE user_id = '$UID_A' AND name = 'Calm'")
expect_eq "give it a new style" 303 \
	"$(post "$A" "/presets/$P_FULL" 'name=Full pirate' "role=$ROLE" "context=$CONTEXT" "style=$CALM" "mode=$MODE")"
http "$A" GET /presets >/dev/null
check "  ... and it is complete again" bash -c "! grep -q 'class=\"warning\"' '$TMP/body'"

# --- the new-chat page offers the presets
expect_eq "the new-chat page loads" 200 "$(http "$A" GET /chat/new)"
valid /chat/new
check "  ... with a start-with-a-preset form" grep -q '<form method="post" action="/presets/start"' "$TMP/body"
expect_eq "start from it" 303 "$(post "$A" /presets/start "preset=$P_RM")"
CID2=$(header Location | sed 's#.*/chat/##; s/#.*//')
expect_eq "  ... a chat with that preset" "$P_RM" "$(q "SELECT preset_id FROM chats WHERE id = '$CID2'")"
expect_eq "  ... another user's preset is 404" 404 "$(post "$A" /presets/start "preset=$B_PRESET")"

# --- plan limits ([plan.tiny] in the test config: 1 preset, 2 components)
PLAN=tiny
sqlite3 "$DATA/user.db" "UPDATE users SET plan = '$PLAN' WHERE id = '$UID_A'"
expect_eq "at the plan's component limit, a new one is refused (402)" 402 "$(comp "$A" role 'One more' 'typed text')"
check "  ... saying so" grep -q 'role="alert">Your plan allows 2 components' "$TMP/body"
check "  ... keeping what was typed" grep -q '>typed text</textarea>' "$TMP/body"
expect_eq "at the plan's preset limit, a new one is refused (402)" 402 "$(post "$A" /presets 'name=Over' "role=$ROLE")"
check "  ... saying so" grep -q 'role="alert">Your plan allows 1 presets' "$TMP/body"
expect_eq "  ... editing an existing one still works" 303 "$(post "$A" "/presets/$P_RM" 'name=Role and mode' "role=$ROLE")"
sqlite3 "$DATA/user.db" "UPDATE users SET plan = 'free' WHERE id = '$UID_A'"

# --- deleting a preset
expect_eq "delete a preset" 303 "$(post "$A" "/presets/$P_FULL/delete")"
expect_eq "  ... the chat that used it has none" "" "$(q "SELECT preset_id FROM chats WHERE id = '$CID'")"
expect_eq "  ... and keeps its history" 4 "$(q "SELECT count(*) FROM chat_preset_history WHERE chat_id = '$CID'")"
expect_eq "signed out, the presets page sends you to sign in" 303 "$(http "$TMP/anon.jar" GET /presets)"

done_testing
