# tools/stack.sh — start and stop one confab instance: its FastCGI
# responders and a private nginx. Sourced by ./run and tests/run-all, which
# set ROOT (the source tree) and BUILD (the build tree) first.

EXES=(login chats chat)

# Start confab's responders and a private nginx for data dir $1 on port $2.
# Sets STACK_PIDS. Logs go to $1/log/.
start_stack() {
	local data=$1 port=$2 procs=${CONFAB_PROCS:-2} run=$1/run ng=$1/nginx user exe
	mkdir -p "$run" "$ng/tmp" "$ng/extra" "$data/log"
	export CONFAB_DATA_DIR=$data CONFAB_SHARE_DIR=$ROOT
	export CONFAB_CONFIG=${CONFAB_CONFIG:-$data/confab.ini}
	[ -f "$CONFAB_CONFIG" ] || cp "$ROOT/etc/confab.ini" "$CONFAB_CONFIG"
	"$BUILD/cli/confab" init >>"$data/log/confab.log" 2>&1 ||
		{ tail -5 "$data/log/confab.log" >&2; stack_die "could not create the databases in $data"; }
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		stack_die "port $port is already in use: set CONFAB_PORT to another"
	fi
	STACK_PIDS=()
	for exe in "${EXES[@]}"; do
		"$BUILD/cgi-bin/$exe" --listen "$run/$exe.sock" --procs "$procs" \
			>>"$data/log/confab.log" 2>&1 &
		STACK_PIDS+=($!)
	done
	user="user $(id -un) $(id -gn);"
	[ "$(id -u)" -eq 0 ] || user=""
	sed -e "s|@LISTEN@|127.0.0.1:$port|; s|@SERVER_NAME@|localhost|" \
	    -e "s|@SHARE@|$ROOT|g; s|@RUN@|$run|g" \
	    "$ROOT/etc/nginx/confab-site.conf.in" >"$ng/confab-site.conf"
	sed -e "s|@NGINX@|$ng|g; s|@USER@|$user|" \
	    "$ROOT/etc/nginx/nginx-private.conf.in" >"$ng/nginx.conf"
	nginx -p "$ng" -c "$ng/nginx.conf" -g 'daemon off;' -e "$ng/error.log" \
		>>"$data/log/nginx.log" 2>&1 &
	STACK_PIDS+=($!)
	for _ in $(seq 100); do
		if curl -s -o /dev/null "http://127.0.0.1:$port/login" &&
		   [ -S "$run/chat.sock" ] && [ -S "$run/login.sock" ] && [ -S "$run/chats.sock" ]; then
			return 0
		fi
		sleep 0.1
	done
	tail -20 "$data/log/confab.log" "$ng/error.log" >&2 || true
	stack_die "confab did not start (logs above)"
}

stop_stack() {
	local pid
	for pid in "${STACK_PIDS[@]:-}"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${STACK_PIDS[@]:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null || true
	done
	STACK_PIDS=()
}

stack_die() { printf 'run: %s\n' "$*" >&2; exit 1; }
