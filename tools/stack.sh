# tools/stack.sh — start and stop one confab instance: its FastCGI
# responders and a private nginx. Sourced by ./run and tests/run-all, which
# set ROOT (the source tree) and BUILD (the build tree) first.
# CONFAB_SERVER=apache|apache-fcgid|apache-proxy|lighttpd puts another
# server in front instead (tools/stack-servers.sh).

EXES=(login chats chat settings presets dashboard webhooks billing)
. "$ROOT/tools/stack-servers.sh"
. "$ROOT/tools/stack-supervise.sh"

# What start_stack started, to start it again (supervise_stack): each
# process's name by pid; by name, its command line (quoted) and log files.
# STACK_AFTER: a command to run after starting it again.
declare -gA STACK_NAME=() STACK_CMD=() STACK_OUT=() STACK_ERR=() STACK_AFTER=()

# Processes per executable when CONFAB_PROCS is not set: one per core, 2
# to 8, as the executables' own --procs auto, for the chat and the chat
# list, which serve nearly every page view and poll; 2 for the others
# (sign-in, settings, presets, dashboard, billing, webhooks), which see few
# requests and would otherwise hold memory for nothing on a large machine.
stack_procs_auto() {
	local n
	n=$(nproc)
	[ "$n" -lt 2 ] && n=2
	[ "$n" -gt 8 ] && n=8
	echo "$n"
}

# stack_procs_of EXE N: the processes for EXE when N is the count for the
# busy ones (N itself when CONFAB_PROCS says so for all).
stack_procs_of() {
	case $1 in
	chat|chats) echo "$2" ;;
	*) if [ -n "${CONFAB_PROCS:-}" ]; then echo "$2"; else echo 2; fi ;;
	esac
}

# Start confab's responders and a private nginx for data dir $1 on port $2.
# Sets STACK_PIDS. Logs go to $1/log/.
start_stack() {
	local data=$1 port=$2 procs=${CONFAB_PROCS:-$(stack_procs_auto)} run=$1/run ng=$1/nginx user exe
	local server=${CONFAB_SERVER:-nginx}
	case " $STACK_SERVERS " in *" $server "*) ;;
	*) stack_die "unknown CONFAB_SERVER '$server' (one of: $STACK_SERVERS)" ;; esac
	mkdir -p "$run" "$ng/tmp" "$ng/extra" "$data/log"
	export CONFAB_DATA_DIR=$data CONFAB_SHARE_DIR=$ROOT
	export CONFAB_CONFIG=${CONFAB_CONFIG:-$data/confab.ini}
	# It will hold provider keys: 0600 (one already there is left as it is).
	[ -f "$CONFAB_CONFIG" ] || (umask 077 && cp "$ROOT/etc/confab.ini" "$CONFAB_CONFIG")
	"$BUILD/cli/confab" init >>"$data/log/confab.log" 2>&1 ||
		{ tail -5 "$data/log/confab.log" >&2; stack_die "could not create the databases in $data"; }
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		stack_die "port $port is already in use: set CONFAB_PORT to another"
	fi
	STACK_PIDS=() STACK_NAME=() STACK_CMD=() STACK_OUT=() STACK_ERR=() STACK_AFTER=()
	: >"$run/pids"
	STACK_DATA=$data
	# No provider configured: the offline demo model, served by the local
	# provider simulator, so a newcomer can watch a reply stream.
	if ! grep -q '^\[provider\.' "$CONFAB_CONFIG" && [ -z "${CONFAB_DEMO_URL:-}" ]; then
		: >"$data/log/provsim.port"
		stack_spawn provsim "$data/log/provsim.port" "$data/log/provsim.log" \
			"$BUILD/tools/provsim" --port 0 --quiet
		for _ in $(seq 50); do grep -q listening "$data/log/provsim.port" && break; sleep 0.1; done
		local sim
		sim=$(sed -n 's/.*listening on //p' "$data/log/provsim.port")
		export CONFAB_DEMO_URL="http://$sim/v1"
		# Started again, it must come back on the port the others know.
		STACK_CMD[provsim]="${BUILD@Q}/tools/provsim --port ${sim##*:} --quiet"
	fi
	export CONFAB_WORKER=$BUILD/worker/confabd
	# The worker runs as a service here; CONFAB_NO_WORKER=1 leaves it to
	# start on demand, as on shared hosting. --wait, as a service does: one
	# started again while a page's on-demand worker holds the lease waits
	# for it instead of exiting at once.
	if [ -z "${CONFAB_NO_WORKER:-}" ]; then
		stack_spawn confabd "$data/log/confabd.log" "$data/log/confabd.log" \
			"$BUILD/worker/confabd" --wait
	fi
	# Apache with mod_fcgid and lighttpd start the executables themselves.
	for exe in "${EXES[@]}"; do
		stack_own_responders "$server" || break
		stack_spawn "$exe" "$data/log/confab.log" "$data/log/confab.log" \
			"$BUILD/cgi-bin/$exe" --listen "$run/$exe.sock" --procs "$(stack_procs_of "$exe" "$procs")"
	done
	case $server in
	apache*) start_apache "$data" "$port" "$procs" "$server" ;;
	lighttpd) start_lighttpd "$data" "$port" "$procs" ;;
	esac
	if [ "$server" = nginx ]; then
	user="user $(id -un) $(id -gn);"
	[ "$(id -u)" -eq 0 ] || user=""
	sed -e "s|@LISTEN@|127.0.0.1:$port|; s|@SERVER_NAME@|localhost|" \
	    -e "s|@SHARE@|$ROOT|g; s|@RUN@|$run|g" \
	    "$ROOT/etc/nginx/confab-site.conf.in" >"$ng/confab-site.conf"
	sed -e "s|@NGINX@|$ng|g; s|@USER@|$user|" \
	    "$ROOT/etc/nginx/nginx-private.conf.in" >"$ng/nginx.conf"
	stack_spawn nginx "$data/log/nginx.log" "$data/log/nginx.log" \
		nginx -p "$ng" -c "$ng/nginx.conf" -g 'daemon off;' -e "$ng/error.log"
	fi
	for _ in $(seq 100); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login")" = 200 ] &&
		   { ! stack_own_responders "$server" || stack_sockets_ready "$run"; }; then
			return 0
		fi
		sleep 0.1
	done
	tail -n 20 "$data/log/confab.log" "$ng/error.log" "$data"/log/*-error.log >&2 || true
	stack_die "confab did not start (logs above)"
}

# stack_spawn NAME OUT ERR CMD...: start CMD in the background, stdout
# appended to OUT and stderr to ERR, as the leader of a process group of its
# own (setsid: a background job here is no group leader, so setsid does not
# fork and $! is CMD's pid), so that it and whatever it forked can be
# stopped as one. Records it in STACK_PIDS and DATA/run/pids, and how to
# start it again.
stack_spawn() {
	local name=$1 out=$2 err=$3; shift 3
	setsid "$@" >>"$out" 2>>"$err" &
	STACK_PIDS+=($!); echo $! >>"$STACK_DATA/run/pids"
	STACK_NAME[$!]=$name
	STACK_CMD[$name]=${*@Q}
	STACK_OUT[$name]=$out STACK_ERR[$name]=$err
}

# 0 when every responder in EXES listens on its socket in run dir $1.
stack_sockets_ready() {
	local exe
	for exe in "${EXES[@]}"; do [ -S "$1/$exe.sock" ] || return 1; done
}

# Stop everything start_stack started for data dir $1 (default: the last
# one started here), and a worker started on demand (its pid is in the lease
# file): SIGTERM, up to 5 s to finish, then SIGKILL to whatever is left of
# each one's process group. And the timers of supervise_stack.
stop_stack() {
	local data=${1:-${STACK_DATA:-}} pid pids=("${STACK_PIDS[@]:-}")
	if [ -n "$data" ]; then
		[ -f "$data/run/pids" ] && pids+=($(cat "$data/run/pids"))
		[ -s "$data/confabd.lock" ] && pids+=($(head -1 "$data/confabd.lock"))
	fi
	for pid in "${STACK_TIMERS[@]:-}"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		[ -n "$pid" ] || continue
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
	STACK_PIDS=() STACK_TIMERS=()
}

stack_die() { printf 'run: %s\n' "$*" >&2; exit 1; }
