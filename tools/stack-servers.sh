# tools/stack-servers.sh — the web servers other than nginx for
# tools/stack.sh (CONFAB_SERVER=apache|apache-fcgid|apache-proxy|lighttpd),
# each a private instance under the data directory, configured from the
# files a user deploys (etc/apache/, etc/lighttpd/). Sourced by stack.sh.
#   apache        a shared host: .htaccess, *.fcgi wrappers, mod_fcgid
#   apache-fcgid  a VPS: mod_fcgid site config (Apache spawns the executables)
#   apache-proxy  a VPS: mod_proxy_fcgi to the responders' sockets
#   lighttpd      lighttpd spawns the executables (bin-path)

STACK_SERVERS="nginx apache apache-fcgid apache-proxy lighttpd"

# 1 when the server talks to responders that start_stack starts itself.
stack_own_responders() { [ "$1" = nginx ] || [ "$1" = apache-proxy ]; }

# fill FILE KEY=VALUE...: FILE with every @KEY@ replaced by VALUE (values
# may hold newlines, which sed cannot take).
stack_fill() {
	local s kv
	s=$(<"$1"); shift
	shopt -u patsub_replacement 2>/dev/null || true  # bash 5.2: & is literal
	for kv in "$@"; do s=${s//@${kv%%=*}@/${kv#*=}}; done
	printf '%s\n' "$s"
}

# The variables of this environment the executables need beyond config,
# data and worker, as lines of FORMAT (printf with NAME and VALUE).
stack_env_lines() {
	local n
	for n in CONFAB_SHARE_DIR CONFAB_DEMO_URL ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!n:-}" ] && printf "$1" "$n" "${!n}"
	done
	return 0
}

# stack_sock_group SOCK: once the responder has made SOCK, give it to
# Apache's group (as root the responders run as root, Apache as www-data).
# A responder started again replaces the socket: wait for the new one.
stack_sock_group() {
	for _ in $(seq 50); do
		[ -S "$1" ] && [ "$(stat -c %G "$1")" != www-data ] && break
		sleep 0.1
	done
	chgrp www-data "$1"
}

# start_apache DATA PORT PROCS VARIANT: a private Apache; appends its pid to
# STACK_PIDS. As root, Apache's children must run as another user (it
# refuses root): www-data, which then owns the data directory.
start_apache() {
	local data=$1 port=$2 procs=$3 variant=$4 ap=$1/apache user="" wrapper exe
	local common=(VHOST="127.0.0.1:$port" SERVER_NAME=localhost SHARE="$ROOT"
		      CONFIG="$CONFAB_CONFIG" DATA="$data" WORKER="$BUILD/worker/confabd"
		      LIBEXEC="$BUILD/cgi-bin" RUN="$data/run" WORKERS="${CONFAB_APACHE_WORKERS:-$procs}")
	# extra/ stays: bench/servers puts its baselines there before starting.
	rm -rf "$ap/htdocs" "$ap/fcgid"
	mkdir -p "$ap/run" "$ap/fcgid" "$ap/extra"
	case $variant in
	apache)
		# The document root a shared-host user fills: .htaccess, one
		# wrapper per executable, the static files.
		mkdir -p "$ap/htdocs"
		cp "$ROOT/etc/apache/htaccess" "$ap/htdocs/.htaccess"
		cp -r "$ROOT/static" "$ap/htdocs/static"
		wrapper=$(stack_fill "$ROOT/etc/apache/confab.fcgi.in" "${common[@]}" \
			ENV="$(stack_env_lines "export %s='%s'\n")")
		for exe in "${EXES[@]}"; do
			printf '%s\n' "$wrapper" >"$ap/htdocs/$exe.fcgi"
			chmod 0755 "$ap/htdocs/$exe.fcgi"
		done
		stack_fill "$ROOT/etc/apache/shared-host.conf.in" "${common[@]}" \
			DOCROOT="$ap/htdocs" >"$ap/site.conf" ;;
	apache-fcgid)
		stack_fill "$ROOT/etc/apache/confab-fcgid.conf.in" "${common[@]}" \
			ENV="$(stack_env_lines '    FcgidInitialEnv %s "%s"\n')" >"$ap/site.conf" ;;
	apache-proxy)
		stack_fill "$ROOT/etc/apache/confab-proxy.conf.in" "${common[@]}" >"$ap/site.conf" ;;
	esac
	if [ "$(id -u)" -eq 0 ]; then
		user="User www-data
Group www-data"
		if [ "$variant" != apache-proxy ]; then
			# Files the executables and an on-demand worker open for
			# writing must exist before a root test process creates them.
			touch "$data/confabd.lock" "$data/log/confabd.log" "$data/log/confab.log"
			chown -R www-data:www-data "$data"
		else
			# The responders run as root here; Apache must reach them.
			chown -R www-data:www-data "$ap/fcgid"
			chgrp www-data "$data" "$data/run"
			chmod g+x "$data" "$data/run"
			for exe in "${EXES[@]}"; do
				stack_sock_group "$data/run/$exe.sock"
				# (and again when supervise_stack restarts it)
				STACK_AFTER[$exe]="stack_sock_group ${data@Q}/run/$exe.sock"
			done
		fi
	fi
	stack_fill "$ROOT/etc/apache/apache-private.conf.in" APACHE="$ap" LISTEN="127.0.0.1:$port" \
		LOG="$data/log" USER="$user" >"$ap/httpd.conf"
	stack_spawn apache "$data/log/apache.log" "$data/log/apache.log" \
		apache2 -d "$ap" -f "$ap/httpd.conf" -DFOREGROUND
}

# start_lighttpd DATA PORT PROCS: a private lighttpd that spawns PROCS of
# each executable; appends its pid to STACK_PIDS. The executables inherit
# this environment (no bin-copy-environment), plus bin-environment.
start_lighttpd() {
	local data=$1 port=$2 procs=$3 lt=$1/lighttpd
	mkdir -p "$lt/tmp" "$lt/extra"
	stack_fill "$ROOT/etc/lighttpd/confab.conf.in" SHARE="$ROOT" LIBEXEC="$BUILD/cgi-bin" \
		RUN="$data/run" PROCS="$procs" CONFIG="$CONFAB_CONFIG" DATA="$data" \
		WORKER="$BUILD/worker/confabd" >"$lt/confab.conf"
	stack_fill "$ROOT/etc/lighttpd/lighttpd-private.conf.in" LIGHTTPD="$lt" SHARE="$ROOT" \
		HOST=127.0.0.1 PORT="$port" LOG="$data/log" >"$lt/lighttpd.conf"
	stack_spawn lighttpd "$data/log/lighttpd.log" "$data/log/lighttpd.log" \
		lighttpd -D -f "$lt/lighttpd.conf"
}
