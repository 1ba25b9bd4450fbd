#!/usr/bin/env bash
# The dashboard (README "Dashboard"): every figure of /dashboard and /dashboard.json
# equals what the usage log says (dash_expect.py computes it apart), ratings
# only on one's own replies, request analytics chosen or derived, the page
# valid HTML and readable in w3m, the administrator's view for admins only.
. "$(dirname "$0")/lib.sh"
HERE=$(dirname "$0")
A=$TMP/a.jar B=$TMP/b.jar C=$TMP/c.jar
EA=$(new_email) EB=$(new_email) EC=$(new_email)
signup "$A" "$EA" 'password one' Asia/Kolkata >/dev/null
signup "$B" "$EB" 'password two' >/dev/null
signup "$C" "$EC" 'password three' >/dev/null
uid() { sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email = '$1'"; }
UA=$(uid "$EA") UB=$(uid "$EB") UC=$(uid "$EC")
sqlite3 "$DATA/user.db" "UPDATE users SET is_admin = 0 WHERE id IN ('$UA', '$UB'); UPDATE users SET is_admin = 1 WHERE id = '$UC'"

expect_eq "signed out, /dashboard sends to sign in" 303 "$(http "$TMP/anon.jar" GET /dashboard)"
expect_eq "a new account's dashboard answers" 200 "$(http "$A" GET /dashboard)"
check "an empty dashboard says so" grep -q 'No requests yet' "$TMP/body"

# Real replies through the worker: priced, free, failing; one with the
# request's type and category chosen on the composer.
CID=$(new_chat "$A")
send "$A" "$CID" 'Write a Python function that adds two numbers' sim >/dev/null
R1=$(last_reply "$CID"); wait_reply "$R1" >/dev/null
send "$A" "$CID" 'Hello there' sim-fast >/dev/null
R2=$(last_reply "$CID"); wait_reply "$R2" >/dev/null
send "$A" "$CID" 'This one fails' sim-500 >/dev/null
R3=$(last_reply "$CID"); wait_reply "$R3" 30 >/dev/null
token=$(csrf_for "$A" "/chat/$CID")
http "$A" POST "/chat/$CID" --data-urlencode "csrf=$token" --data-urlencode 'content=Tell me a story' \
	--data-urlencode model=sim --data-urlencode request_type=analysis \
	--data-urlencode category=business --data-urlencode complexity=high >/dev/null
R4=$(last_reply "$CID"); wait_reply "$R4" >/dev/null
ra() { sqlite3 "$DATA/data.db" "SELECT request_type || '/' || category || '/' || complexity || '/' || chosen FROM request_analytics WHERE message_id = '$1'"; }
expect_eq "analytics derived from the prompt (code, programming, low)" "code_generation/programming/low/0" "$(ra "$R1")"
expect_eq "analytics derived for small talk" "chat/general/low/0" "$(ra "$R2")"
expect_eq "analytics chosen on the composer are kept" "analysis/business/high/1" "$(ra "$R4")"
expect_eq "a bad category is refused" 400 "$(http "$A" POST "/chat/$CID" --data-urlencode "csrf=$token" --data-urlencode content=x --data-urlencode category=nft)"
expect_eq "the worker's usage rows carry time to first token" \
	"$(msg_field "$R1" ttft_ms)" "$(sqlite3 "$DATA/data.db" "SELECT ttft_ms FROM usage_logs WHERE message_id = '$R1'")"

# History: 300 rows spread over 40 days (some in today's early hours in
# Kolkata), every status, titles; written straight into the usage log, as
# any writer would, so the triggers keep the rollups.
python3 - "$UA" "$(date +%s%3N)" <<'PY' | sqlite3 "$DATA/data.db"
import sys, random, uuid
uid, now = sys.argv[1], int(sys.argv[2])
random.seed(7)
print("BEGIN;")
for i in range(300):
    t = now - random.randrange(0, 40 * 86400000)
    typ = "title" if i % 10 == 0 else "chat"
    st = random.choice(["success", "success", "success", "error", "cached", "throttled"])
    model = random.choice(["sim", "sim-fast", "sim-lorem", "gone-model"])
    dur = "NULL" if i % 13 == 0 else str(random.randrange(100, 5000))
    print(f"INSERT INTO usage_logs (id, user_id, type, model, tokens_in, tokens_out, cost, status, duration_ms, created_at) "
          f"VALUES ('{uuid.uuid4()}', '{uid}', '{typ}', '{model}', {random.randrange(0, 900)}, {random.randrange(0, 900)}, "
          f"{random.randrange(0, 50000)}, '{st}', {dur}, {t});")
print("COMMIT;")
PY

# Ratings: one's own ended replies only.
rate() { CSRF_PAGE="/chat/$CID" post "$1" /ratings "m=$2" "${@:3}"; }
expect_eq "rate a reply 4 stars" 303 "$(rate "$A" "$R1" rating=4)"
check "back to the reply's rating page" grep -qi "^location: $BASE/ratings?m=$R1" "$TMP/headers"
expect_eq "thumbs up" 303 "$(rate "$A" "$R1" vote=1)"
check "  ... back to the reply on its chat page (?at=, the window holding it)" grep -qi "^location: $BASE/chat/$CID?at=$R1" "$TMP/headers"
expect_eq "rating and vote stored" "4|1" "$(sqlite3 "$DATA/data.db" "SELECT user_rating || '|' || vote FROM request_analytics WHERE message_id = '$R1'")"
rate "$A" "$R2" rating=2 vote=-1 >/dev/null
rate "$A" "$R4" vote=1 >/dev/null
expect_eq "the same thumb again takes it back" 303 "$(rate "$A" "$R4" vote=1)"
expect_eq "... and the vote is gone" "" "$(sqlite3 "$DATA/data.db" "SELECT vote FROM request_analytics WHERE message_id = '$R4'")"
expect_eq "another user cannot rate my reply (404)" 404 "$(CSRF_PAGE=/chats post "$B" /ratings "m=$R1" rating=1)"
expect_eq "... and my rating is unchanged" 4 "$(sqlite3 "$DATA/data.db" "SELECT user_rating FROM request_analytics WHERE message_id = '$R1'")"
UMSG=$(sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$CID' AND role = 'user' LIMIT 1")
expect_eq "a user message cannot be rated" 404 "$(rate "$A" "$UMSG" rating=5)"
expect_eq "6 stars is refused" 400 "$(rate "$A" "$R1" rating=6)"
check "... saying what is wrong" grep -q 'role="alert">Rating' "$TMP/body"
expect_eq "a rating with nothing chosen is refused" 400 "$(rate "$A" "$R1")"
expect_eq "a rating without the form token is refused" 403 "$(http "$A" POST /ratings --data-urlencode "m=$R1" --data-urlencode rating=3)"
http "$A" GET "/chat/$CID" >/dev/null
check "the chat page marks the thumb given (the script presses it)" \
	grep -q "<li id=\"m-$R1\" data-role=\"assistant\" data-status=\"done\" data-vote=\"up\">" "$TMP/body"
check "  ... and has one Rate replies link, to its newest reply (no link per reply)" \
	test "$(grep -o '<a href="?rate=[0-9]*">Rate replies</a>' "$TMP/body" | wc -l)-$(grep -c 'href="?rate=' "$TMP/body")" = 1-1
check "  ... as buttons of one rating form carrying the page's token once" \
	test "$(grep -o '<form method="post" action="/ratings" id="rate"><input type="hidden" name="csrf"' "$TMP/body" | wc -l)" = 1
check "  ... with no stars on the chat page" sh -c "! grep -q 'name=\"rating\"' '$TMP/body'"
check "  ... and a reply's figures: tokens, time to first token, time and cost" \
	grep -qE '<small>[^<]+ · [0-9]+ in · [0-9]+ out( · first token [0-9]+\.[0-9]{2} s)?( · [0-9]+\.[0-9] s)? · \$[0-9.]+</small>' "$TMP/body"
expect_eq "the rating page answers" 200 "$(http "$A" GET "/ratings?m=$R1")"
check "  ... with its stars, 4 pressed" grep -q '<button type="submit" name="rating" value="4" aria-pressed="true">4 ★</button>' "$TMP/body"
check "  ... and a link to the chat's later reply (the first has no earlier one)" \
	bash -c 'grep -q "<p class=\"walk\"> <a href=\"/ratings?m=$1\" rel=\"next\">Later reply</a></p>" "$2"' _ "$R2" "$TMP/body"
http "$A" GET "/ratings?m=$R2" >/dev/null
check "  ... which links back to the earlier one" grep -q "<a href=\"/ratings?m=$R1\" rel=\"prev\">Earlier reply</a>" "$TMP/body"
# The excerpt quotes a reply's words, not its markdown.
sqlite3 "$DATA/data.db" "UPDATE messages SET content = '## Plan' || char(10) || char(10) || 'Use **bold** and \`x < y\`.' || char(10) || '- [x] done' WHERE id = '$R2'"
http "$A" GET "/ratings?m=$R2" >/dev/null
check "  ... whose excerpt is the reply's text without its markdown" \
	grep -q '<blockquote class="excerpt">Plan Use bold and x &lt; y. done</blockquote>' "$TMP/body"
expect_eq "the chat's Rate replies link leads to its newest reply" "$BASE/ratings?m=$R2" \
	"$(http "$A" GET "/chat/$CID?rate=$(msg_field "$R2" seq)" >/dev/null; header Location)"
expect_eq "  ... and not for another user's reply (404)" 404 "$(http "$B" GET "/ratings?m=$R1")"
expect_eq "  ... nor for a bad id (400)" 400 "$(http "$A" GET "/ratings?m=nope")"
token=$(csrf_for "$A" "/chat/$CID")
expect_eq "the chat page's thumbs down (down=ID)" 303 "$(http "$A" POST /ratings -H "Origin: $BASE" --data-urlencode "csrf=$token" --data-urlencode "down=$R2")"
expect_eq "  ... takes the vote it already had back" "" "$(sqlite3 "$DATA/data.db" "SELECT vote FROM request_analytics WHERE message_id = '$R2'")"
expect_eq "  ... and up=ID votes up" 303 "$(http "$A" POST /ratings -H "Origin: $BASE" --data-urlencode "csrf=$token" --data-urlencode "up=$R2")"
expect_eq "  ... stored" 1 "$(sqlite3 "$DATA/data.db" "SELECT vote FROM request_analytics WHERE message_id = '$R2'")"

# The plan: A on one of 4 requests a day has sent 4 today; B has no limits.
sqlite3 "$DATA/user.db" "UPDATE users SET plan = 'daily' WHERE id = '$UA'"
http "$A" GET /dashboard.json >/dev/null
expect_eq "limits: A's plan, 4 of 4 today, none a month, no more now" "daily 4 4 None False" \
	"$(python3 -c 'import json,sys; l = json.load(open(sys.argv[1]))["limits"]; print(l["planName"], l["dailyUsed"], l["dailyLimit"], l["monthlyLimit"], l["canMakeRequest"])' "$TMP/body")"
http "$A" GET /dashboard >/dev/null
check "the page says no request can be sent now" grep -q 'data-k="can" role="alert">A limit of your plan is reached' "$TMP/body"
check "the page shows today's requests against the plan" grep -q '<tr data-limit="Requests today"><th scope="row">Requests today</th><td>4</td><td>4</td><td>0</td></tr>' "$TMP/body"
http "$B" GET /dashboard.json >/dev/null
expect_eq "limits: B's plan has none, and B can send" "free None True" \
	"$(python3 -c 'import json,sys; l = json.load(open(sys.argv[1]))["limits"]; print(l["planName"], l["dailyLimit"], l["canMakeRequest"])' "$TMP/body")"

# Every figure, against the usage log.
expect_eq "/dashboard.json answers" 200 "$(http "$A" GET /dashboard.json)"
check "... as JSON" grep -qi '^content-type: application/json' "$TMP/headers"
cp "$TMP/body" "$TMP/dash.json"
expect_eq "/dashboard answers" 200 "$(http "$A" GET /dashboard)"
cp "$TMP/body" "$TMP/dash.html"
python3 "$HERE/dash_expect.py" "$DATA" "$UA" Asia/Kolkata "$TMP/dash.json" "$TMP/dash.html" | tap
check "the JSON has the specification's parts" python3 -c '
import json, sys; j = json.load(open(sys.argv[1]))
assert {"user", "metrics", "limits", "performance", "recentRequests", "requestsByCategory"} <= set(j)
assert j["user"]["email"] == sys.argv[2]' "$TMP/dash.json" "$EA"

# Another user sees only their own.
http "$B" GET /dashboard.json >/dev/null
expect_eq "another user's dashboard counts none of mine" 0 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["totalRequests"])' "$TMP/body")"

# Valid HTML, readable in w3m.
tidy_ok() {
	tidy -q -e -utf8 --warn-proprietary-attributes no "$1" >"$TMP/tidy.out" 2>&1 && return 0
	sed 's/^/#   /' "$TMP/tidy.out" | head -10
	return 1
}
check "/dashboard is valid HTML" tidy_ok "$TMP/dash.html"
check "  ... whose note on titles reads right for any count (no \"1 chat titles\")" \
	grep -q 'include the chat titles the model wrote (titles: <span data-k="titles">[0-9]*</span>)' "$TMP/dash.html"
http "$B" GET /dashboard >/dev/null; cp "$TMP/body" "$TMP/empty.html"
check "an empty /dashboard is valid HTML" tidy_ok "$TMP/empty.html"
http "$A" GET "/chat/$CID" >/dev/null; cp "$TMP/body" "$TMP/chat.html"
check "a chat page with rating forms is valid HTML" tidy_ok "$TMP/chat.html"
w3m -dump -T text/html -cols 120 "$TMP/dash.html" >"$TMP/dash.txt"
total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["totalRequests"])' "$TMP/dash.json")
check "w3m shows the total requests under their name" bash -c "grep -A1 '^Requests\$' '$TMP/dash.txt' | grep -q '^ *$total\$'"
check "w3m shows the per-day table" grep -q "^ *$(TZ=Asia/Kolkata date +%Y-%m-%d) " "$TMP/dash.txt"
check "w3m shows the recent requests" grep -q 'Recent requests' "$TMP/dash.txt"
check "the charts are labelled for screen readers" grep -q '<svg class="chart chart-days" viewBox="0 0 600 175" role="img" aria-labelledby="days-title days-desc">' "$TMP/dash.html"
check "the charts use no inline style" bash -c "! grep -q 'style=' '$TMP/dash.html'"

# The administrator's view.
expect_eq "a non-admin gets no admin view" 404 "$(http "$A" GET /dashboard/admin)"
expect_eq "an admin gets the admin view" 200 "$(http "$C" GET /dashboard/admin)"
cp "$TMP/body" "$TMP/admin.html"
check "the admin view is valid HTML" tidy_ok "$TMP/admin.html"
expect_eq "the admin view's per-account requests equal the usage log" \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM usage_logs WHERE user_id = '$UA' AND type = 'chat'")" \
	"$(sed -n "s|.*<tr data-user=\"$UA\"><th scope=\"row\">[^<]*</th><td>\([0-9]*\)</td>.*|\1|p" "$TMP/admin.html")"
expect_eq "the admin view's per-account cost equals the usage log" \
	"$(sqlite3 "$DATA/data.db" "SELECT printf('\$%d.%06d', sum(cost) / 1000000, sum(cost) % 1000000) FROM usage_logs WHERE user_id = '$UA'")" \
	"$(sed -n "s|.*<tr data-user=\"$UA\"><th scope=\"row\">[^<]*</th>\(<td>[^<]*</td>\)\{3\}<td>\([^<]*\)</td>.*|\2|p" "$TMP/admin.html")"
expect_eq "the admin view's instance total equals the usage log" \
	"$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM usage_logs WHERE type = 'chat'")" \
	"$(sed -n 's|.*<dd data-k="requests">\([0-9]*\)</dd>.*|\1|p' "$TMP/admin.html")"
while read -r model n; do
	expect_eq "the admin view's requests for model $model" "$n" \
		"$(sed -n "s|.*<tr data-model=\"$model\"><th scope=\"row\">[^<]*</th><td>\([0-9]*\)</td>.*|\1|p" "$TMP/admin.html")"
done < <(sqlite3 -separator ' ' "$DATA/data.db" "SELECT model, sum(type = 'chat') FROM usage_logs GROUP BY model")

done_testing
