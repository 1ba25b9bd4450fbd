#!/usr/bin/env bash
# Billing through nginx: Stripe and Polar webhooks (good, bad, replayed,
# stale, future signatures), a subscription's life moving users.plan and
# plan_expires_at, a credit package granted exactly once, and checkout
# against the billing simulator (tools/billingsim, started by run-all at
# $BILLSIM, its requests in $BILLSIM_LOG). Webhooks are signed by
# tests/webhook_send.py, independently of confab's own code.
. "$(dirname "$0")/lib.sh"

SIMPY=$ROOT/tests/webhook_send.py
STRIPE_SECRET=whsec_test_stripe_endpoint
POLAR_SECRET=whsec_cG9sYXItdGVzdC13ZWJob29rLXNlY3JldA==
NOW=$(date +%s)

udb() { sqlite3 "$DATA/user.db" "$1"; }
ddb() { sqlite3 "$DATA/data.db" "$1"; }
# stripe_send BODYFILE [args]: "STATUS JSON" of a signed delivery.
stripe_send() { python3 "$SIMPY" stripe "$BASE/webhooks/stripe" "$STRIPE_SECRET" "$@"; }
polar_send() { python3 "$SIMPY" polar "$BASE/webhooks/polar" "$POLAR_SECRET" "$@"; }
balance() { ddb "SELECT coalesce((SELECT balance FROM credit_accounts WHERE user_id = '$1'), 0)"; }
# What purchases brought: the balance less grants (the test config's
# [auth] signup_credits gives every account a welcome micro-dollar).
purchased() { ddb "SELECT coalesce((SELECT balance FROM credit_accounts WHERE user_id = '$1'), 0) - (SELECT coalesce(sum(amount), 0) FROM credit_ledger WHERE user_id = '$1' AND kind = 'grant')"; }
ledger() { ddb "SELECT coalesce(sum(amount), 0) FROM credit_ledger WHERE user_id = '$1'"; }
plan_of() { udb "SELECT plan || ' ' || coalesce(plan_expires_at, '') FROM users WHERE id = '$1'"; }
sub_of() { udb "SELECT status || ' ' || cancel_at_period_end FROM subscriptions WHERE user_id = '$1'"; }

A=$TMP/a.jar
EA=$(new_email)
signup "$A" "$EA" 'correct horse battery' >/dev/null
UA=$(udb "SELECT id FROM users WHERE email = '$EA'")
check "a user to bill" test -n "$UA"

# ---- Stripe: a credit package ----
cat >"$TMP/credits.json" <<JSON
{"id":"evt_credits_$NOW","object":"event","type":"checkout.session.completed","created":$NOW,
 "data":{"object":{"id":"cs_test_credits_$NOW","object":"checkout.session","mode":"payment",
 "payment_status":"paid","client_reference_id":"$UA","customer":"cus_A",
 "metadata":{"user_id":"$UA","kind":"credits","package":"small","credits":"5000000"}}}}
JSON
out=$(stripe_send "$TMP/credits.json")
expect_eq "stripe: a signed credit purchase is taken" '200 {"status":"ok"}' "$out"
expect_eq "  ... and grants the package's credits" 5000000 "$(purchased "$UA")"
out=$(stripe_send "$TMP/credits.json")
expect_eq "stripe: the same event again is a duplicate" '200 {"status":"duplicate"}' "$out"
sed "s/evt_credits_$NOW/evt_credits2_$NOW/; s/checkout.session.completed/checkout.session.async_payment_succeeded/" \
	"$TMP/credits.json" >"$TMP/credits2.json"
out=$(stripe_send "$TMP/credits2.json")
expect_eq "stripe: another event for the same checkout grants nothing" '200 {"status":"duplicate"}' "$out"
expect_eq "  ... balance still one package" 5000000 "$(purchased "$UA")"
expect_eq "  ... ledger sum equals the balance" "$(balance "$UA")" "$(ledger "$UA")"
expect_eq "  ... one purchase row" 1 "$(ddb "SELECT count(*) FROM credit_ledger WHERE user_id = '$UA' AND kind = 'purchase'")"

# ---- Stripe: refused deliveries ----
sed "s/evt_credits_$NOW/evt_forged_$NOW/; s/cs_test_credits_$NOW/cs_forged_$NOW/" "$TMP/credits.json" >"$TMP/forged.json"
out=$(stripe_send "$TMP/forged.json" --sig "t=$NOW,v1=$(printf '%064d' 7)")
expect_eq "stripe: a bad signature is 400" '400 {"error":"bad signature"}' "$out"
out=$(stripe_send "$TMP/forged.json" --t $(($(date +%s) - 400)))
expect_eq "stripe: a stale timestamp is 400" '400 {"error":"timestamp outside the tolerance"}' "$out"
out=$(stripe_send "$TMP/forged.json" --t $(($(date +%s) + 400)))
expect_eq "stripe: a future timestamp is 400" '400 {"error":"timestamp outside the tolerance"}' "$out"
out=$(stripe_send "$TMP/forged.json" --sig "garbage")
expect_eq "stripe: a malformed header is 400" '400 {"error":"missing or malformed signature header"}' "$out"
code=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$TMP/forged.json" "$BASE/webhooks/stripe")
expect_eq "stripe: no signature header is 400" 400 "$code"
check "  ... answered as JSON" grep -qi '^Content-Type: application/json' "$TMP/headers"
# Signed by the other side of a rolled secret, then by ours: accepted.
mac=$({ printf '%s.' "$NOW"; cat "$TMP/forged.json"; } | openssl dgst -sha256 -hmac "$STRIPE_SECRET" -r | cut -d' ' -f1)
out=$(stripe_send "$TMP/forged.json" --sig "t=$NOW,v1=$(printf '%064d' 1),v1=$mac")
expect_eq "stripe: one good signature among several is enough" '200 {"status":"ok"}' "$out"
expect_eq "  ... forged attempts granted nothing, the good one once" 10000000 "$(purchased "$UA")"
printf '{"id":"evt_x_%s","type":"invoice.paid","created":%s,"data":{"object":{"id":"in_1"}}}' "$NOW" "$NOW" >"$TMP/other.json"
out=$(stripe_send "$TMP/other.json")
expect_eq "stripe: an unused event type is 200, ignored" '200 {"status":"ignored","reason":"event type not used"}' "$out"
printf 'not json' >"$TMP/junk.json"
out=$(stripe_send "$TMP/junk.json")
expect_eq "stripe: a signed body that is not an event is 400" '400 {"error":"the body is not a JSON object"}' "$out"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/webhooks/stripe")
expect_eq "GET on a webhook is 405" 405 "$code"
head -c 70000 /dev/zero | tr '\0' x >"$TMP/big.json"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$TMP/big.json" "$BASE/webhooks/stripe")
expect_eq "a webhook body over the limit is 413" 413 "$code"

# ---- Stripe: a subscription's life ----
P0=$NOW P1=$((NOW + 30 * 86400))
cat >"$TMP/sub_checkout.json" <<JSON
{"id":"evt_subco_$NOW","type":"checkout.session.completed","created":$NOW,
 "data":{"object":{"id":"cs_sub_$NOW","mode":"subscription","payment_status":"paid",
 "client_reference_id":"$UA","customer":"cus_A","subscription":"sub_A_$NOW",
 "metadata":{"user_id":"$UA","kind":"plan","plan":"pro"}}}}
JSON
out=$(stripe_send "$TMP/sub_checkout.json")
expect_eq "stripe: a subscription checkout is taken" '200 {"status":"ok"}' "$out"
read -r plan exp <<<"$(plan_of "$UA")"
expect_eq "  ... the user's plan is pro" pro "$plan"
check "  ... until about a month on (the period is not known yet)" test "$exp" -gt $(((NOW + 30 * 86400) * 1000))
expect_eq "  ... subscription row active" "active 0" "$(sub_of "$UA")"
# sub_event ID STATUS CANCEL CREATED [TYPE] [ENDED]
sub_event() {
	cat >"$TMP/sub.json" <<JSON
{"id":"$1","type":"${5:-customer.subscription.updated}","created":$4,
 "data":{"object":{"id":"sub_A_$NOW","object":"subscription","customer":"cus_A","status":"$2",
 "cancel_at_period_end":$3,"ended_at":${6:-null},"items":{"data":[{"current_period_start":$P0,
 "current_period_end":$P1}]},"metadata":{"user_id":"$UA","plan":"pro"}}}}
JSON
	stripe_send "$TMP/sub.json"
}
out=$(sub_event "evt_s1_$NOW" active false $((NOW + 1)))
expect_eq "stripe: subscription.updated is taken" '200 {"status":"ok"}' "$out"
expect_eq "  ... plan_expires_at is the period's end" "pro ${P1}000" "$(plan_of "$UA")"
out=$(sub_event "evt_s2_$NOW" active true $((NOW + 2)))
expect_eq "  ... cancel at period end is kept" "active 1" "$(sub_of "$UA")"
expect_eq "  ... and the plan still runs to the period's end" "pro ${P1}000" "$(plan_of "$UA")"
out=$(sub_event "evt_s0_$NOW" past_due false $((NOW - 5)))
expect_eq "stripe: an older event arriving late changes nothing" "active 1" "$(sub_of "$UA")"
out=$(sub_event "evt_s3_$NOW" past_due true $((NOW + 3)))
expect_eq "stripe: past_due is recorded" "past_due 1" "$(sub_of "$UA")"
expect_eq "  ... the plan ends at the period's end" "pro ${P1}000" "$(plan_of "$UA")"
out=$(sub_event "evt_s3_$NOW" active false $((NOW + 9)))
expect_eq "stripe: a replayed event id is a duplicate, even with another body" '200 {"status":"duplicate"}' "$out"
END=$((NOW + 4))
out=$(sub_event "evt_s4_$NOW" canceled false $((NOW + 4)) customer.subscription.deleted $END)
expect_eq "stripe: subscription.deleted is taken" '200 {"status":"ok"}' "$out"
expect_eq "  ... status cancelled" "cancelled 0" "$(sub_of "$UA")"
expect_eq "  ... the plan ends when the subscription ended" "pro ${END}000" "$(plan_of "$UA")"

# ---- Polar ----
B=$TMP/b.jar
EB=$(new_email)
signup "$B" "$EB" 'correct horse battery' >/dev/null
UB=$(udb "SELECT id FROM users WHERE email = '$EB'")
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000000Z; }
# polar_sub TYPE STATUS CANCEL WHEN
polar_sub() {
	cat >"$TMP/psub.json" <<JSON
{"type":"$1","timestamp":"$(iso "$4")","data":{"id":"psub_B_$NOW","status":"$2",
 "current_period_start":"$(iso $P0)","current_period_end":"$(iso $P1)","cancel_at_period_end":$3,
 "ended_at":null,"customer_id":"pcus_B","customer":{"id":"pcus_B","external_id":"$UB"},
 "product_id":"prod_pro","metadata":{"user_id":"$UB","kind":"plan","plan":"pro"}}}
JSON
}
polar_sub subscription.active active false $NOW
out=$(polar_send "$TMP/psub.json" --id "msg_pa_$NOW")
expect_eq "polar: subscription.active is taken" '200 {"status":"ok"}' "$out"
expect_eq "  ... the user's plan is pro until the period's end" "pro ${P1}000" "$(plan_of "$UB")"
out=$(polar_send "$TMP/psub.json" --id "msg_pa_$NOW")
expect_eq "polar: the same webhook-id again is a duplicate" '200 {"status":"duplicate"}' "$out"
polar_sub subscription.canceled active true $((NOW + 1))
out=$(polar_send "$TMP/psub.json" --id "msg_pc_$NOW")
expect_eq "polar: subscription.canceled keeps it to the period's end" "active 1" "$(sub_of "$UB")"
http "$B" GET /settings >/dev/null
check "  ... and Settings shows the subscription's status" \
	grep -q 'through polar: <strong>active</strong>.*(cancels at the end of it)' "$TMP/body"
polar_sub subscription.revoked canceled true $((NOW + 2))
out=$(polar_send "$TMP/psub.json" --id "msg_pr_$NOW")
expect_eq "polar: subscription.revoked cancels it" "cancelled 1" "$(sub_of "$UB")"
out=$(polar_send "$TMP/psub.json" --id "msg_bad_$NOW" --sig "v1,$(printf 'A%.0s' $(seq 43))=")
expect_eq "polar: a bad signature is 400" '400 {"error":"bad signature"}' "$out"
out=$(polar_send "$TMP/psub.json" --id "msg_old_$NOW" --t $(($(date +%s) - 400)))
expect_eq "polar: a stale timestamp is 400" '400 {"error":"timestamp outside the tolerance"}' "$out"
out=$(polar_send "$TMP/psub.json" --id "msg_new_$NOW" --t $(($(date +%s) + 400)))
expect_eq "polar: a future timestamp is 400" '400 {"error":"timestamp outside the tolerance"}' "$out"
out=$(polar_send "$TMP/psub.json" --id "msg_mal_$NOW" --sig "nonsense")
expect_eq "polar: a malformed signature header is 400" '400 {"error":"missing or malformed signature header"}' "$out"

cat >"$TMP/order.json" <<JSON
{"type":"order.paid","timestamp":"$(iso $NOW)","data":{"id":"pord_$NOW","status":"paid",
 "checkout_id":"pco_$NOW","billing_reason":"purchase","customer":{"external_id":"$UB"},
 "metadata":{"user_id":"$UB","kind":"credits","package":"small","credits":"5000000"}}}
JSON
out=$(polar_send "$TMP/order.json" --id "msg_o1_$NOW")
expect_eq "polar: a paid credit order is taken" '200 {"status":"ok"}' "$out"
cat >"$TMP/pco.json" <<JSON
{"type":"checkout.updated","timestamp":"$(iso $NOW)","data":{"id":"pco_$NOW","status":"succeeded",
 "external_customer_id":"$UB","metadata":{"user_id":"$UB","kind":"credits","package":"small","credits":"5000000"}}}
JSON
out=$(polar_send "$TMP/pco.json" --id "msg_o2_$NOW")
expect_eq "polar: the same checkout's success grants nothing more" '200 {"status":"duplicate"}' "$out"
out=$(polar_send "$TMP/order.json" --id "msg_o1_$NOW")
expect_eq "polar: a replayed order is a duplicate" '200 {"status":"duplicate"}' "$out"
expect_eq "  ... credits granted exactly once" 5000000 "$(purchased "$UB")"
expect_eq "  ... ledger sum equals the balance" "$(balance "$UB")" "$(ledger "$UB")"

# ---- checkout through the simulator (Stripe is configured) ----
CSRF_PAGE=/billing
code=$(http "$A" GET /billing)
expect_eq "the billing page answers" 200 "$code"
check "  ... offers the credit package" grep -q 'Buy Small' "$TMP/body"
check "  ... offers the plan" grep -q 'Subscribe to pro' "$TMP/body"
check "  ... shows the subscription's status" grep -q 'data-status="cancelled"' "$TMP/body"
cp "$TMP/body" "$TMP/billing.html"
check "  ... is valid HTML (tidy)" tidy -q -e -utf8 --warn-proprietary-attributes no "$TMP/billing.html"
code=$(http "$A" GET '/billing?done=1')
check "  ... after paying, says the payment is being confirmed" grep -q 'role="status">Thank you' "$TMP/body"
# libcurl is loaded by the first checkout (lib/billing_api.c), not linked:
# until then no page executable maps it, and after, only billing does. The
# processes (a supervisor and the responders it forked share its command
# line) are found by their socket; behind a server that spawns them itself
# they are not, and this is skipped.
curl_mappers() { # EXE...: how many of their processes map libcurl
	local exe pid n=0
	for exe in "$@"; do
		for pid in $(pgrep -f -- "--listen $DATA/run/$exe.sock"); do
			grep -q 'libcurl' "/proc/$pid/maps" 2>/dev/null && n=$((n + 1))
		done
	done
	echo "$n"
}
PAGE_EXES=(login chats chat settings presets dashboard webhooks billing)
if [ -n "$(pgrep -f -- "--listen $DATA/run/billing.sock")" ]; then
	expect_eq "before any checkout no page process maps libcurl" 0 "$(curl_mappers "${PAGE_EXES[@]}")"
else
	skip "libcurl mappings: the responders are spawned by the server"
fi
n0=$(wc -l <"$BILLSIM_LOG" 2>/dev/null || echo 0)
code=$(post "$A" /billing/checkout kind=credits name=small)
if [ -n "$(pgrep -f -- "--listen $DATA/run/billing.sock")" ]; then
	expect_eq "  ... after one, the billing process that made it does" 1 "$(curl_mappers billing)"
	expect_eq "  ... and no other page's" 0 "$(curl_mappers login chats chat settings presets dashboard webhooks)"
else
	skip "libcurl mappings: the responders are spawned by the server"
fi
expect_eq "checkout for a credit package is a 303" 303 "$code"
expect_eq "  ... to the provider's hosted page" https://checkout.stripe.test/c/pay/ "$(header Location | grep -o '^https://checkout.stripe.test/c/pay/')"
last=$(tail -1 "$BILLSIM_LOG")
f() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d[sys.argv[2]].get(sys.argv[3], ""))' "$last" "$@"; }
expect_eq "  ... one request reached the simulator" $((n0 + 1)) "$(wc -l <"$BILLSIM_LOG")"
expect_eq "  ... POST /v1/checkout/sessions" /v1/checkout/sessions "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["path"])' "$last")"
expect_eq "  ... with the secret key as Bearer" "Bearer sk_test_confab" "$(f headers authorization)"
expect_eq "  ... form-encoded" application/x-www-form-urlencoded "$(f headers content-type)"
expect_eq "  ... mode payment" payment "$(f fields mode)"
expect_eq "  ... the package's price in cents" 500 "$(f fields 'line_items[0][price_data][unit_amount]')"
expect_eq "  ... its name" Small "$(f fields 'line_items[0][price_data][product_data][name]')"
expect_eq "  ... the user as client_reference_id" "$UA" "$(f fields client_reference_id)"
expect_eq "  ... and in the metadata" "$UA" "$(f fields 'metadata[user_id]')"
expect_eq "  ... the credits it grants (micro-USD)" 5000000 "$(f fields 'metadata[credits]')"
expect_eq "  ... the user's Stripe customer, known from the subscription" cus_A "$(f fields customer)"
check "  ... a success URL back to /billing" grep -q '/billing?done=1' <<<"$(f fields success_url)"
# The buyer comes back to the address in the browser, port and all ($BASE
# is http://127.0.0.1:PORT; nginx passes the host without it).
expect_eq "  ... on this site's host and port" "$BASE/billing?done=1" "$(f fields success_url)"
expect_eq "  ... and so is the cancel URL" "$BASE/billing" "$(f fields cancel_url)"
code=$(post "$A" /billing/checkout kind=plan name=pro)
expect_eq "checkout for a plan is a 303" 303 "$code"
last=$(tail -1 "$BILLSIM_LOG")
expect_eq "  ... mode subscription" subscription "$(f fields mode)"
expect_eq "  ... monthly" month "$(f fields 'line_items[0][price_data][recurring][interval]')"
expect_eq "  ... the plan's price" 1500 "$(f fields 'line_items[0][price_data][unit_amount]')"
expect_eq "  ... the subscription carries user and plan" "$UA pro" \
	"$(f fields 'subscription_data[metadata][user_id]') $(f fields 'subscription_data[metadata][plan]')"
# A new user: no customer yet, so the email; once subscribed, no second plan.
C=$TMP/c.jar
EC=$(new_email)
signup "$C" "$EC" 'correct horse battery' >/dev/null
UC=$(udb "SELECT id FROM users WHERE email = '$EC'")
code=$(post "$C" /billing/checkout kind=plan name=pro)
last=$(tail -1 "$BILLSIM_LOG")
expect_eq "a first checkout sends the buyer's email" "$EC" "$(f fields customer_email)"
sed "s/$UA/$UC/g; s/evt_subco_$NOW/evt_subco_c_$NOW/; s/sub_A_$NOW/sub_C_$NOW/; s/cus_A/cus_C/" \
	"$TMP/sub_checkout.json" >"$TMP/sub_c.json"
out=$(stripe_send "$TMP/sub_c.json")
expect_eq "  ... its subscription is taken" '200 {"status":"ok"}' "$out"
n1=$(wc -l <"$BILLSIM_LOG")
code=$(post "$C" /billing/checkout kind=plan name=pro)
expect_eq "a second subscription while one is active is refused (409)" 409 "$code"
check "  ... saying why" grep -q 'role="alert">You already have a subscription' "$TMP/body"
expect_eq "  ... and the provider was not asked" "$n1" "$(wc -l <"$BILLSIM_LOG")"
code=$(post "$C" /billing/checkout kind=credits name=small)
expect_eq "  ... credits can still be bought" 303 "$code"
code=$(post "$A" /billing/checkout kind=credits name=huge)
expect_eq "an unknown package is 400" 400 "$code"
check "  ... saying so" grep -q 'role="alert">There is no such plan' "$TMP/body"
code=$(http "$A" POST /billing/checkout --data-urlencode kind=credits --data-urlencode name=small)
expect_eq "checkout without the form token is 403" 403 "$code"
code=$(curl -s -o /dev/null -w '%{http_code}' -d 'kind=credits&name=small' "$BASE/billing/checkout")
expect_eq "checkout signed out goes to sign in" 303 "$code"

# ---- the same page under other configs, run as CGI ----
token=$(csrf_for "$A" /billing)
# Every cookie of the jar (HttpOnly ones are written as "#HttpOnly_host").
sid=$(awk 'NF >= 7 && ($1 ~ /^#HttpOnly_/ || $1 !~ /^#/) {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$A")
cgi_checkout() { # CONFIG BODY
	printf '%s' "$2" | env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$ROOT" \
		CONFAB_CONFIG="$1" REQUEST_METHOD=POST REQUEST_URI=/billing/checkout HTTP_HOST=confab.test \
		HTTP_COOKIE="$sid" CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#2} \
		"$BUILD/cgi-bin/billing" 2>/dev/null
}
grep -v '^stripe_secret_key' "$DATA/confab.ini" >"$TMP/polar.ini"
out=$(cgi_checkout "$TMP/polar.ini" "csrf=$token&kind=credits&name=small")
check "polar: checkout is a 303" grep -q '^Status: 303' <<<"$out"
check "  ... to Polar's hosted page" grep -q '^Location: https://buy.polar.test/polar_c_sim' <<<"$out"
last=$(tail -1 "$BILLSIM_LOG")
expect_eq "  ... POST /v1/checkouts/ with the access token" "Bearer polar_oat_confab" "$(f headers authorization)"
expect_eq "  ... JSON" application/json "$(f headers content-type)"
expect_eq "  ... the package's product" "['prod_small']" "$(f fields products)"
expect_eq "  ... the user as external customer" "$UA" "$(f fields external_customer_id)"
expect_eq "  ... metadata for the webhook" "{'user_id': '$UA', 'kind': 'credits', 'package': 'small', 'credits': '5000000'}" "$(f fields metadata)"
check "  ... success URL on this host" grep -q '^http://confab.test/billing?done=1$' <<<"$(f fields success_url)"
grep -v '^stripe_secret_key\|^polar_access_token' "$DATA/confab.ini" >"$TMP/off.ini"
out=$(cgi_checkout "$TMP/off.ini" "csrf=$token&kind=credits&name=small")
check "no billing keys: checkout says billing is not set up" grep -q 'role="alert">Billing is not set up' <<<"$out"
check "  ... without a 500" grep -q '^Status: 503' <<<"$out"
out=$(env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$ROOT" CONFAB_CONFIG="$TMP/off.ini" \
	REQUEST_METHOD=GET REQUEST_URI=/billing HTTP_COOKIE="$sid" "$BUILD/cgi-bin/billing" 2>/dev/null)
check "  ... and the billing page offers nothing to buy" grep -q 'id="billing-off"' <<<"$out"
sed 's/^stripe_secret_key.*/stripe_secret_key = sk_wrong/' "$DATA/confab.ini" >"$TMP/wrong.ini"
out=$(cgi_checkout "$TMP/wrong.ini" "csrf=$token&kind=credits&name=small")
check "a key the provider refuses: a clear page, nothing charged" grep -q 'role="alert">The payment provider could not be reached' <<<"$out"

done_testing
