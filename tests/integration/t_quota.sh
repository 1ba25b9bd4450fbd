#!/usr/bin/env bash
# Plans, quotas and credits: exact under a burst of parallel requests, the
# day and month turning over in a time zone far from UTC, the model list of
# a plan, and the credit ledger always summing to the balance. The plans
# are the test config's ([plan.hourly] and the others).
. "$(dirname "$0")/lib.sh"

CONFAB=$BUILD/cli/confab
# The test writes request_log rows while the site runs: wait for its locks.
q() { sqlite3 -cmd '.timeout 5000' "$DATA/data.db" "$1"; }
uid_of() { sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email = '$1'"; }

# account PLAN [TZ]: a new signed-in account on PLAN; sets JAR, EMAIL, UIDX.
account() {
	JAR=$TMP/$1.$RANDOM.jar EMAIL=$(new_email)
	signup "$JAR" "$EMAIL" 'password one' "${2:-UTC}" >/dev/null
	"$CONFAB" user set-plan "$EMAIL" "$1" >/dev/null
	UIDX=$(uid_of "$EMAIL")
}

# burst N MODEL: N new-chat sends at once, on the session cookie of $JAR
# (no cookie jar written in parallel); prints the sorted status codes.
burst() {
	local cookie token i
	cookie=$(awk '$6 == "confab_session" { print "confab_session=" $7 }' "$JAR")
	token=$(csrf_for "$JAR" /chat/new)
	rm -rf "$TMP/burst"; mkdir -p "$TMP/burst"
	for i in $(seq "$1"); do
		curl -s -o "$TMP/burst/$i.body" -D "$TMP/burst/$i.head" -w '%{http_code}\n' \
			-H "Cookie: $cookie" --data-urlencode "csrf=$token" \
			--data-urlencode "content=burst $(printf %02d "$i")" \
			--data-urlencode "model=$2" "$BASE/chat/new" >"$TMP/burst/$i.code" &
	done
	wait
	cat "$TMP/burst"/*.code | sort | uniq -c | awk '{ printf "%s×%s ", $2, $1 }'
}

# --- requests per hour: 5 of 12 at once
account hourly
expect_eq "12 requests at once on 5 an hour: exactly 5 through, 7 refused (429)" "303×5 429×7 " \
	"$(burst 12 sim)"
f=$(grep -l 429 "$TMP"/burst/*.code | head -1); f=${f%.code}
check "  ... the refusal says which limit and when it resets" \
	grep -q 'role="alert">You have reached your plan&#39;s limit of 5 requests per hour' "$f.body"
check "  ... and keeps the typed message" grep -q '>burst [0-9][0-9]</textarea>' "$f.body"
check "  ... with Retry-After" grep -qi '^retry-after: [1-9][0-9]*' "$f.head"
check "  ... and X-RateLimit-Limit, -Remaining, -Reset" sh -c \
	"grep -qi '^x-ratelimit-limit: 5' '$f.head' && grep -qi '^x-ratelimit-remaining: 0' '$f.head' && grep -qi '^x-ratelimit-reset: [0-9]' '$f.head'"
expect_eq "  ... each refusal is in the usage log as throttled" 7 \
	"$(q "SELECT count(*) FROM usage_logs WHERE user_id = '$UIDX' AND status = 'throttled'")"
expect_eq "  ... and a 6th request later is refused too" 429 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=again --data-urlencode model=sim)"
# An hour later (the requests moved back in time) the window is open again.
q "UPDATE request_log SET created_at = created_at - 3600 * 1000 WHERE user_id = '$UIDX'"
expect_eq "  ... and allowed once the hour has passed" 303 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=later --data-urlencode model=sim)"

# --- requests per day and per month
account daily
expect_eq "10 at once on 4 a day: exactly 4 through" "303×4 429×6 " "$(burst 10 sim)"
account monthly
expect_eq "10 at once on 6 a month: exactly 6 through" "303×6 429×4 " "$(burst 10 sim)"

# --- the day turns over in the user's time zone (UTC+14)
account daily Pacific/Kiritimati
read -r MIDNIGHT MONTH1 < <(python3 -c '
import datetime, zoneinfo
z = zoneinfo.ZoneInfo("Pacific/Kiritimati")
now = datetime.datetime.now(z)
day = now.replace(hour=0, minute=0, second=0, microsecond=0)
print(int(day.timestamp() * 1000), int(day.replace(day=1).timestamp() * 1000))')
for i in 1 2 3 4; do
	q "INSERT INTO request_log (message_id, user_id, created_at) VALUES ('old-$UIDX-$i', '$UIDX', $((MIDNIGHT - 60000)))"
done
expect_eq "4 requests a minute before local midnight do not count today" 303 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=today --data-urlencode model=sim)"
for i in 1 2 3; do
	q "INSERT INTO request_log (message_id, user_id, created_at) VALUES ('new-$UIDX-$i', '$UIDX', $((MIDNIGHT + 60000)))"
done
expect_eq "  ... 4 since local midnight do" 429 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=over --data-urlencode model=sim)"
check "  ... and the page says it frees up at the next local midnight" \
	grep -q "frees up at $(python3 -c '
import datetime, zoneinfo
z = zoneinfo.ZoneInfo("Pacific/Kiritimati")
d = datetime.datetime.now(z).replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
print(d.strftime("%Y-%m-%d %H:%M"))')" "$TMP/body"
account monthly Pacific/Kiritimati
for i in 1 2 3 4 5 6; do
	q "INSERT INTO request_log (message_id, user_id, created_at) VALUES ('m-$UIDX-$i', '$UIDX', $((MONTH1 - 60000)))"
done
expect_eq "6 requests a minute before the local month began do not count this month" 303 \
	"$(http "$JAR" POST /chat/new --data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" \
	--data-urlencode content=month --data-urlencode model=sim)"

# limits_match ZONE: the plan's counts on /dashboard.json of $JAR's account
# equal the rows of request_log and usage_logs counted here, in ZONE.
limits_match() {
	http "$JAR" GET /dashboard.json >/dev/null
	python3 - "$DATA/data.db" "$UIDX" "$1" "$TMP/body" <<'PY'
import json, sqlite3, sys, time
from datetime import datetime
from zoneinfo import ZoneInfo
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
uid, zone, lim = sys.argv[2], ZoneInfo(sys.argv[3]), json.load(open(sys.argv[4]))["limits"]
now = datetime.now(zone)
day = lambda t: datetime.fromtimestamp(t / 1000, zone).date()
hour = month = today = tokens = 0
for (t,) in db.execute("SELECT created_at FROM request_log WHERE user_id = ?", (uid,)):
    hour += t > time.time() * 1000 - 3600000
    today += day(t) == now.date()
    month += (day(t).year, day(t).month) == (now.year, now.month)
for t, n in db.execute("SELECT created_at, tokens_in + tokens_out FROM usage_logs WHERE user_id = ? AND type = 'chat' "
                       "AND key_source = 'server' AND status IN ('success', 'error')", (uid,)):
    tokens += n if (day(t).year, day(t).month) == (now.year, now.month) else 0
tokens += db.execute("SELECT coalesce(sum(r.tokens_held), 0) FROM jobs j JOIN request_log r "
                     "ON r.message_id = j.message_id WHERE j.user_id = ?", (uid,)).fetchone()[0]
want = (hour, today, month, tokens)
got = (lim["hourlyUsed"], lim["dailyUsed"], lim["monthlyUsed"], lim["tokensThisMonth"])
print("same" if want == got else f"rows say {want}, the page {got}")
PY
}

# --- days in a zone 45 minutes off the hour (UTC+12:45, +13:45 in summer):
# rows a millisecond either side of local midnight, counted from running
# totals per quarter hour (schema/data/013_quota_totals.sql).
account daily Pacific/Chatham
MIDNIGHT=$(python3 -c '
import datetime, zoneinfo
now = datetime.datetime.now(zoneinfo.ZoneInfo("Pacific/Chatham"))
print(int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000))')
for i in 1 2 3; do
	q "INSERT INTO request_log (message_id, user_id, created_at) VALUES ('c-old-$UIDX-$i', '$UIDX', $((MIDNIGHT - 1)))"
done
expect_eq "Chatham: 3 requests a millisecond before local midnight do not count today" 303 \
	"$(http "$JAR" POST /chat/new --data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" \
	--data-urlencode content=chatham --data-urlencode model=sim)"
for i in 1 2 3; do
	q "INSERT INTO request_log (message_id, user_id, created_at) VALUES ('c-new-$UIDX-$i', '$UIDX', $MIDNIGHT)"
done
expect_eq "  ... 3 at local midnight exactly do (4 of 4)" 429 \
	"$(http "$JAR" POST /chat/new --data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" \
	--data-urlencode content=over --data-urlencode model=sim)"
sent() { q "SELECT message_id FROM request_log WHERE user_id = '$UIDX' AND message_id NOT LIKE 'c-%'"; }
for m in $(sent); do wait_reply "$m" >/dev/null; done
expect_eq "  ... the dashboard's hour, day, month and tokens equal the rows" same "$(limits_match Pacific/Chatham)"
# Moved across midnight (an operator's correction): the totals follow.
q "UPDATE request_log SET created_at = $((MIDNIGHT - 1)) WHERE message_id = 'c-new-$UIDX-1'"
expect_eq "  ... a request moved before midnight leaves a place today" 303 \
	"$(http "$JAR" POST /chat/new --data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" \
	--data-urlencode content=moved --data-urlencode model=sim)"
for m in $(sent); do wait_reply "$m" >/dev/null; done
# The user moves to Newfoundland (UTC-3:30): the same rows, other days.
sqlite3 "$DATA/user.db" "UPDATE users SET timezone = 'America/St_Johns' WHERE id = '$UIDX'"
expect_eq "  ... after a change of zone (to UTC-3:30) the counts are the rows' in the new zone" same \
	"$(limits_match America/St_Johns)"

# --- tokens per month: each request holds the most it can use (every
# byte of the prompt, 8 tokens a message and 8 the request, and the plan's
# 50 output tokens: 8 + 8 + 8 + 50 = 74 here; lib/hold.h) while it runs,
# so a burst cannot pass 400: exactly 5 of 20 get through. A slow model, so
# that no reply ends (and gives back what it held beyond its use) while the
# burst is still being admitted.
account tokens
expect_eq "20 at once on 400 tokens a month: exactly 5 through, the rest 402" "303×5 402×15 " \
	"$(burst 20 sim-slow)"
f=$(grep -l 402 "$TMP"/burst/*.code | head -1); f=${f%.code}
check "  ... saying it is the token limit" grep -q 'limit of 400 tokens per month' "$f.body"
for m in $(q "SELECT message_id FROM request_log WHERE user_id = '$UIDX'"); do wait_reply "$m" >/dev/null; done
check "  ... the replies were cut at the plan's 50 output tokens" test \
	"$(q "SELECT max(tokens_out) FROM usage_logs WHERE user_id = '$UIDX' AND status = 'success'")" -le 50
check "  ... and the month's tokens stay within 400" test \
	"$(q "SELECT sum(tokens_in + tokens_out) FROM usage_logs WHERE user_id = '$UIDX' AND type = 'chat'")" -le 400

check "  ... the dashboard's month of tokens equals the rows" test "$(limits_match UTC)" = same

# --- a plan's models
account narrow
http "$JAR" GET /chat/new >/dev/null
check "the picker offers only the plan's models" sh -c \
	"grep -q 'option value=\"sim-lorem\"' '$TMP/body' && ! grep -q 'option value=\"sim-slow\"' '$TMP/body'"
expect_eq "  ... and a model outside the plan is refused (403)" 403 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=hi --data-urlencode model=sim-slow)"
# A paid plan past its end is the default plan again.
"$CONFAB" user set-plan "$EMAIL" narrow --until 2020-01-01 >/dev/null
expect_eq "  ... until the paid plan has ended: then the default plan's models" 303 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=hi --data-urlencode model=sim-slow)"

# --- credits: hold on send, settle on completion, release on failure
account prepaid
ledger_ok() { test "$(q "SELECT coalesce(sum(amount), 0) FROM credit_ledger WHERE user_id = '$UIDX'")" = \
	"$(q "SELECT coalesce((SELECT balance FROM credit_accounts WHERE user_id = '$UIDX'), 0)")"; }
expect_eq "a new account gets the welcome credits ([auth] signup_credits)" "grant|1|welcome credits" \
	"$(q "SELECT kind || '|' || amount || '|' || note FROM credit_ledger WHERE user_id = '$UIDX'")"
expect_eq "too few credits: a send is refused (402)" 402 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=hello --data-urlencode model=sim)"
check "  ... saying so" grep -q 'not have enough credits' "$TMP/body"
check "grant credits from the command line" "$CONFAB" user grant-credits "$EMAIL" 0.05
expect_eq "  ... then a send goes through" 303 "$(http "$JAR" POST /chat/new \
	--data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" --data-urlencode content=hello --data-urlencode model=sim)"
M=$(last_reply "$(header Location | sed 's#.*/chat/##; s/#.*//')")
wait_reply "$M" >/dev/null
COST=$(msg_field "$M" cost)
expect_eq "  ... and its real cost is charged" "$((50001 - COST))" \
	"$(q "SELECT balance FROM credit_accounts WHERE user_id = '$UIDX'")"
expect_eq "  ... as hold, release and usage rows" "grant grant reserve release usage" \
	"$(q "SELECT kind FROM credit_ledger WHERE user_id = '$UIDX' ORDER BY id" | paste -sd' ')"
check "  ... the ledger sums to the balance" ledger_ok
BEFORE=$(q "SELECT balance FROM credit_accounts WHERE user_id = '$UIDX'")
http "$JAR" POST /chat/new --data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" \
	--data-urlencode content=fail --data-urlencode model=sim-500 >/dev/null
wait_reply "$(last_reply "$(header Location | sed 's#.*/chat/##; s/#.*//')")" 20 >/dev/null
expect_eq "a failed reply releases its hold and costs nothing" "$BEFORE" \
	"$(q "SELECT balance FROM credit_accounts WHERE user_id = '$UIDX'")"
check "taking back more than the balance is refused" sh -c "! '$CONFAB' user grant-credits '$EMAIL' -100 2>/dev/null"
# A random mix: bursts, failures, grants and take-backs; the invariant holds.
for round in 1 2 3; do
	"$CONFAB" user grant-credits "$EMAIL" 0.0$round >/dev/null
	burst 6 sim >/dev/null
	burst 2 sim-500 >/dev/null
	"$CONFAB" user grant-credits "$EMAIL" -0.000001 >/dev/null
done
for m in $(q "SELECT message_id FROM request_log WHERE user_id = '$UIDX'"); do wait_reply "$m" 20 >/dev/null; done
check "after a random mix of sends, failures, grants and take-backs the ledger sums to the balance" ledger_ok
check "  ... which is not negative" test "$(q "SELECT balance FROM credit_accounts WHERE user_id = '$UIDX'")" -ge 0
expect_eq "  ... and no hold is left open" 0 "$(q "SELECT count(*) FROM credit_ledger r WHERE user_id = '$UIDX' AND kind = 'reserve' AND NOT EXISTS (SELECT 1 FROM credit_ledger x WHERE x.kind = 'release' AND x.ref = r.ref)")"

PREPAID=$EMAIL

# --- the hold is the request at its most: the chat's instructions count.
# sim costs $2.50 / $10 per million; its 1024 output tokens hold $0.01024.
account prepaid
"$CONFAB" user grant-credits "$EMAIL" 0.1 >/dev/null
CHAT=$(new_chat "$JAR")
# 40 KB of instructions (as a preset would compose them): $0.1024 more.
q "UPDATE chats SET system_prompt = printf('%.*c', 40960, 'x') WHERE id = '$CHAT'"
expect_eq "a send whose instructions make it cost more than the credits is refused (402)" 402 \
	"$(send "$JAR" "$CHAT" "summarize" sim)"
check "  ... saying how much it needs and how much is left" grep -q \
	'role="alert">You do not have enough credits for this request: at most it can cost \$0\.112[0-9]* ([0-9]* tokens.*you have \$0\.100001' "$TMP/body"
expect_eq "  ... before any provider is asked, with nothing held" "0|100001" \
	"$(q "SELECT (SELECT count(*) FROM request_log WHERE user_id = '$UIDX'), balance FROM credit_accounts WHERE user_id = '$UIDX'")"
q "UPDATE chats SET system_prompt = printf('%.*c', 1024, 'x') WHERE id = '$CHAT'"
expect_eq "  ... and one that fits goes through" 303 "$(send "$JAR" "$CHAT" "summarize" sim)"
M=$(last_reply "$CHAT")
expect_eq "  ... and completes" done "$(wait_reply "$M")"
HOLD=$(q "SELECT -amount FROM credit_ledger WHERE kind = 'reserve' AND ref = '$M'")
CHARGED=$(q "SELECT coalesce(-sum(amount), 0) FROM credit_ledger WHERE kind = 'usage' AND ref = '$M'")
check "  ... its hold counted the instructions (1024 + 8 bytes at \$2.50, 1024 out at \$10)" \
	test "$HOLD" -ge $(( (1032 * 2500000 + 1024 * 10000000) / 1000000 ))
check "  ... and it was charged its cost ($CHARGED), within the hold ($HOLD)" sh -c \
	"test '$CHARGED' = '$(msg_field "$M" cost)' && test '$CHARGED' -le '$HOLD'"
# --- Settings: Plan & usage
http "$JAR" GET /settings >/dev/null
check "the settings page names the plan" grep -q 'Your plan: <strong>prepaid</strong>' "$TMP/body"
check "  ... the credit balance" grep -q 'Balance: <strong>\$0\.[0-9][0-9]</strong>' "$TMP/body"
check "  ... and the credit history" grep -q '<td>reserve: held for a reply</td>' "$TMP/body"
account daily
http "$JAR" POST /chat/new --data-urlencode "csrf=$(csrf_for "$JAR" /chat/new)" \
	--data-urlencode content=once --data-urlencode model=sim >/dev/null
http "$JAR" GET /settings >/dev/null
check "  ... every limit with what is used, as a bar" \
	grep -q '<th scope="row">Requests today</th><td>1 <meter min="0" max="4" value="1">1 of 4</meter>' "$TMP/body"
check "  ... and when it resets" grep -q "<td>$(python3 -c '
import datetime
d = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
print(d.strftime("%Y-%m-%d %H:%M"))')</td>" "$TMP/body"
check "  ... unlimited ones said so" grep -q '<th scope="row">Tokens this month</th><td>[0-9]*</td><td>no limit</td>' "$TMP/body"
check "  ... valid HTML" tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/body"
check "  ... readable in w3m" grep -q 'Requests today' <<<"$(w3m -dump -T text/html <"$TMP/body")"

# --- confab plan set: a change over the config, picked up by running pages
check "confab plan set changes a plan" "$CONFAB" plan set squeezed requests_per_hour 2 price_per_month 0
sleep 1.1
account squeezed
expect_eq "  ... a new plan, enforced within a second: 2 of 5 at once" "303×2 429×3 " "$(burst 5 sim)"
if "$CONFAB" plan set squeezed requests_per_day lots >"$TMP/out" 2>&1; then
	not_ok "a value that is not a limit is refused"
else
	check "a value that is not a limit is refused" grep -q 'nothing was changed' "$TMP/out"
fi
expect_eq "  ... an unknown key too" 1 "$("$CONFAB" plan set squeezed colour blue >/dev/null 2>&1; echo $?)"

# --- the command line
"$CONFAB" plan list >"$TMP/plans"
check "confab plan list shows each plan's limits" grep -q '^hourly: \$0.00 a month' "$TMP/plans"
"$CONFAB" user list >"$TMP/users"
check "confab user list shows the plan and credits" grep -q "^$PREPAID *prepaid *active  *0\.[0-9]\{6\}" "$TMP/users"
check "confab user disable ends the account's sessions" "$CONFAB" user disable "$EMAIL"
expect_eq "  ... its pages send it to sign in" 303 "$(http "$JAR" GET /chats)"
check "confab user reset-password sets a password read from stdin" sh -c \
	"echo 'a new password' | '$CONFAB' user reset-password '$EMAIL' --password-stdin"
"$CONFAB" user enable "$EMAIL" >/dev/null
expect_eq "  ... with which the user signs in" 303 "$(login "$TMP/new.jar" "$EMAIL" 'a new password')"
expect_eq "an unknown user is a clear error" 1 "$("$CONFAB" user set-plan nobody@example.org free >/dev/null 2>&1; echo $?)"
expect_eq "an unknown plan is a clear error" 1 "$("$CONFAB" user set-plan "$EMAIL" gold >/dev/null 2>&1; echo $?)"

# --- the running totals against every row this test wrote: sends, bursts,
# refusals, replies, rows written in the past and moved.
expect_eq "the plan's running totals (quota_buckets) equal request_log and usage_logs, every user and quarter hour" \
	"0 mismatches" "$(q "WITH raw AS (SELECT user_id, bucket, sum(r) AS r, sum(t) AS t FROM (
	    SELECT user_id, created_at / 900000 AS bucket, 1 AS r, 0 AS t FROM request_log
	    UNION ALL SELECT user_id, created_at / 900000, 0, tokens_in + tokens_out FROM usage_logs
	     WHERE type = 'chat' AND key_source = 'server' AND status IN ('success', 'error', 'stopped', 'interrupted')) GROUP BY 1, 2),
	  kept AS (SELECT *, sum(requests) OVER w AS run_r, sum(tokens) OVER w AS run_t FROM quota_buckets
	    WINDOW w AS (PARTITION BY user_id ORDER BY bucket))
	SELECT ((SELECT count(*) FROM kept LEFT JOIN raw USING (user_id, bucket)
	          WHERE kept.requests != coalesce(raw.r, 0) OR kept.tokens != coalesce(raw.t, 0)
	             OR kept.cum_requests != run_r OR kept.cum_tokens != run_t)
	      + (SELECT count(*) FROM raw LEFT JOIN quota_buckets b USING (user_id, bucket) WHERE b.user_id IS NULL)
	      + (SELECT count(*) = 0 FROM raw)) || ' mismatches'")"

done_testing
