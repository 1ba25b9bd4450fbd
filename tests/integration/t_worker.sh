#!/usr/bin/env bash
# confabd under stress and failure: one lease per data directory, many
# streams at once, kill -9 and SIGTERM mid-reply, and starting on demand
# where no service may run. Runs last: it stops and restarts the worker.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null

worker_pid() { head -1 "$DATA/confabd.lock" 2>/dev/null; }
lease_free() { flock -n "$DATA/confabd.lock" true; }
# --wait: this test's own lease_free probes hold the lock for an instant, and
# a worker that met one would otherwise exit at once.
# In a subshell, so that the worker is not this script's child for `wait`.
start_worker() {
	( "$BUILD/worker/confabd" --wait >>"$DATA/log/confabd.log" 2>&1 &
	  echo $! >>"$DATA/run/pids" )
	for _ in $(seq 100); do lease_free || return 0; sleep 0.1; done
}
running_count() { sqlite3 "$DATA/data.db" "SELECT count(*) FROM messages WHERE status IN ('running', 'queued')"; }

# --- one worker per data directory
# A shared-host instance (CONFAB_NO_WORKER) runs no service: start one here
# for the tests that stop it.
if [ -n "${CONFAB_NO_WORKER:-}" ] && lease_free; then start_worker; fi
check "a worker holds the lease" bash -c "! flock -n '$DATA/confabd.lock' true"
timeout 10 "$BUILD/worker/confabd" >"$TMP/second.out" 2>&1 && rc=0 || rc=$?
expect_eq "a second worker exits at once" 0 "$rc"
check "  ... saying another holds the lease" grep -q 'another confabd holds the lease' "$TMP/second.out"

# --- 20 chats streaming at once, all intact
for i in $(seq 20); do new_chat "$A" "parallel $i" >>"$TMP/chats"; done
# Each parallel sender has its own copy of the cookie jar and its own files:
# curl rewrites the jar it is given.
i=0
while read -r c; do
	i=$((i + 1))
	cp "$A" "$TMP/p$i.jar"
	tok=$(csrf_for "$TMP/p$i.jar" "/chat/$c")
	curl -s -o /dev/null -b "$TMP/p$i.jar" --data-urlencode "csrf=$tok" \
		--data-urlencode "content=parallel message number $i with some words" \
		--data-urlencode model=sim-lorem "$BASE/chat/$c" &
done <"$TMP/chats"
wait
ok_all=1
while read -r c; do
	m=$(last_reply "$c")
	[ "$(wait_reply "$m" 30)" = done ] || ok_all=0
	content=$(msg_field "$m" content)
	[ "$content" = "$(msg_field "$(last_reply "$(head -1 "$TMP/chats")")" content)" ] || ok_all=0
	[ -n "$content" ] || ok_all=0
done <"$TMP/chats"
check "20 replies streamed at once all end done with the same full text" test $ok_all = 1
expect_eq "  ... and every one is logged" 20 "$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM usage_logs WHERE type = 'chat' AND chat_id IN ($(sed "s/.*/'&'/" "$TMP/chats" | paste -sd,))")"

# --- kill -9 mid-stream, restart: nothing stays running
C=$(new_chat "$A" "killed")
send "$A" "$C" "keep writing" sim-slow >/dev/null
M=$(last_reply "$C")
wait_text "$M"
pid=$(worker_pid)
kill -9 "$pid"
for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
expect_eq "after kill -9 the reply is left running" running "$(msg_field "$M" status)"
start_worker
expect_eq "a restarted worker ends it failed" failed "$(wait_reply "$M" 10)"
check "  ... saying it was interrupted" grep -q 'interrupted' <<<"$(msg_field "$M" error)"
check "  ... keeping the text written before" test -n "$(msg_field "$M" content)"
expect_eq "  ... and no message is left running or queued" 0 "$(running_count)"
http "$A" GET "/chat/$C" >/dev/null
check "  ... the page shows it failed, in role=alert" grep -q 'role="alert">This reply was interrupted' "$TMP/body"

# --- SIGTERM ends the worker cleanly
C=$(new_chat "$A" "terminated")
send "$A" "$C" "keep writing" sim-slow >/dev/null
M=$(last_reply "$C")
sleep 0.5
pid=$(worker_pid)
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops the worker within 5 s" bash -c "! kill -0 $pid 2>/dev/null"
expect_eq "  ... ending its reply failed" failed "$(msg_field "$M" status)"
check "  ... saying the worker was stopped" grep -q 'worker was stopped' <<<"$(msg_field "$M" error)"
expect_eq "  ... with nothing left running" 0 "$(running_count)"

# --- no service: the page starts the worker, which leaves when idle
check "no worker runs now" lease_free
C=$(new_chat "$A" "on demand")
send "$A" "$C" "is anyone there" sim >/dev/null
M=$(last_reply "$C")
expect_eq "with no worker running, sending starts one and the reply completes" done "$(wait_reply "$M" 15)"
expect_eq "  ... intact" "You said: is anyone there" "$(msg_field "$M" content)"
pid=$(worker_pid)
check "  ... the worker was started by the page (not by this test)" bash -c "! grep -qx '$pid' '$DATA/run/pids'"
for _ in $(seq 100); do lease_free && break; sleep 0.1; done
check "  ... and it exits after its quiet spell" lease_free
check "  ... saying so in its log" grep -q 'idle for 2 s; exiting' "$DATA/log/confabd.log"

start_worker
if lease_free; then
	not_ok "the service worker is back for whatever runs next" "$(tail -5 "$DATA/log/confabd.log")"
else
	ok "the service worker is back for whatever runs next"
fi

done_testing
