#!/usr/bin/env bash
# A config value that does not read stops every process at start, naming
# the file and line (a page, confabd, the command line), booleans take
# true/false, yes/no, on/off and 1/0, and [plan.NAME] and `confab plan set`
# layer over the built-in free, pro and enterprise instead of replacing them.
. "$(dirname "$0")/lib.sh"
CONFAB=$BUILD/cli/confab

# bad NAME TEXT: the suite's config with TEXT after it, as $TMP/NAME.ini;
# prints the line number of TEXT's last line.
bad() {
	cp "$DATA/confab.ini" "$TMP/$1.ini"
	printf '%b' "$2" >>"$TMP/$1.ini"
	wc -l <"$TMP/$1.ini"
}

# page INI PROGRAM: --check a page with config INI; status in rc.
page() {
	env -i PATH="$PATH" CONFAB_DATA_DIR="$DATA" CONFAB_SHARE_DIR="$ROOT" \
		CONFAB_CONFIG="$1" "$BUILD/cgi-bin/$2" --check 2>"$TMP/err" && rc=0 || rc=$?
}

line=$(bad plan '\n[plan.pro]\ncharge_credits = maybe\n')
page "$TMP/plan.ini" chat
expect_eq "charge_credits = maybe stops a page at start" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/plan.ini:$line: [plan.pro] charge_credits = maybe: expected true or false" "$TMP/err"

line=$(bad worker '\n[worker]\non_demand = nah\n')
page "$TMP/worker.ini" chats
expect_eq "[worker] on_demand = nah stops a page" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/worker.ini:$line: [worker] on_demand = nah: expected true or false" "$TMP/err"

# Billing settings used to be read at the first checkout; now at start.
line=$(bad billing '\n[billing]\nwebhook_tolerance = 5m\n')
page "$TMP/billing.ini" login
expect_eq "a bad [billing] number stops every page, not only billing" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/billing.ini:$line: [billing] webhook_tolerance = 5m: expected a whole number from 1 to 86400" "$TMP/err"

line=$(bad credits '\n[auth]\nsignup_credits = $5\n')
page "$TMP/credits.ini" login
expect_eq "signup_credits = \$5 stops a page (it used to grant nothing)" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/credits.ini:$line: [auth] signup_credits = \$5: expected US dollars" "$TMP/err"

line=$(bad model '\n[model.odd]\nprovider = sim\nname = Odd\nprice_in = 0\nprice_out = 0\nimages = sure\n')
page "$TMP/model.ini" chat
expect_eq "a model's images = sure stops a page" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/model.ini:$line: [model.odd] images = sure: expected true or false" "$TMP/err"

# confabd: in a directory of its own, so a worker that did start (the bug)
# could not serve the suite's replies; --idle-exit ends it either way.
mkdir -p "$TMP/wdata"
line=$(bad cache '\n[cache]\nenabled = maybe\n')
env -i PATH="$PATH" CONFAB_DATA_DIR="$TMP/wdata" CONFAB_SHARE_DIR="$ROOT" \
	CONFAB_CONFIG="$TMP/cache.ini" timeout 20 "$BUILD/worker/confabd" --idle-exit 1 \
	2>"$TMP/err" && rc=0 || rc=$?
expect_eq "[cache] enabled = maybe stops confabd at start" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/cache.ini:$line: [cache] enabled = maybe: expected true or false" "$TMP/err"
line=$(bad wnum '\n[worker]\nretries = 3x\n')
env -i PATH="$PATH" CONFAB_DATA_DIR="$TMP/wdata" CONFAB_SHARE_DIR="$ROOT" \
	CONFAB_CONFIG="$TMP/wnum.ini" timeout 20 "$BUILD/worker/confabd" --idle-exit 1 \
	2>"$TMP/err" && rc=0 || rc=$?
expect_eq "[worker] retries = 3x stops confabd" 1 "$rc"
check "  ... naming file and line" \
	grep -qF "$TMP/wnum.ini:$line: [worker] retries = 3x: expected a whole number from 0 to 10" "$TMP/err"

# The command line, on a site of its own (plan set must not touch the suite's).
S=$TMP/site
cf() { CONFAB_DATA_DIR=$S CONFAB_CONFIG="$1" "$CONFAB" "${@:2}"; }
printf '[plan.free]\nrequests_per_hour = 3\n' >"$TMP/site.ini"
cf "$TMP/site.ini" init >/dev/null 2>&1
cf "$TMP/plan.ini" plan list >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab refuses a bad value too" 1 "$rc"
check "  ... naming file and line" grep -qF "$TMP/plan.ini:" "$TMP/out"

# limit PLAN KEY: the value `confab plan list` shows.
limit() {
	awk -v p="$1" -v k="$2" '/^[^ ]/ { cur = $1; sub(/( \(default\))?:$/, "", cur) }
		cur == p && $1 == k { $1 = ""; sub(/^ /, ""); print }' "$TMP/plans"
}
cf "$TMP/site.ini" plan list >"$TMP/plans"
expect_eq "[plan.free] requests_per_hour = 3 sets free's" 3 "$(limit free requests_per_hour)"
expect_eq "  ... keeping free's other built-in limits" 100 "$(limit free requests_per_day)"
expect_eq "  ... and pro, as built in" 200 "$(limit pro requests_per_hour)"
expect_eq "  ... and enterprise" 1000 "$(limit enterprise requests_per_hour)"
cf "$TMP/site.ini" plan set free requests_per_hour 4 >/dev/null
cf "$TMP/site.ini" plan list >"$TMP/plans"
expect_eq "plan set free requests_per_hour 4 layers over the file" 4 "$(limit free requests_per_hour)"
expect_eq "  ... keeping pro" 200 "$(limit pro requests_per_hour)"
expect_eq "  ... and enterprise" 2000000 "$(limit enterprise tokens_per_month)"
cf "$TMP/site.ini" plan set pro charge_credits maybe >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "plan set refuses charge_credits maybe" 1 "$rc"
check "  ... saying where it came from" \
	grep -qF "confab plan set: [plan.pro] charge_credits = maybe: expected true or false" "$TMP/out"
cf "$TMP/site.ini" plan set pro charge_credits on >/dev/null
cf "$TMP/site.ini" plan list >"$TMP/plans"
check "plan set pro charge_credits on charges pro's requests" \
	grep -q '^pro: \$20.00 a month, each request charged to credits' "$TMP/plans"
cf "$TMP/site.ini" plan set enterprise enabled false >/dev/null
cf "$TMP/site.ini" plan list >"$TMP/plans"
check "enabled false removes a built-in plan" sh -c "! grep -q '^enterprise' '$TMP/plans'"
check "  ... and only that one" grep -q '^pro:' "$TMP/plans"
done_testing
