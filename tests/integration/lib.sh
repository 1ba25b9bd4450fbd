# tests/integration/lib.sh — helpers for integration tests that drive a
# running confab through real nginx with curl. Sourced by each t_*.sh, which
# the runner starts with BASE (http://127.0.0.1:PORT), DATA (the instance's
# data directory), ROOT and BUILD set. Each check prints one TAP-like line,
# "ok - what" or "not ok - what", which the runner counts; "ok - # SKIP why"
# is counted as skipped.
#
# The plan: each script's last line is done_testing, which prints the TAP
# plan "1..N", N the checks it ran. The runner fails a script that prints
# no plan (it ended early: an exit, a set -e, a crash or a timeout before
# its end) or whose plan differs from the ok/not ok lines it counted (a
# check printed around these helpers). A plan stated up front ("plan 42")
# was the other choice; it was not taken because many counts depend on the
# server, on running as root, on the tools installed and on loops over
# models, so a hand-kept number would be wrong behind one server or after
# every edit, and would teach people to ignore it. What a plan must catch,
# an early end, done_testing catches. A script that cannot run its checks
# says why with skip_all.

set -u
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# One line per check, in a file so that checks run in subshells count too.
TAP_RAN=$TMP/.tap-ran
: >"$TAP_RAN"

ok() { printf 'ok - %s\n' "$1"; echo >>"$TAP_RAN"; }
not_ok() {
	printf 'not ok - %s\n' "$1"; echo >>"$TAP_RAN"
	[ $# -gt 1 ] && printf '#   %s\n' "${@:2}"; return 0
}
# skip WHY: one check that could not run here (counted as skipped).
skip() { ok "# SKIP $1"; }
# skip_all WHY: none of this script's checks can run here; ends the script.
skip_all() { skip "$1"; done_testing; exit 0; }
# done_testing: the script's last line; prints the plan.
done_testing() { printf '1..%d\n' "$(wc -l <"$TAP_RAN")"; }
# tap <FILE: pass on TAP lines another program printed, counting its checks.
tap() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in "ok "*|"not ok "*) echo >>"$TAP_RAN" ;; esac
	done
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# A unique email for this run.
new_email() { printf 'u%s%04d@example.org' "$(date +%s%N | tail -c 9)" "$RANDOM"; }

# http JAR METHOD PATH [curl args...]: prints the status code; the body goes
# to $TMP/body and headers to $TMP/headers.
http() {
	local jar=$1 method=$2 path=$3; shift 3
	curl -s -o "$TMP/body" -D "$TMP/headers" -b "$jar" -c "$jar" -X "$method" \
		-w '%{http_code}' "$@" "$BASE$path"
}

# The csrf token in the last body (the first form's).
csrf_from_body() {
	grep -o 'name="csrf" value="[^"]*"' "$TMP/body" | head -1 | sed 's/.*value="//; s/"$//'
}

# csrf_for JAR PATH: GET the page and print its csrf token.
csrf_for() {
	http "$1" GET "$2" >/dev/null
	csrf_from_body
}

# post JAR PATH field=value...: POST a form with the csrf token of PATH's
# page (or of CSRF_PAGE when set); prints the status.
post() {
	local jar=$1 path=$2 token args=(); shift 2
	token=$(csrf_for "$jar" "${CSRF_PAGE:-/chats}")
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	http "$jar" POST "$path" --data-urlencode "csrf=$token" "${args[@]}"
}

# signup JAR EMAIL PASSWORD [TIMEZONE]: a new account, signed in in JAR.
signup() {
	local token
	token=$(csrf_for "$1" /signup)
	http "$1" POST /signup --data-urlencode "csrf=$token" --data-urlencode "email=$2" \
		--data-urlencode "password=$3" --data-urlencode "timezone=${4:-UTC}"
}

# login JAR EMAIL PASSWORD: prints the status.
login() {
	local token
	token=$(csrf_for "$1" /login)
	http "$1" POST /login --data-urlencode "csrf=$token" --data-urlencode "email=$2" \
		--data-urlencode "password=$3"
}

# The value of header NAME in the last response.
header() { grep -i "^$1:" "$TMP/headers" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'; }

# new_chat JAR [TITLE]: creates a chat, prints its id.
new_chat() {
	local jar=$1
	post "$jar" /chats "title=${2:-}" >/dev/null
	header Location | sed 's#.*/chat/##'
}

# send JAR CHAT_ID CONTENT [MODEL]: POST a message to a chat; prints the status.
send() {
	local token
	token=$(csrf_for "$1" "/chat/$2")
	http "$1" POST "/chat/$2" --data-urlencode "csrf=$token" --data-urlencode "content=$3" \
		--data-urlencode "model=${4:-}"
}

# last_reply CHAT_ID: the id of the chat's newest assistant message.
last_reply() {
	sqlite3 "$DATA/data.db" "SELECT id FROM messages WHERE chat_id = '$1' AND role = 'assistant' ORDER BY seq DESC LIMIT 1"
}

# msg_field MSG_ID COLUMN: one column of a message.
# message_html MID: that message's element from the last page: its <li>
# up to the next message's or the list's end (the page omits </li>).
message_html() {
	python3 - "$TMP/body" "$1" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<li id="m-%s".*?(?=<li id="m-|</ol>)' % re.escape(sys.argv[2]), html, re.S)
print(m.group(0) if m else "")
PY
}
msg_field() { sqlite3 "$DATA/data.db" "SELECT $2 FROM messages WHERE id = '$1'"; }

# wait_reply MSG_ID [SECONDS]: wait until the message is no longer queued
# or running; prints its final status ("timeout" if it never ends).
wait_reply() {
	local s
	for _ in $(seq $((${2:-20} * 10))); do
		s=$(msg_field "$1" status)
		case $s in queued|running) sleep 0.1 ;; *) echo "$s"; return ;; esac
	done
	echo timeout
}

# wait_text MSG_ID: wait (up to 5 s) until a reply has some text written.
wait_text() {
	for _ in $(seq 50); do
		[ -n "$(sqlite3 "$DATA/data.db" "SELECT 1 FROM message_parts WHERE message_id = '$1' LIMIT 1")" ] && return 0
		sleep 0.1
	done
	return 1
}

# second_instance DIR: start another confab (responders, worker, nginx) on
# data directory DIR and a free port, with the suite's config; prints its
# base URL. Stop it with stop_second_instance DIR. For tests that restore or
# create a data directory and then use it through the web.
second_instance() {
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# shellcheck source=../../tools/stack.sh
	( . "$ROOT/tools/stack.sh"; start_stack "$1" "$port" ) >>"$TMP/second-instance.log" 2>&1 ||
		{ tail -20 "$TMP/second-instance.log" >&2; return 1; }
	echo "http://127.0.0.1:$port"
}
stop_second_instance() { ( . "$ROOT/tools/stack.sh"; stop_stack "$1" ); }
