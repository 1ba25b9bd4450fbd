#!/usr/bin/env bash
# ./run itself: serves, refuses a second run on the same data directory,
# and stops everything it started on SIGTERM.
. "$(dirname "$0")/lib.sh"

D=$TMP/data
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env -u CONFAB_CONFIG CONFAB_DATA_DIR="$D" CONFAB_PORT="$P" setsid "$ROOT/run" >"$TMP/run1.out" 2>&1 &
RUN=$!
for _ in $(seq 300); do grep -q 'is running at' "$TMP/run1.out" && break; sleep 0.1; done
check "./run prints the address" grep -q "confab is running at http://127.0.0.1:$P/" "$TMP/run1.out"
expect_eq "  ... and serves it" 200 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/login")"
check "  ... having created both databases" test -s "$D/user.db" -a -s "$D/data.db"
check "  ... and a key file readable only by its owner" test "$(stat -c %a "$D/secret.key")" = 600
expect_eq "  ... and a confab.ini readable only by its owner" 600 "$(stat -c %a "$D/confab.ini")"

# Its default: one process per core, 2 to 8, for each executable.
want=$(n=$(nproc); [ "$n" -lt 2 ] && n=2; [ "$n" -gt 8 ] && n=8; echo "$n")
sup=$(pgrep -f -- "[-]-listen $D/run/chat.sock" | head -1)
expect_eq "  ... with one chat process per core (2 to 8) when CONFAB_PROCS is unset" "$want" \
	"$(pgrep -P "$sup" | wc -l)"
sup=$(pgrep -f -- "[-]-listen $D/run/webhooks.sock" | head -1)
expect_eq "  ... and two of each executable that sees few requests (webhooks)" 2 \
	"$(pgrep -P "$sup" | wc -l)"
check "  ... and its nginx a worker per core" grep -q '^worker_processes auto;' "$D/nginx/nginx.conf"
check "  ... writing its access log in 64 KB buffers" \
	grep -q 'access_log .* buffer=64k flush=1s;' "$D/nginx/nginx.conf"
# An executable's own default is the same; --procs takes a count or auto.
CONFAB_DATA_DIR=$D CONFAB_CONFIG=$D/confab.ini CONFAB_SHARE_DIR=$ROOT \
	setsid "$BUILD/cgi-bin/webhooks" --listen "$TMP/w.sock" >"$TMP/w.out" 2>&1 &
W=$!
for _ in $(seq 50); do [ "$(pgrep -P "$W" | wc -l)" -ge "$want" ] && break; sleep 0.1; done
expect_eq "an executable's --listen without --procs starts one process per core" "$want" \
	"$(pgrep -P "$W" | wc -l)"
kill -TERM "$W"; wait "$W" 2>/dev/null
"$BUILD/cgi-bin/webhooks" --procs 0 >"$TMP/p0.out" 2>&1 && rc=0 || rc=$?
check "--procs 0 is refused" test "$rc" -eq 2
check "  ... saying what it takes" grep -q 'must be 1 to 64, or auto' "$TMP/p0.out"

env -u CONFAB_CONFIG CONFAB_DATA_DIR="$D" CONFAB_PORT="$((P + 1))" "$ROOT/run" >"$TMP/run2.out" 2>&1 && rc=0 || rc=$?
check "a second ./run on the same data directory fails" test "$rc" -ne 0
check "  ... saying one is already running" grep -q 'already running' "$TMP/run2.out"

kill -TERM "$RUN"
for _ in $(seq 100); do kill -0 "$RUN" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops ./run" bash -c "! kill -0 $RUN 2>/dev/null"
sleep 0.5
# (The [-] keeps these patterns from matching the shell that runs pgrep.)
check "  ... and every responder it started" bash -c "! pgrep -f -- '[-]-listen $D/run/' >/dev/null"
check "  ... and its nginx" bash -c "! pgrep -f -- 'nginx [-]p $D/nginx' >/dev/null"
check "  ... and the port is free again" bash -c "! curl -s -o /dev/null 'http://127.0.0.1:$P/login'"

done_testing
