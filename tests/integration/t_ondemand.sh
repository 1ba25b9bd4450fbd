#!/usr/bin/env bash
# No daemon: on a shared-host instance (CONFAB_NO_WORKER: Apache with
# .htaccess and mod_fcgid in tests/run-all) nothing runs between requests.
# A message starts the worker from the page executable that Apache spawned,
# the reply completes, and the worker leaves when idle. Behind a server
# whose instance runs a worker service, the same checks run on a second
# instance of the suite's config started without one, behind that server.
. "$(dirname "$0")/lib.sh"

if [ -z "${CONFAB_NO_WORKER:-}" ]; then
	OD=$(mktemp -d /tmp/confab-od.XXXXXX)
	if ! B=$(CONFAB_NO_WORKER=1 second_instance "$OD"); then
		not_ok "a confab without a worker service starts behind ${CONFAB_SERVER:-nginx}"
		rm -rf "$OD"; done_testing; exit 0
	fi
	# A worker left running by a failed check is stopped too.
	trap 'stop_second_instance "$OD"; p=$(head -1 "$OD/confabd.lock" 2>/dev/null);
		[ -n "$p" ] && ! flock -n "$OD/confabd.lock" true && kill "$p"; rm -rf "$TMP" "$OD"' EXIT
	BASE=$B DATA=$OD
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
if [ "$(id -u)" -eq 0 ] && [ "${CONFAB_SERVER:-nginx}" = apache ]; then
	# Apache's children run as www-data: the worker is theirs.
	expect_eq "  ... by a page executable Apache spawned (its user)" www-data "$(ps -o user= -p "$pid")"
else
	skip "the worker's user is checked behind Apache run as root (its children are www-data)"
fi
for _ in $(seq 100); do lease_free && break; sleep 0.1; done
check "  ... and it exits after its quiet spell" lease_free

done_testing
