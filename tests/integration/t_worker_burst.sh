#!/usr/bin/env bash
# A backlog and a burst of ends: 300 replies queued in one transaction (as
# bench/streams queues them) on an instance whose tick is 5 ms, so that
# claiming them takes several batches and their ends, which all come
# together, cannot fit in half a tick: most wait for later ticks. Every
# reply must still end done with its whole text, logged once, nothing left
# behind.
. "$(dirname "$0")/lib.sh"

N=300
BD=$TMP/burst
mkdir -p "$BD"
sed 's/^\[worker\]$/[worker]\ntick_ms = 5/' "$CONFAB_CONFIG" >"$TMP/burst.ini"
chmod 600 "$TMP/burst.ini"
if ! B=$(CONFAB_CONFIG=$TMP/burst.ini second_instance "$BD"); then
	check "a second instance with tick_ms = 5 starts" false
	done_testing
	exit
fi
trap 'stop_second_instance "$BD"' EXIT
check "a second instance with tick_ms = 5 starts" test -n "$B"
for _ in $(seq 100); do [ -s "$BD/data.db" ] && [ -s "$BD/confabd.lock" ] && break; sleep 0.1; done

# The user id is data.db's by value (no user.db row is needed to stream).
python3 - "$BD/data.db" "$N" <<'PY'
import sqlite3, sys, time, uuid
db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db, timeout=30, isolation_level=None)
con.execute("PRAGMA foreign_keys = ON")
now, user = int(time.time() * 1000), str(uuid.uuid4())
con.execute("BEGIN IMMEDIATE")
for i in range(n):
    chat, umsg, amsg = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    con.execute("INSERT INTO chats (id, user_id, title, title_auto, model, created_at, updated_at) "
                "VALUES (?, ?, ?, 0, 'sim-fast', ?, ?)", (chat, user, f"Burst {i}", now, now))
    con.execute("INSERT INTO messages (id, chat_id, seq, role, content, status, created_at, completed_at) "
                "VALUES (?, ?, 1, 'user', ?, 'done', ?, ?)", (umsg, chat, f"burst number {i} of many", now, now))
    con.execute("INSERT INTO messages (id, chat_id, seq, role, status, model, created_at) "
                "VALUES (?, ?, 2, 'assistant', 'queued', 'sim-fast', ?)", (amsg, chat, now))
    con.execute("INSERT INTO jobs (message_id, chat_id, user_id, created_at) VALUES (?, ?, ?, ?)",
                (amsg, chat, user, now))
con.execute("COMMIT")
PY

live() { sqlite3 "$BD/data.db" "SELECT count(*) FROM messages WHERE role = 'assistant' AND status IN ('queued', 'running')"; }
for _ in $(seq 300); do [ "$(live)" = 0 ] && break; sleep 0.1; done
expect_eq "all $N queued replies end" 0 "$(live)"
expect_eq "  ... every one done" "$N" "$(sqlite3 "$BD/data.db" "SELECT count(*) FROM messages WHERE role = 'assistant' AND status = 'done'")"
expect_eq "  ... each with its whole text (the echo of its message)" "$N" "$(sqlite3 "$BD/data.db" \
	"SELECT count(*) FROM messages a JOIN messages u ON u.chat_id = a.chat_id AND u.seq = 1
	 WHERE a.role = 'assistant' AND a.content = 'You said: ' || u.content AND a.html LIKE '%You said%'")"
expect_eq "  ... and one usage row each" "$N" "$(sqlite3 "$BD/data.db" "SELECT count(*) FROM usage_logs WHERE type = 'chat' AND status = 'success'")"
expect_eq "  ... no part or job left" "0 0" "$(sqlite3 "$BD/data.db" "SELECT (SELECT count(*) FROM message_parts), (SELECT count(*) FROM jobs)" | tr '|' ' ')"
check "  ... the ends past half a tick waited for later ticks" \
	grep -q 'replies ended in one tick; [0-9]* more wait for the next ticks' "$BD/log/confabd.log"
check "  ... and the worker logged no error" bash -c "! grep -q ' error: ' '$BD/log/confabd.log'"

done_testing
