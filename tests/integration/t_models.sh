#!/usr/bin/env bash
# The model registry: `confab model add | list | enable | disable | remove`,
# the composer offering only active models, a model switch mid-chat, and
# the usage log's request details.
. "$(dirname "$0")/lib.sh"

CONFAB=$BUILD/cli/confab
A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null

"$CONFAB" model list >"$TMP/list" 2>&1
check "model list shows the config's models" grep -q '^sim-lorem .*0\.150000 0\.600000.*active.*(config)' "$TMP/list"

# --- add: refused without a price, with a negative one, or an unknown provider
fails_add() { # LABEL EXPECTED-IN-STDERR ARGS...
	local label=$1 want=$2; shift 2
	if "$CONFAB" model add "$@" >"$TMP/out" 2>&1; then
		not_ok "$label" "it succeeded: $(cat "$TMP/out")"
	else
		check "$label" grep -q "$want" "$TMP/out"
	fi
}
fails_add "add without prices is refused" "price-in and --price-out are required" \
	echo-added --provider sim
fails_add "add with a negative price is refused" "0 or more" \
	echo-added --provider sim --price-in -1 --price-out 1
fails_add "add with a price of 7 decimals is refused" "at most 6 decimals" \
	echo-added --provider sim --price-in 0.0000001 --price-out 1
fails_add "add naming an unknown provider is refused" "provider 'nope' is not in the config" \
	echo-added --provider nope --price-in 1 --price-out 1
fails_add "add of an id the config has is refused" "exists already" \
	sim-lorem --provider sim --price-in 1 --price-out 1
fails_add "add of a bad id is refused" "use 1 to 100 letters" \
	'bad id' --provider sim --price-in 1 --price-out 1
check "  ... and none of them was added" test "$(sqlite3 "$DATA/data.db" 'SELECT count(*) FROM models')" = 0

check "add with prices works" "$CONFAB" model add echo-added --provider sim --name 'Echo (added)' \
	--api-model 'sim:reply=echo:tps=200:ttft=0' --price-in 3 --price-out 12.5 --images
"$CONFAB" model list >"$TMP/list" 2>&1
check "  ... list shows it with its prices and capability" \
	grep -q '^echo-added .*3\.000000 12\.500000 .*images.*active *Echo (added)$' "$TMP/list"
sleep 1.1   # running pages look again at most once a second
http "$A" GET /chat/new >/dev/null
check "  ... and the composer offers it, with its provider, prices and capability" \
	grep -qF '<option value="echo-added">Echo (added) · sim · $3/$12.50 per 1M tokens · images</option>' "$TMP/body"

# --- a model switch mid-chat, message by message
C=$(new_chat "$A" "switching")
send "$A" "$C" "first question" echo-added >/dev/null
M1=$(last_reply "$C")
expect_eq "a reply from the added model" done "$(wait_reply "$M1")"
expect_eq "  ... stores that model" echo-added "$(msg_field "$M1" model)"
expect_eq "  ... and costs by its prices" "$(( (5 * 3000000 + 4 * 12500000 + 500000) / 1000000 ))" \
	"$(msg_field "$M1" cost)"
send "$A" "$C" "second one" sim-lorem >/dev/null
M2=$(last_reply "$C")
expect_eq "the next message goes to another model" done "$(wait_reply "$M2")"
expect_eq "  ... which is stored with it" sim-lorem "$(msg_field "$M2" model)"
expect_eq "  ... while the first keeps its own" echo-added "$(msg_field "$M1" model)"
http "$A" GET "/chat/$C" >/dev/null
check "the page names the model of each reply" python3 - "$TMP/body" "$M1" "$M2" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
def who(mid):
    m = re.search(r'id="m-%s".*?<small>(.*?) · ' % mid, page, re.S)
    return m.group(1) if m else None
assert who(sys.argv[2]) == "Echo (added)", who(sys.argv[2])
assert who(sys.argv[3]) == "Simulated (lorem)", who(sys.argv[3])
PY
expect_eq "each request has one usage row with its model" "echo-added|1 sim-lorem|1" \
	"$(sqlite3 "$DATA/data.db" "SELECT model || '|' || count(*) FROM usage_logs WHERE chat_id = '$C' AND type = 'chat' GROUP BY model ORDER BY model" | paste -sd' ')"
expect_eq "  ... with the address and browser of the request" "127.0.0.1|curl/" \
	"$(sqlite3 "$DATA/data.db" "SELECT ip || '|' || substr(user_agent, 1, 5) FROM usage_logs WHERE message_id = '$M1'")"

# --- disable and enable
check "disable a config model" "$CONFAB" model disable sim-lorem
sleep 1.1
http "$A" GET "/chat/$C" >/dev/null
check "  ... the composer no longer offers it" sh -c "! grep -q 'option value=\"sim-lorem\"' '$TMP/body'"
check "  ... but the page still names it on its old reply" grep -q '<small>Simulated (lorem) · ' "$TMP/body"
expect_eq "  ... and a message sent to it is refused" 400 "$(send "$A" "$C" "again" sim-lorem)"
check "  ... saying so" grep -q 'role="alert">That model is not offered' "$TMP/body"
check "  ... keeping the text" grep -q '>again</textarea>' "$TMP/body"
check "enable it again" "$CONFAB" model enable sim-lorem
sleep 1.1
http "$A" GET /chat/new >/dev/null
check "  ... and it is offered again" grep -q 'option value="sim-lorem"' "$TMP/body"

# --- remove
fails_rm() { if "$CONFAB" model remove "$1" >"$TMP/out" 2>&1; then not_ok "$2"; else check "$2" grep -q "$3" "$TMP/out"; fi; }
fails_rm sim-lorem "remove of a config model is refused" "comes from the config file"
check "remove of an added model works" "$CONFAB" model remove echo-added
check "  ... and it is gone from the list" sh -c "! '$CONFAB' model list | grep -q '^echo-added '"
expect_eq "  ... its old reply keeps its model id" echo-added "$(msg_field "$M1" model)"
expect_eq "unknown subcommand: usage, exit 2" 2 "$("$CONFAB" model frob >/dev/null 2>&1; echo $?)"

done_testing
