# tools/stack-supervise.sh — keep what start_stack started running, for
# ./run. Sourced by tools/stack.sh.
#
# When a process ends, however it ends, what is left of its process group
# is killed (the workers of an nginx, the children of a responder) and it is
# started again, with the same command and logs, after a delay: 0.1 s the
# first time, doubled each time it dies again within STACK_STABLE_S seconds
# of its start, up to 30 s; one that stayed up that long starts again at
# 0.1 s. So a process that dies at once is retried ever more slowly rather
# than in a loop. Each restart is a line, with the word "restarted", the
# name, the pid and how it ended, on stdout and in the log file.

STACK_STABLE_S=30
STACK_BACKOFF_MS=(100 30000)
STACK_TIMERS=()

# supervise_stack LOG: never returns; the caller's trap on INT and TERM
# stops the stack (stop_stack also ends the timers started here).
supervise_stack() {
	local log=$1 who st wst pid name tick="" d t
	local -A started=() delay=() used=() why=() timer=()
	for pid in "${STACK_PIDS[@]}"; do started[${STACK_NAME[$pid]:-?}]=$EPOCHSECONDS; done
	while :; do
		# A timer that wakes this loop now and then: a process killed by
		# a signal while the shell ran something else is reaped and
		# forgotten by bash (wait -n misses it); the scan below finds it.
		if [ -z "$tick" ]; then sleep 5 & tick=$!; fi
		STACK_TIMERS=("$tick" "${!timer[@]}")
		who="" wst=0
		wait -n -p who "${STACK_PIDS[@]}" "${STACK_TIMERS[@]}" 2>/dev/null || wst=$?
		[ "$who" = "$tick" ] && tick=""
		for pid in "${STACK_PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null && continue
			st=$wst
			[ "$pid" = "$who" ] || { st=0; wait "$pid" 2>/dev/null || st=$?; }
			name=${STACK_NAME[$pid]:-?}
			stack_forget "$pid"
			# Whatever it forked that is still running goes with it.
			kill -KILL -- "-$pid" 2>/dev/null || true
			if [ -z "${STACK_CMD[$name]:-}" ]; then
				stack_log "$log" "pid $pid $(stack_how "$st"); not started again"
				continue
			fi
			t=$((EPOCHSECONDS - ${started[$name]}))
			d=${delay[$name]:-${STACK_BACKOFF_MS[0]}}
			[ "$t" -lt "$STACK_STABLE_S" ] || d=${STACK_BACKOFF_MS[0]}
			used[$name]=$d
			delay[$name]=$((d * 2 > STACK_BACKOFF_MS[1] ? STACK_BACKOFF_MS[1] : d * 2))
			why[$name]="$name (pid $pid) $(stack_how "$st") after $t s"
			sleep "$(stack_secs "$d")" &
			timer[$!]=$name
			[ "$d" -lt 1000 ] ||
				stack_log "$log" "${why[$name]}; starting it again in $(stack_secs "$d") s"
		done
		for t in "${!timer[@]}"; do
			kill -0 "$t" 2>/dev/null && continue
			[ "$t" = "$who" ] || wait "$t" 2>/dev/null || true
			name=${timer[$t]}
			unset "timer[$t]"
			stack_respawn "$name"
			started[$name]=$EPOCHSECONDS
			stack_log "$log" "${why[$name]}; restarted after $(stack_secs "${used[$name]}") s as pid ${STACK_PIDS[-1]}"
		done
	done
}

# stack_respawn NAME: start NAME again as start_stack did.
stack_respawn() {
	eval "stack_spawn \"\$1\" \"\${STACK_OUT[\$1]}\" \"\${STACK_ERR[\$1]}\" ${STACK_CMD[$1]}"
	[ -z "${STACK_AFTER[$1]:-}" ] || eval "${STACK_AFTER[$1]}" || true
}

# stack_forget PID: PID is no longer part of the stack.
stack_forget() {
	local p keep=()
	for p in "${STACK_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	STACK_PIDS=("${keep[@]}")
	unset "STACK_NAME[$1]"
	grep -vx -- "$1" "$STACK_DATA/run/pids" >"$STACK_DATA/run/pids.new" || true
	mv "$STACK_DATA/run/pids.new" "$STACK_DATA/run/pids"
}

# stack_how STATUS: how a process with exit status STATUS (as wait gives
# it) ended.
stack_how() {
	if [ "$1" -gt 128 ] && [ "$1" -le 192 ]; then
		echo "was killed by signal $(($1 - 128)) ($(kill -l "$(($1 - 128))"))"
	elif [ "$1" -eq 127 ]; then
		echo "ended (exit status lost)"
	else
		echo "exited with status $1"
	fi
}

# stack_secs MS: MS milliseconds as seconds ("0.1", "1.6", "30").
stack_secs() {
	local s=$(($1 / 1000)) f=$(($1 % 1000 / 100))
	if [ "$f" -eq 0 ] && [ "$s" -gt 0 ]; then echo "$s"; else echo "$s.$f"; fi
}

# stack_log LOG MESSAGE: a dated line on stdout and in LOG.
stack_log() {
	local line
	printf -v line '%(%Y-%m-%d %H:%M:%S)T run: %s' -1 "$2"
	printf '%s\n' "$line"
	printf '%s\n' "$line" >>"$1"
}
