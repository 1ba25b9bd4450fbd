#!/usr/bin/env bash
# No daemon: on a shared-host instance (CONFAB_NO_WORKER: Apache with
# .htaccess and mod_fcgid in tests/run-all) nothing runs between requests.
# A message starts the worker from the page executable that Apache spawned,
# the reply completes, and the worker leaves when idle.
. "$(dirname "$0")/lib.sh"

if [ -z "${CONFAB_NO_WORKER:-}" ]; then
	echo "# skipped: a worker service runs on this instance"; exit 0
fi
lease_free() { flock -n "$DATA/confabd.lock" true; }
# An earlier script's worker may still be in its quiet spell (2 s here).
for _ in $(seq 100); do lease_free && break; sleep 0.1; done
check "no worker runs before the message" lease_free

A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
C=$(new_chat "$A" "no daemon")
expect_eq "sending answers 303" 303 "$(send "$A" "$C" "anyone home" sim)"
M=$(last_reply "$C")
expect_eq "the reply completes" done "$(wait_reply "$M" 15)"
expect_eq "  ... intact" "You said: anyone home" "$(msg_field "$M" content)"
http "$A" GET "/chat/$C" >/dev/null
check "  ... and the page shows it done" grep -q "id=\"m-$M\"[^>]*data-status=\"done\"" "$TMP/body"
pid=$(head -1 "$DATA/confabd.lock")
check "a worker was started (pid ${pid:-none})" kill -0 "${pid:-0}"
if [ "$(id -u)" -eq 0 ]; then
	# Apache's children run as www-data: the worker is theirs.
	expect_eq "  ... by a page executable Apache spawned (its user)" www-data "$(ps -o user= -p "$pid")"
fi
for _ in $(seq 100); do lease_free && break; sleep 0.1; done
check "  ... and it exits after its quiet spell" lease_free
