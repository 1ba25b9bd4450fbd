#!/usr/bin/env bash
# The chat list: 50 chats grouped by day in a time zone far from UTC,
# pinned first, search, pages, rename, pin, delete.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
TZNAME=Pacific/Kiritimati   # UTC+14: "today" here is often "tomorrow" in UTC
EMAIL=$(new_email)
signup "$A" "$EMAIL" 'password one' "$TZNAME" >/dev/null
UID_A=$(sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email = '$EMAIL'")

for i in $(seq 1 50); do
	id=$(new_chat "$A" "Chat number $i")
	echo "$id" >>"$TMP/ids"
done
expect_eq "50 chats were created through POST /chats" 50 "$(sort -u "$TMP/ids" | grep -c .)"

# Spread them over time, relative to now: the test computes the expected
# groups itself, with Python's zoneinfo, not with confab's code.
now_ms=$(( $(date +%s) * 1000 ))
i=0
while read -r id; do
	i=$((i + 1))
	# hours back: 0..49 spread to reach past 7 days for some
	back_h=$(( (i * i * 7) % (24 * 12) ))
	sqlite3 "$DATA/data.db" "UPDATE chats SET updated_at = $now_ms - $back_h * 3600000 - $i WHERE id = '$id'"
done <"$TMP/ids"
pin_id=$(sed -n 7p "$TMP/ids")
expect_eq "pin a chat" 303 "$(post "$A" "/chats/$pin_id/pin" pinned=1)"

expect_eq "the list loads" 200 "$(http "$A" GET /chats)"
sqlite3 -separator ' ' "$DATA/data.db" \
	"SELECT id, updated_at, pinned FROM chats WHERE user_id = '$UID_A'" >"$TMP/rows"
python3 - "$TMP/rows" "$TMP/body" "$TZNAME" "$now_ms" <<'PY' >"$TMP/verdict"
import sys, re, datetime, zoneinfo
rows = [l.split() for l in open(sys.argv[1])]
html = open(sys.argv[2]).read()
tz = zoneinfo.ZoneInfo(sys.argv[3])
now = datetime.datetime.fromtimestamp(int(sys.argv[4]) / 1000, tz)
today = now.date()
def group(ms, pinned):
    if pinned == "1":
        return "Pinned"
    d = datetime.datetime.fromtimestamp(int(ms) / 1000, tz).date()
    if d == today: return "Today"
    if d == today - datetime.timedelta(days=1): return "Yesterday"
    if d >= today - datetime.timedelta(days=7): return "Previous 7 days"
    return "Older"
order = ["Pinned", "Today", "Yesterday", "Previous 7 days", "Older"]
rows.sort(key=lambda r: (-int(r[2]), -int(r[1])))
expected = []
for cid, ms, pinned in rows:
    g = group(ms, pinned)
    if not expected or expected[-1][0] != g:
        expected.append((g, []))
    expected[-1][1].append(cid)
# What the page shows: section data-group="G" ... ids c-ID, in order.
actual = []
for m in re.finditer(r'<section class="group" data-group="([^"]+)">(.*?)</section>', html, re.S):
    actual.append((m.group(1), re.findall(r'id="c-([0-9a-f-]{36})"', m.group(2))))
print("groups", [g for g, _ in expected] == [g for g, _ in actual],
      [g for g, _ in expected], [g for g, _ in actual])
print("members", expected == actual)
print("order", [g for g, _ in actual] == [g for g in order if g in [x for x, _ in actual]])
print("count", sum(len(c) for _, c in actual))
PY
check "the groups are Pinned, Today, Yesterday, Previous 7 days, Older as the user's zone has them" \
	grep -q '^groups True' "$TMP/verdict"
check "  ... each chat in its group, newest first" grep -q '^members True' "$TMP/verdict"
check "  ... in that order" grep -q '^order True' "$TMP/verdict"
expect_eq "  ... all 50 on the first page" "count 50" "$(grep '^count' "$TMP/verdict")"
grep -v True "$TMP/verdict" | grep -v '^count' | sed 's/^/#   /'

new_chat "$A" "Chat number 51" >/dev/null
http "$A" GET /chats >/dev/null
expect_eq "a 51st chat moves one to page 2" 50 "$(grep -c 'class="chat-row"' "$TMP/body")"
check "  ... with a link to it" grep -q 'href="/chats?page=2"' "$TMP/body"
expect_eq "page 2 loads" 200 "$(http "$A" GET '/chats?page=2')"
expect_eq "  ... with the remaining chat" 1 "$(grep -c 'class="chat-row"' "$TMP/body")"
expect_eq "a page number that is not a number is 400" 400 "$(http "$A" GET '/chats?page=abc')"

http "$A" GET '/chats?q=number%205' >/dev/null
expect_eq "search finds the titles that contain the words" \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM chats WHERE user_id = '$UID_A' AND title LIKE '%number 5%'")" \
	"$(grep -c 'class="chat-row"' "$TMP/body")"
http "$A" GET '/chats?q=NUMBER%2042' >/dev/null
check "search ignores case" grep -q '>Chat number 42<' "$TMP/body"
http "$A" GET '/chats?q=%25' >/dev/null
check "a search for % matches literally, not everything" grep -q 'No chat titles contain' "$TMP/body"

cid=$(sed -n 3p "$TMP/ids")
expect_eq "rename a chat" 303 "$(post "$A" "/chats/$cid/rename" 'title=Renamed <b>&</b> "chat"')"
http "$A" GET /chats >/dev/null
check "  ... the list shows the new title, escaped" \
	grep -q '>Renamed &lt;b&gt;&amp;&lt;/b&gt; &quot;chat&quot;</a>' "$TMP/body"
check "  ... and a notice" grep -q 'role="status">Chat renamed.' "$TMP/body"
expect_eq "an empty new title is refused" 400 "$(post "$A" "/chats/$cid/rename" 'title=')"
expect_eq "rename from the chat page returns there" 303 \
	"$(post "$A" "/chats/$cid/rename" 'title=Back again' "back=/chat/$cid")"
expect_eq "  ... to the chat" "$BASE/chat/$cid" "$(header Location)"

expect_eq "unpin" 303 "$(post "$A" "/chats/$pin_id/pin" pinned=0)"
http "$A" GET /chats >/dev/null
check "  ... and no Pinned group remains" bash -c "! grep -q 'data-group=\"Pinned\"' '$TMP/body'"
expect_eq "a pin value other than 0 or 1 is 400" 400 "$(post "$A" "/chats/$pin_id/pin" pinned=yes)"

# Delete moves to the trash (t_trash.sh has the rest).
expect_eq "delete a chat, confirmed" 303 "$(post "$A" "/chats/$cid/delete" confirm=1)"
http "$A" GET "$(header Location | sed "s|^$BASE||")" >/dev/null
check "  ... with a notice offering Undo" grep -q 'role="status">Moved “Back again” to the trash.' "$TMP/body"
expect_eq "  ... it is gone from its page" 404 "$(http "$A" GET "/chat/$cid")"
expect_eq "  ... and kept in the trash" 1 \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM chats WHERE id = '$cid' AND deleted_at IS NOT NULL")"

http "$A" GET "/chat/$(sed -n 10p "$TMP/ids")" >/dev/null
check "the sidebar lists recent chats and marks the open one" grep -q 'aria-current="page"' "$TMP/body"
check "a new chat appears in the sidebar" grep -q '>Chat number 51</a>' "$TMP/body"

done_testing
