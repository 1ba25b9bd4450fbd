#!/usr/bin/env bash
# Anomaly tests in the SQLite manner: confabd under injected faults (a full
# disk, I/O errors, a busy database, a failed COMMIT, a crash) at chosen
# points of a reply's life. For each: exactly one provider request per
# reply, one usage row, nothing left running, the credits and the plan's
# token count equal to what the usage rows say. The faults come from
# tests/fault/sqlfault.so, preloaded into a worker this test starts (the
# instance's own is stopped first and started again at the end); its
# provider is a simulator of this test's own whose log counts requests.
. "$(dirname "$0")/lib.sh"

CONFAB=$BUILD/cli/confab
SHIM=$BUILD/tests/fault/sqlfault.so
RULES=$TMP/rules FAULTS=$TMP/faults.log
q() { sqlite3 -cmd '.timeout 5000' "$DATA/data.db" "$1"; }
worker_pid() { head -1 "$DATA/confabd.lock" 2>/dev/null; }
lease_free() { flock -n "$DATA/confabd.lock" true; }
stop_worker() {
	local pid
	pid=$(worker_pid)
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do lease_free && return 0; sleep 0.1; done
}

# The test's own simulator, logging every request it answers.
"$BUILD/tools/provsim" --port 0 >"$TMP/sim.port" 2>"$TMP/sim.log" &
SIMPID=$!
for _ in $(seq 50); do grep -q listening "$TMP/sim.port" && break; sleep 0.1; done
MYSIM=$(sed -n 's/.*listening on //p' "$TMP/sim.port")
sed "s|$SIM|$MYSIM|g" "$CONFAB_CONFIG" >"$TMP/faults.ini"
requests() { grep -c "model=$1 " "$TMP/sim.log"; }
STEADY='sim:reply=echo:tps=20:ttft=20'

# The faulty worker: the instance's config but this simulator; faults as
# $RULES says (none until a test writes it).
: >"$RULES"
start_faulty() {
	( CONFAB_CONFIG=$TMP/faults.ini LD_PRELOAD=$SHIM SQLFAULT_RULES=$RULES SQLFAULT_LOG=$FAULTS \
	  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	  "$BUILD/worker/confabd" --wait >>"$DATA/log/confabd-faults.log" 2>&1 &
	  echo $! >"$TMP/faulty.pid" )
	for _ in $(seq 100); do lease_free || return 0; sleep 0.1; done
}
cleanup() {
	stop_worker
	kill "$SIMPID" 2>/dev/null
	# The instance's own worker again, for whatever runs next.
	[ -n "${CONFAB_NO_WORKER:-}" ] || ( "$BUILD/worker/confabd" --wait >>"$DATA/log/confabd.log" 2>&1 &
		echo $! >>"$DATA/run/pids" )
	for _ in $(seq 100); do lease_free || break; sleep 0.1; done
	rm -rf "$TMP"
}
trap cleanup EXIT
stop_worker
check "the instance's worker is stopped for this test" lease_free
start_faulty
check "a worker with the fault injector holds the lease" bash -c "! flock -n '$DATA/confabd.lock' true"

# A prepaid account with $5 of credits, and a titled chat (no title request).
A=$TMP/a.jar EMAIL=$(new_email)
signup "$A" "$EMAIL" 'password one' >/dev/null
"$CONFAB" user set-plan "$EMAIL" prepaid >/dev/null
"$CONFAB" user grant-credits "$EMAIL" 5 >/dev/null
UIDX=$(sqlite3 "$DATA/user.db" "SELECT id FROM users WHERE email = '$EMAIL'")
C=$(new_chat "$A" "faults")
WORDS="one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"

# fault_rule LINE: arm one rule now (a new file: the counts start anew).
fault_rule() { printf '%s\n' "$1" >"$RULES.new"; mv "$RULES.new" "$RULES"; : >"$FAULTS"; }
fault_clear() { : >"$RULES.new"; mv "$RULES.new" "$RULES"; }

# reply_checks WHAT MSG N_BEFORE: the reply ended done with the whole echo,
# one provider request, one usage row, the parts and the job gone.
reply_checks() {
	local what=$1 m=$2 before=$3
	expect_eq "$what: the reply ends done" done "$(wait_reply "$m" 30)"
	expect_eq "  ... with its whole text, once" "You said: $WORDS" "$(msg_field "$m" content)"
	expect_eq "  ... after exactly one provider request" $((before + 1)) "$(requests "$STEADY")"
	expect_eq "  ... one usage row" 1 "$(q "SELECT count(*) FROM usage_logs WHERE message_id = '$m'")"
	expect_eq "  ... one charge, of the row's cost" \
		"$(q "SELECT cost FROM usage_logs WHERE message_id = '$m'")" \
		"$(q "SELECT coalesce(-sum(amount), 0) FROM credit_ledger WHERE ref = '$m' AND kind = 'usage'")"
	expect_eq "  ... nothing left of its job" 0 \
		"$(q "SELECT (SELECT count(*) FROM jobs WHERE message_id = '$m') + (SELECT count(*) FROM message_parts WHERE message_id = '$m')")"
}

# send_steady: send the test's words; prints the reply's id.
send_steady() {
	send "$A" "$C" "$WORDS" sim-steady >/dev/null
	last_reply "$C"
}

# --- 1. every COMMIT fails for a while (60 of them) while a reply is queued
n=$(requests "$STEADY")
fault_rule "exec full 60 COMMIT"
M=$(send_steady)
reply_checks "60 failed COMMITs around the claim" "$M" "$n"
expect_eq "  ... and all 60 faults were injected" 60 "$(wc -l <"$FAULTS")"
check "  ... the log names the real error, not 'not an error'" \
	grep -q 'failed; they stay queued and are claimed at the next tick (database or disk is full' "$DATA/log/confabd-faults.log"
check "  ... never 'not an error'" bash -c "! grep -q 'not an error' '$DATA/log/confabd-faults.log'"

# --- 2. the disk fills up while the reply streams: the WAL cannot grow
n=$(requests "$STEADY")
fault_clear
M=$(send_steady)
wait_text "$M"
fault_rule "write full 30 data.db-wal"
reply_checks "a full disk mid-stream (30 failed WAL writes)" "$M" "$n"
check "  ... the faults did happen" test "$(wc -l <"$FAULTS")" -ge 1

# --- 3. an I/O error on the one usage row of the reply's end
n=$(requests "$STEADY")
fault_rule "step ioerr 1 INSERT INTO usage_logs"
M=$(send_steady)
reply_checks "an I/O error writing the usage row" "$M" "$n"
expect_eq "  ... the fault did happen" 1 "$(wc -l <"$FAULTS")"

# --- 4. the database is busy at every COMMIT for a while, mid-stream
n=$(requests "$STEADY")
fault_clear
M=$(send_steady)
wait_text "$M"
fault_rule "exec busy 15 COMMIT"
reply_checks "15 busy COMMITs mid-stream" "$M" "$n"

# --- 5. the claim's own write fails three times
n=$(requests "$STEADY")
fault_rule "step full 3 UPDATE jobs SET state = 'running'"
M=$(send_steady)
reply_checks "a claim that fails three times" "$M" "$n"
expect_eq "  ... the faults did happen" 3 "$(wc -l <"$FAULTS")"

# --- 6. an I/O error appending a part, once, then the reply goes on
n=$(requests "$STEADY")
fault_clear
M=$(send_steady)
wait_text "$M"
fault_rule "step ioerr 2 INSERT OR REPLACE INTO message_parts"
reply_checks "two failed appends mid-stream" "$M" "$n"
fault_clear

# --- usage rows tell the truth: stopped, refused, interrupted
M=$(send_steady)
wait_text "$M"
post "$A" "/chat/$C/stop" >/dev/null
expect_eq "a stopped reply ends stopped" stopped "$(wait_reply "$M" 10)"
expect_eq "  ... its usage row says stopped" stopped "$(q "SELECT status FROM usage_logs WHERE message_id = '$M'")"
check "  ... with the tokens it used" test "$(q "SELECT tokens_out FROM usage_logs WHERE message_id = '$M'")" -gt 0

send "$A" "$C" "refused" sim-401 >/dev/null
M=$(last_reply "$C")
expect_eq "a reply the provider refused (401) fails" failed "$(wait_reply "$M" 10)"
expect_eq "  ... its usage row says error, no tokens, no cost" "error|0|0|0" \
	"$(q "SELECT status, tokens_in, tokens_out, cost FROM usage_logs WHERE message_id = '$M'")"
expect_eq "  ... and nothing is charged" 0 \
	"$(q "SELECT count(*) FROM credit_ledger WHERE ref = '$M' AND kind = 'usage'")"

M=$(send_steady)
wait_text "$M"
kill -9 "$(cat "$TMP/faulty.pid")"
for _ in $(seq 50); do lease_free && break; sleep 0.1; done
start_faulty
expect_eq "a reply cut by a worker crash ends failed" failed "$(wait_reply "$M" 10)"
expect_eq "  ... its usage row says interrupted, once" "interrupted|1" \
	"$(q "SELECT status, count(*) FROM usage_logs WHERE message_id = '$M'")"
check "  ... with its tokens estimated" test "$(q "SELECT tokens_in + tokens_out FROM usage_logs WHERE message_id = '$M'")" -gt 0
expect_eq "  ... charged nothing, its hold given back" "0|0" \
	"$(q "SELECT coalesce(sum(CASE WHEN kind = 'usage' THEN amount END), 0), sum(amount) FROM credit_ledger WHERE ref = '$M'")"

# --- after every fault above: the books agree
expect_eq "every charge is one reply's cost (success or stopped), nothing else" \
	"$(q "SELECT coalesce(sum(cost), 0) FROM usage_logs WHERE user_id = '$UIDX' AND status IN ('success', 'stopped')")" \
	"$(q "SELECT coalesce(-sum(amount), 0) FROM credit_ledger WHERE user_id = '$UIDX' AND kind = 'usage'")"
expect_eq "the balance is the grants less the charges: every hold given back" \
	"$(q "SELECT sum(amount) FROM credit_ledger WHERE user_id = '$UIDX'")" \
	"$(q "SELECT (SELECT sum(amount) FROM credit_ledger WHERE user_id = '$UIDX' AND kind NOT IN ('reserve', 'release', 'usage')) - coalesce(sum(cost), 0) FROM usage_logs WHERE user_id = '$UIDX' AND status IN ('success', 'stopped')")"
expect_eq "the plan's token count is the usage rows' tokens" \
	"$(q "SELECT sum(tokens_in + tokens_out) FROM usage_logs WHERE user_id = '$UIDX' AND type = 'chat' AND key_source = 'server' AND status IN ('success', 'error', 'stopped', 'interrupted')")" \
	"$(q "SELECT cum_tokens FROM quota_buckets WHERE user_id = '$UIDX' ORDER BY bucket DESC LIMIT 1")"
http "$A" GET /dashboard.json >/dev/null
expect_eq "the dashboard's cost (/dashboard.json) is the usage rows' cost" \
	"$(q "SELECT sum(cost) FROM usage_logs WHERE user_id = '$UIDX'")" \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)["metrics"]["totalCost"])' <"$TMP/body")"
expect_eq "no reply of this account is left queued or running" 0 \
	"$(q "SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = '$UIDX' AND m.status IN ('queued', 'running')")"
check "the worker logged no sanitizer report" bash -c "! grep -q 'Sanitizer\|runtime error' '$DATA/log/confabd-faults.log'"

done_testing
