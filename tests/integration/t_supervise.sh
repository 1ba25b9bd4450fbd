#!/usr/bin/env bash
# ./run keeps the site up: kill -9 of the worker, of a responder (its
# supervisor, or one of its processes), of nginx or of the demo provider
# leaves it answering within 5 s and the next reply completes; each restart
# is logged, with a delay that doubles for a process that keeps dying; and
# Ctrl-C still stops every process of the stack. Its own ./run, port and
# data directory, stopped however this script ends.
. "$(dirname "$0")/lib.sh"

D=$TMP/data
LOG=$D/log/run.log
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$P DATA=$D
RUN=""
: >"$TMP/groups"

# The processes of this stack: started with its data directory in their
# environment or on their command line, or in a process group the stack
# had (nginx's workers keep neither). Prints "PID COMMAND" lines.
stack_procs() {
	cat "$D/run/pids" >>"$TMP/groups" 2>/dev/null
	python3 - "$D" "$TMP/groups" "$ROOT" <<'PY'
import os, sys
d, groups, root = sys.argv[1], set(open(sys.argv[2]).read().split()), sys.argv[3]
for p in os.listdir('/proc'):
    if not p.isdigit() or int(p) in (os.getpid(), os.getppid()):
        continue
    try:
        env = open(f'/proc/{p}/environ', 'rb').read().split(b'\0')
        cmd = open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\0', b' ').decode(errors='replace')
        pgid = os.getpgid(int(p))
    except OSError:
        continue
    # In one of its groups: one of ours (nginx's workers), not a stranger
    # that was given a pid the stack once had.
    ours = cmd.startswith('nginx:') or root in cmd
    if cmd and (f'CONFAB_DATA_DIR={d}'.encode() in env or d in cmd or
                (str(pgid) in groups and ours)):
        print(p, cmd)
PY
}

cleanup() {
	if [ -n "$RUN" ] && kill -0 "$RUN" 2>/dev/null; then
		kill -TERM "$RUN"
		for _ in $(seq 100); do kill -0 "$RUN" 2>/dev/null || break; sleep 0.1; done
	fi
	( . "$ROOT/tools/stack.sh"; stop_stack "$D" ) >/dev/null 2>&1
	stack_procs | while read -r pid _; do kill -KILL "$pid" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_run [VAR=VALUE...]: ./run on $D and $P, as from a terminal (its own
# process group, SIGINT not ignored as it is for a background job).
start_run() {
	env -u CONFAB_CONFIG -u CONFAB_SERVER -u CONFAB_NO_WORKER -u CONFAB_DEMO_URL \
	    CONFAB_DATA_DIR="$D" CONFAB_PORT="$P" CONFAB_PROCS=2 "$@" \
	    env --default-signal=INT setsid "$ROOT/run" >"$TMP/run.out" 2>&1 &
	RUN=$!
	for _ in $(seq 600); do grep -q 'is running at' "$TMP/run.out" && break; sleep 0.1; done
	cat "$D/run/pids" >>"$TMP/groups"
}

# stop_run: Ctrl-C (SIGINT to ./run's process group); 0 once it has exited.
stop_run() {
	kill -INT -- "-$RUN"
	for _ in $(seq 150); do kill -0 "$RUN" 2>/dev/null || { RUN=""; return 0; }; sleep 0.1; done
	return 1
}

# pid_of PATTERN: the process of the stack whose command line matches the
# glob PATTERN now.
pid_of() {
	local p
	for p in $(cat "$D/run/pids"); do
		case $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) in $1) echo "$p"; return ;; esac
	done
}

# restarts NAME: how many times the log says NAME was restarted.
restarts() { grep -c "run: $1 (pid [0-9]*) .*; restarted after" "$LOG" 2>/dev/null; }

# wait_restarts NAME N: until NAME has been restarted N times (5 s at most).
wait_restarts() {
	for _ in $(seq 50); do [ "$(restarts "$1")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}

# none_alive PID...: 0 when none of them runs (gone, or a zombie not yet
# reaped by init), within 1 s.
none_alive() {
	local p left
	for _ in $(seq 10); do
		left=0
		for p; do
			case $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) in ""|Z*) ;; *) left=1 ;; esac
		done
		[ "$left" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# usecs: now, in microseconds.
usecs() { echo "${EPOCHREALTIME/./}"; }

# answers T0 PATH: 0 once the site answers PATH with 200 (signed in, or
# with cookie jar $JAR), within 5 s of time T0 (usecs); the milliseconds it
# took go to $TMP/took.
answers() {
	while [ $(($(usecs) - $1)) -lt 5000000 ]; do
		if [ "$(http "${JAR:-$A}" GET "$2")" = 200 ]; then
			echo $((($(usecs) - $1) / 1000)) >"$TMP/took"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# reply_completes TEXT: a message in chat $C gets its whole reply.
reply_completes() {
	local m
	[ "$(send "$A" "$C" "$1")" = 303 ] || return 1
	m=$(last_reply "$C")
	[ "$(wait_reply "$m" 20)" = done ] && [ -n "$(msg_field "$m" content)" ]
}

start_run
check "./run starts" grep -q "confab is running at http://127.0.0.1:$P/" "$TMP/run.out"
A=$TMP/a.jar
E=$(new_email)
signup "$A" "$E" 'password one' >/dev/null
C=$(new_chat "$A" "supervised")
check "  ... and a reply completes (the demo model)" reply_completes "hello"
m=$(last_reply "$C")
msg_field "$m" content >"$TMP/demo.txt"
check "  ... which says it is simulated" grep -q '^\*Simulated answer' "$TMP/demo.txt"
check "  ... and answers the question it was asked" grep -qx '> hello' "$TMP/demo.txt"
# A chat with an automatic title gets its question's words from the demo.
demo_title() {
	local c t=''
	c=$(new_chat "$A")
	[ "$(send "$A" "$c" "$1")" = 303 ] || return 1
	for _ in $(seq 100); do
		t=$(sqlite3 "$DATA/data.db" "SELECT title FROM chats WHERE id = '$c' AND title_auto = 0")
		[ -n "$t" ] && break
		sleep 0.1
	done
	printf '%s' "$t"
}
expect_eq "  ... each chat titled by its question" "Why is the sky blue|Tabs or spaces" \
	"$(demo_title "why is the sky blue?")|$(demo_title "Tabs or spaces?")"

# --- the worker
w=$(pid_of '*/worker/confabd *')
t0=$(usecs); kill -KILL "$w"
check "kill -9 of confabd: the log says it was restarted" wait_restarts confabd 1
check "  ... naming it, its pid and the signal" \
	grep -q "run: confabd (pid $w) was killed by signal 9 (KILL) after [0-9]* s; restarted after 0.1 s as pid [0-9]*" "$LOG"
check "  ... on ./run's output too" grep -q "run: confabd (pid $w) .*restarted" "$TMP/run.out"
check "  ... the site answers within 5 s" answers "$t0" "/chat/$C"
check "  ... and the next reply completes" reply_completes "after the worker died"

# --- a process that keeps dying waits longer each time
for n in 2 3 4; do
	w=$(pid_of '*/worker/confabd *')
	kill -KILL "$w"
	wait_restarts confabd "$n"
done
expect_eq "confabd killed 3 more times at once: restarted after 0.1, 0.2, 0.4, 0.8 s" \
	"0.1 0.2 0.4 0.8" \
	"$(sed -n 's/.*run: confabd (pid [0-9]*) .*; restarted after \([0-9.]*\) s.*/\1/p' "$LOG" | paste -sd' ')"
check "  ... and still serves" reply_completes "after four deaths"

# --- a responder: its supervisor, with the processes it forked
r=$(pid_of '*/cgi-bin/chat --listen *')
kids=$(pgrep -P "$r" | paste -sd' ')
t0=$(usecs); kill -KILL "$r"
check "kill -9 of the chat responder's supervisor: restarted" wait_restarts chat 1
check "  ... logged with its pid" grep -q "run: chat (pid $r) was killed by signal 9 (KILL)" "$LOG"
check "  ... its processes ($kids) do not linger on the old socket" none_alive $kids
check "  ... the chat page answers within 5 s" answers "$t0" "/chat/$C"
echo "#   in $(cat "$TMP/took" 2>/dev/null) ms"
check "  ... and the next reply completes" reply_completes "after the responder died"

# --- one process of a responder: its own supervisor forks another
r=$(pid_of '*/cgi-bin/login --listen *')
first=$(pgrep -P "$r")
k=$(echo "$first" | head -1)
kill -KILL "$k"
for _ in $(seq 30); do
	[ "$(pgrep -P "$r" | grep -vx "$k" | wc -l)" -eq 2 ] && break; sleep 0.1
done
expect_eq "kill -9 of a login process: its supervisor has 2 again" 2 "$(pgrep -P "$r" | grep -vx "$k" | wc -l)"
expect_eq "  ... which ./run leaves alone" 0 "$(restarts login)"
# The new one at once too: its supervisor waits a second, then forks again.
k2=$(pgrep -P "$r" | grep -vxF "$first")
kill -KILL "$k2"
for _ in $(seq 30); do
	[ "$(pgrep -P "$r" | grep -vx "$k2" | wc -l)" -eq 2 ] && break; sleep 0.1
done
expect_eq "  ... and again when the new one is killed at once" 2 "$(pgrep -P "$r" | grep -vx "$k2" | wc -l)"
JAR=$TMP/anon.jar check "  ... and the sign-in page answers" answers "$(usecs)" /login

# --- the web server
n=$(pid_of 'nginx: master*')
workers=$(pgrep -P "$n" | paste -sd' ')
t0=$(usecs); kill -KILL "$n"
check "kill -9 of nginx: restarted" wait_restarts nginx 1
check "  ... logged with its pid" grep -q "run: nginx (pid $n) was killed by signal 9 (KILL)" "$LOG"
check "  ... its workers ($workers) gone" none_alive $workers
check "  ... the site answers within 5 s" answers "$t0" "/chat/$C"
echo "#   in $(cat "$TMP/took" 2>/dev/null) ms"
check "  ... and the next reply completes" reply_completes "after nginx died"

# --- the demo provider comes back on the port the worker knows
s=$(pid_of '*/tools/provsim *')
kill -KILL "$s"
check "kill -9 of the demo provider: restarted" wait_restarts provsim 1
check "  ... and the next reply completes" reply_completes "after the provider died"

# --- Ctrl-C
stack_procs >"$TMP/before"
check "Ctrl-C stops ./run" stop_run
check "  ... saying so" grep -q 'run: stopped' "$TMP/run.out"
stack_procs >"$TMP/left"
check "  ... leaving no process of the stack (of $(wc -l <"$TMP/before") running before)" \
	test ! -s "$TMP/left"
[ -s "$TMP/left" ] && sed 's/^/#   left: /' "$TMP/left"
check "  ... and the port free" bash -c "! curl -s -o /dev/null 'http://127.0.0.1:$P/login'"

# --- on demand (CONFAB_NO_WORKER): no worker to supervise; a page starts
# one, and Ctrl-C stops it too
start_run CONFAB_NO_WORKER=1
check "CONFAB_NO_WORKER=1 ./run starts" grep -q "confab is running at" "$TMP/run.out"
check "  ... running no worker" bash -c "flock -n '$D/confabd.lock' true"
login "$A" "$E" 'password one' >/dev/null
check "  ... a reply completes, by a worker a page started" reply_completes "on demand"
w=$(head -1 "$D/confabd.lock")
check "  ... not one of ./run's" bash -c "! grep -qx '$w' '$D/run/pids'"
check "Ctrl-C stops it" stop_run
stack_procs >"$TMP/left"
check "  ... and that worker too: no process of the stack left" test ! -s "$TMP/left"
[ -s "$TMP/left" ] && sed 's/^/#   left: /' "$TMP/left"
done_testing
exit 0
