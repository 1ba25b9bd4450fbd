#!/usr/bin/env bash
# Hostile provider streams (tools/provsim.md, the hostile fail= modes): while
# ordinary replies stream, others send data lines with no blank line, a
# line with no end, keep-alives only (slowly, and flat out) or well-formed
# events that carry no text. The worker must stay small, end each hostile
# reply failed with a clear sentence and its text kept, and finish the
# ordinary ones. Then a worker with a short reply_timeout ends a reply that
# trickles text forever.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null

worker_pid() { head -1 "$DATA/confabd.lock" 2>/dev/null; }
lease_free() { flock -n "$DATA/confabd.lock" true; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
LIMIT_KIB=$((64 * 1024))

# start MODEL TEXT: a new chat with one message to MODEL; prints the reply's id.
start() {
	local c
	c=$(new_chat "$A" "$1")
	send "$A" "$c" "$2" "$1" >/dev/null
	echo "$c $(last_reply "$c")"
}

PID=$(worker_pid)
check "a worker is running" test -n "$PID" -a -d "/proc/${PID:-none}"
echo "# confabd $PID starts at $(rss_kib "$PID") KiB"

NORMAL=()
for i in 1 2 3 4; do NORMAL+=("$(start sim-lorem-steady "steady $i")"); done
wait_text "$(echo "${NORMAL[0]}" | cut -d' ' -f2)"

# model|words the failure sentence has (as data.db keeps it)
HOSTILE=(
	"sim-hostile-data|sent an event larger than confab's limit of 1024 KiB (event size limit)"
	"sim-hostile-line|sent a line larger than confab's limit of 1024 KiB (event size limit)"
	"sim-hostile-keepalive|brought no new text for 2 seconds in the middle of the reply (silence timeout)"
	"sim-hostile-empty|brought no new text for 2 seconds in the middle of the reply (silence timeout)"
	"sim-hostile-flood|went past confab's limit of 64 MiB for one response (response size limit) OR brought no new text for 2 seconds in the middle of the reply (silence timeout)"
	"sim-claude-hostile-empty|brought no new text for 2 seconds in the middle of the reply (silence timeout)"
	"sim-gemini-hostile-data|sent an event larger than confab's limit of 1024 KiB (event size limit)"
	"sim-ollama-hostile-line|sent a line larger than confab's limit of 1024 KiB (event size limit)"
)
IDS=()
for h in "${HOSTILE[@]}" "${HOSTILE[@]}"; do
	IDS+=("$(start "${h%%|*}" "hostile one two three four five six seven eight")")
done

# Watch the worker's memory until every reply has ended. Were it to pass
# the limit, stop the hostile replies so that the machine is not taken down
# with it.
peak=0 stopped=""
for _ in $(seq 300); do
	r=$(rss_kib "$PID")
	[ "$r" -gt "$peak" ] && peak=$r
	if [ "$peak" -gt "$LIMIT_KIB" ] && [ -z "$stopped" ]; then
		stopped=1
		for cm in "${IDS[@]}"; do
			CSRF_PAGE="/chat/${cm%% *}" post "$A" "/chat/${cm%% *}/stop" >/dev/null
		done
	fi
	[ "$(sqlite3 "$DATA/data.db" "SELECT count(*) FROM messages WHERE status IN ('queued', 'running')")" = 0 ] && break
	sleep 0.1
done
echo "# confabd peak RSS while the hostile replies ran: $peak KiB (sampled every 0.1 s;" \
	"$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID/status") KiB high-water mark over its life)"
check "the worker's memory stays under 64 MB ($peak KiB at most)" test "$peak" -le "$LIMIT_KIB"
check "  ... and it is still running" test -d "/proc/$PID"

i=0
for h in "${HOSTILE[@]}" "${HOSTILE[@]}"; do
	model=${h%%|*} words=${h#*|}
	c=${IDS[$i]%% *} m=${IDS[$i]#* }
	i=$((i + 1))
	expect_eq "$model ($i) ends failed" failed "$(wait_reply "$m" 10)"
	err=$(msg_field "$m" error)
	# A flood ends at whichever bound it meets first: 64 MiB, or 2 s with
	# no progress on a slow (sanitizer) build. Either is a clear end.
	alts=() rest=$words
	while [[ $rest == *" OR "* ]]; do
		alts+=(-e "The provider's stream ${rest%% OR *}; the text so far is kept.")
		rest=${rest#* OR }
	done
	alts+=(-e "The provider's stream $rest; the text so far is kept.")
	check "  ... saying the provider's stream ${words%% OR *}" grep -qF "${alts[@]}" <<<"$err"
	text=$(msg_field "$m" content)
	check "  ... keeping the text so far ('$text')" \
		grep -q '^You said: hostile one' <<<"$text"
	if [ "$i" -le ${#HOSTILE[@]} ]; then
		http "$A" GET "/chat/$c" >/dev/null
		check "  ... which the page shows in role=alert" \
			grep -q "role=\"alert\">The provider&#39;s stream" "$TMP/body"
	fi
done
for cm in "${NORMAL[@]}"; do
	m=${cm#* }
	expect_eq "an ordinary reply streaming meanwhile ends done" done "$(wait_reply "$m" 30)"
	check "  ... with its whole text" grep -q 'consequat. Duis aute irure dolor' <<<"$(msg_field "$m" content)"
done

# --- a provider's error text: whose key, the key masked, valid JSON
cm=$(start sim-401 "a key")
c=${cm%% *} m=${cm#* }
expect_eq "a refused key ends failed" failed "$(wait_reply "$m")"
expect_eq "  ... saying whose key, for which provider" \
	"The server's key for sim was refused (HTTP 401). The server's administrator needs to check it." \
	"$(msg_field "$m" error)"
check "  ... the worker's log keeps the provider's words, the key masked" \
	grep -qF "message $m: HTTP 401 from sim: Incorrect API key provided: [hidden]." "$DATA/log/confabd.log"
check "  ... and nowhere the key fragment" bash -c "! grep -q 'sk-\.\.\.abcd' '$DATA/log/confabd.log'"
expect_eq "  ... and the poll answers it" 200 "$(http "$A" GET "/chat/$c/poll?m=$m&from=0")"
check "  ... as JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$TMP/body"

# --- reply_timeout: a worker whose replies may take 3 seconds in all
sed 's/^\[worker\]$/[worker]\nreply_timeout = 3/' "$CONFAB_CONFIG" >"$TMP/short.ini"
kill -TERM "$PID"
for _ in $(seq 100); do lease_free && break; sleep 0.1; done
( CONFAB_CONFIG=$TMP/short.ini "$BUILD/worker/confabd" --wait >>"$DATA/log/confabd.log" 2>&1 &
  echo $! >>"$DATA/run/pids" )
for _ in $(seq 100); do lease_free || break; sleep 0.1; done
cm=$(start sim-slow "trickle")
m=${cm#* }
expect_eq "a reply that trickles text for 20 s, past reply_timeout = 3: failed" failed "$(wait_reply "$m" 15)"
check "  ... saying so" grep -qF "The provider's stream was still going after 3 seconds, confab's limit for one reply (reply timeout); the text so far is kept." <<<"$(msg_field "$m" error)"
check "  ... keeping its text" test -n "$(msg_field "$m" content)"

# The suite's own worker again.
kill -TERM "$(worker_pid)"
for _ in $(seq 100); do lease_free && break; sleep 0.1; done
( "$BUILD/worker/confabd" --wait >>"$DATA/log/confabd.log" 2>&1 &
  echo $! >>"$DATA/run/pids" )
for _ in $(seq 100); do lease_free || break; sleep 0.1; done
check "the worker with the suite's config is back" bash -c "! flock -n '$DATA/confabd.lock' true"

done_testing
