# bench/common.sh — helpers shared by the bench/ scripts (sourced;
# the caller sets ROOT and BUILD and sources tools/stack.sh first).

# A free TCP port on 127.0.0.1.
bench_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The machine, for the line above a table.
bench_machine() {
	printf '%s cores (%s), %s' "$(nproc)" \
		"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
		"$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
}

# Start tools/provsim on a free port, quiet; sets SIM_PID and SIM_ADDR.
# $1: a file for its stdout (the "listening" line), $2: its log.
bench_start_provsim() {
	"$BUILD/tools/provsim" --port 0 --quiet >"$1" 2>>"$2" &
	SIM_PID=$!
	for _ in $(seq 50); do grep -q listening "$1" && break; sleep 0.1; done
	SIM_ADDR=$(sed -n 's/^provsim listening on //p' "$1")
	[ -n "$SIM_ADDR" ] || { echo "bench: provsim did not start" >&2; return 1; }
}

# The config of a benchmark instance: cheap password hashing (the sign-up is
# set-up, not measured), the simulator as the only provider. $1: the file,
# $2: the simulator's host:port, $3: extra [worker] lines, then pairs of
# MODEL_ID API_MODEL.
bench_config() {
	local f=$1 sim=$2 worker=$3
	shift 3
	{
		printf '[auth]\npassword_memory_kib = 8192\npassword_passes = 1\n\n'
		printf '[worker]\n%s\n\n' "$worker"
		printf '[chat]\ndefault_model = %s\n\n' "$1"
		printf '[provider.sim]\ntype = openai-compatible\nbase_url = http://%s/v1\napi_key = sk-bench\n\n' "$sim"
		while [ $# -ge 2 ]; do
			printf '[model.%s]\nprovider = sim\nname = %s\napi_model = %s\nprice_in = 0\nprice_out = 0\n\n' "$1" "$1" "$2"
			shift 2
		done
	} >"$f"
}

# Sign up a fresh account at $1 (base URL) with cookie jar $2; prints the
# Cookie header value of its session.
bench_signup() {
	local base=$1 jar=$2 t
	t=$(curl -s -b "$jar" -c "$jar" "$base/signup" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
	curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$t" \
		--data-urlencode email=bench@example.org --data-urlencode 'password=bench password' "$base/signup"
	awk '$6 == "confab_session" {print "confab_session=" $7}' "$jar"
}

# The csrf token of page $2 at base $1 with jar $3.
bench_csrf() { curl -s -b "$3" -c "$3" "$1$2" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

bench_to_ms() { # wrk prints 812.00us, 1.23ms, 1.02s
	case $1 in *us) awk -v v="${1%us}" 'BEGIN {printf "%.2f", v / 1000}' ;;
		   *ms) awk -v v="${1%ms}" 'BEGIN {printf "%.2f", v}' ;;
		   *s) awk -v v="${1%s}" 'BEGIN {printf "%.2f", v * 1000}' ;; esac
}

# bench_tree_cpu PID...: CPU seconds (utime+stime) used so far by these
# processes and all their descendants that are alive.
bench_tree_cpu() {
	python3 - "$@" <<'PY'
import os, sys
stat = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            stat[int(p)] = (int(f[1]), int(f[11]) + int(f[12]))
        except (OSError, IndexError):
            pass
kids = {}
for pid, (ppid, _) in stat.items():
    kids.setdefault(ppid, []).append(pid)
todo, seen, total = [int(a) for a in sys.argv[1:]], set(), 0
while todo:
    pid = todo.pop()
    if pid in seen or pid not in stat:
        continue
    seen.add(pid)
    total += stat[pid][1]
    todo += kids.get(pid, [])
print("%.2f" % (total / os.sysconf("SC_CLK_TCK")))
PY
}

# bench_wrk1 URL COOKIE "RESPONDER_PIDS" "NGINX_PIDS": one wrk -t2 -c32 run of
# BENCH_SECONDS; prints "req/s p50_ms p99_ms requests wrk_cpu_s resp_cpu_s
# nginx_cpu_s". Any non-2xx answer or socket error stops the benchmark.
bench_wrk1() {
	local url=$1 cookie=$2 resp=$3 ng=$4 hdr=() out r0 r1 n0 n1
	[ -n "$cookie" ] && hdr=(-H "Cookie: $cookie")
	r0=$(bench_tree_cpu $resp) n0=$(bench_tree_cpu $ng)
	out=$(wrk -t2 -c32 -d"${SECS}s" --latency "${hdr[@]}" "$url"; times)
	r1=$(bench_tree_cpu $resp) n1=$(bench_tree_cpu $ng)
	if echo "$out" | grep -q 'Non-2xx\|Socket errors'; then echo "bench: $url got errors" >&2; echo "$out" >&2; exit 1; fi
	echo "$(echo "$out" | awk '/^Requests\/sec/ {print $2}')" \
	     "$(bench_to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")" \
	     "$(bench_to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")" \
	     "$(echo "$out" | awk '/requests in/ {print $1}')" \
	     "$(echo "$out" | tail -1 | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')" \
	     "$(awk -v a="$r0" -v b="$r1" 'BEGIN {print b - a}')" \
	     "$(awk -v a="$n0" -v b="$n1" 'BEGIN {print b - a}')"
}

# bench_pair APP_URL COOKIE "APP_PIDS" BARE_URL "BARE_PIDS" "NGINX_PIDS":
# BENCH_RUNS pairs of wrk runs, app then bare back to back, so that a shared
# machine's load changes hit both alike. Prints, each the median over the
# pairs: app req/s, p50, p99, CPU µs a request of the responders, of nginx
# and of wrk; the same six for bare; the ratio of req/s (median of the
# pairs' ratios); and the CPU ratio: (nginx + responder + wrk) µs a request
# of bare ÷ of app, which is what the req/s ratio would be on a machine that
# this benchmark had to itself; each ratio as median, min and max over the
# pairs. Each pair goes to stderr.
bench_pair() {
	local app=$1 cookie=$2 apids=$3 bare=$4 bpids=$5 ng=$6
	for _ in $(seq "$RUNS"); do
		echo "$(bench_wrk1 "$app" "$cookie" "$apids" "$ng") $(bench_wrk1 "$bare" "" "$bpids" "$ng")"
	done | python3 -c '
import statistics, sys
rows = []
for l in sys.stdin:
    v = list(map(float, l.split()))
    if len(v) != 14:
        continue
    row = []
    for rps, p50, p99, n, wrk, resp, ng in (v[:7], v[7:]):
        row += [rps, p50, p99, resp / n * 1e6, ng / n * 1e6, wrk / n * 1e6]
    rows.append(row)
for r in rows:
    print("bench: pair: app %.0f req/s, %.0f+%.0f+%.0f us/req; bare %.0f req/s, %.0f+%.0f+%.0f us/req"
          % (r[0], r[3], r[4], r[5], r[6], r[9], r[10], r[11]), file=sys.stderr)
med = [statistics.median(c) for c in zip(*rows)]
ratios = [r[0] / r[6] for r in rows]
cpus = [sum(r[9:12]) / sum(r[3:6]) for r in rows]
print(" ".join("%.2f" % x for x in med), "%.2f %.2f %.2f %.2f %.2f %.2f" % (
    statistics.median(ratios), min(ratios), max(ratios),
    statistics.median(cpus), min(cpus), max(cpus)))'
}

# bench_write_section NAME TITLE BLOCKFILE: put BLOCKFILE between
# <!-- bench:NAME:start --> and <!-- bench:NAME:end --> in docs/PERFORMANCE.md;
# a document without those markers gets a new "## TITLE" section at its end.
bench_write_section() {
	python3 - "$ROOT/docs/PERFORMANCE.md" "$1" "$2" "$3" <<'PY'
import sys, re
doc, name, title, blockfile = sys.argv[1:5]
start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
block = start + "\n" + open(blockfile).read().strip() + "\n" + end
text = open(doc).read()
if start in text and end in text:
    text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda m: block, text, flags=re.S)
else:
    text = text.rstrip("\n") + f"\n\n## {title}\n\n" + block + "\n"
open(doc, "w").write(text)
PY
}

# bench_new_chats BASE JAR N: N chats made through the chat list's form by
# the user signed in with cookie jar JAR ("Benchmark chat number I ...").
bench_new_chats() {
	local t i
	t=$(bench_csrf "$1" /chats "$2")
	for i in $(seq "$3"); do
		curl -s -o /dev/null -b "$2" -c "$2" --data-urlencode "csrf=$t" \
			--data-urlencode "title=Benchmark chat number $i about something" "$1/chats"
	done
}

# bench_fill_chat DB CHAT_ID N: N messages into chat CHAT_ID of data.db DB,
# in one transaction: questions, and replies each with a paragraph, a list
# and a code block (already rendered, as the worker leaves them).
bench_fill_chat() {
	python3 - "$2" "$3" "$(( $(date +%s) * 1000 ))" <<'PY' | sqlite3 "$1"
import sys, uuid
cid, n, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print("BEGIN;")
for i in range(n):
    if i % 2 == 0:
        print(f"INSERT INTO messages (id, chat_id, seq, role, content, status, created_at) VALUES "
              f"('{uuid.uuid4()}', '{cid}', {i}, 'user', 'Question {i}: how would you explain "
              f"the difference between a process and a thread to a new programmer?', 'done', {now});")
    else:
        html = ("<p>A <strong>process</strong> has its own memory; threads share it.</p>"
                "<ul><li>Processes are isolated.</li><li>Threads are cheaper to start.</li></ul>"
                "<pre><code class=\"language-c\">pthread_create(&amp;t, NULL, run, NULL);</code></pre>")
        print(f"INSERT INTO messages (id, chat_id, seq, role, content, html, status, model, tokens_in, tokens_out, created_at) VALUES "
              f"('{uuid.uuid4()}', '{cid}', {i}, 'assistant', 'A process has its own memory.', '{html}', 'done', 'demo', 20, 80, {now});")
print("COMMIT;")
PY
}

# bench_memory PID...: the memory of these processes and all their
# descendants but provsim (the demo provider is not the app), by process
# name: how many, the largest RSS now and peak RSS (VmHWM) among them, and
# their PSS added up (a shared page counted once, split between the
# processes that map it, so libraries and the pages a supervisor shares
# copy-on-write with its children are not counted once per process). A
# markdown table ending with the whole app's total. With BENCH_MEMORY_MAPS=1
# a second table follows: the same PSS by what it maps (the heap, anonymous
# memory, each library, the SQLite files), largest first.
bench_memory() {
	BENCH_MEMORY_MAPS=${BENCH_MEMORY_MAPS:-} python3 - "$@" <<'PY'
import os, sys
def field(path, name):
    try:
        for l in open(path):
            if l.startswith(name + ":"):
                return int(l.split()[1])
    except OSError:
        pass
    return 0
kids = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(p))
        except (OSError, IndexError):
            pass
todo, procs = [int(a) for a in sys.argv[1:]], []
while todo:
    pid = todo.pop()
    try:
        name = open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        continue
    if name != "provsim":
        procs.append((pid, name))
    todo += kids.get(pid, [])
by = {}
for pid, name in procs:
    hwm, rss = field(f"/proc/{pid}/status", "VmHWM"), field(f"/proc/{pid}/status", "VmRSS")
    pss = field(f"/proc/{pid}/smaps_rollup", "Pss")
    n, h, r, t = by.get(name, (0, 0, 0, 0))
    by[name] = (n + 1, max(h, hwm), max(r, rss), t + pss)
print("| processes | how many | largest RSS now | largest peak RSS (VmHWM) | PSS, all of them |")
print("|---|---|---|---|---|")
for name in sorted(by):
    n, h, r, t = by[name]
    print(f"| {name} | {n} | {r / 1024:.1f} MB | {h / 1024:.1f} MB | {t / 1024:.1f} MB |")
total = sum(v[3] for v in by.values())
print(f"| **the whole app** | {len(procs)} | | | **{total / 1024:.1f} MB** |")
if os.environ.get("BENCH_MEMORY_MAPS"):
    # PSS by mapping, each library's segments together; private anonymous
    # memory split into what was written before fork (shared with the
    # supervisor, so its PSS is split too) and after.
    maps = {}
    for pid, name in procs:
        try:
            lines = open(f"/proc/{pid}/smaps").read().splitlines()
        except OSError:
            continue
        what = None
        for l in lines:
            f = l.split()
            if not f:
                continue
            if "-" in f[0] and not f[0].endswith(":"):
                path = f[5] if len(f) > 5 else "[anonymous]"
                what = os.path.basename(path).split(".so")[0] if path.startswith("/") else path
                if path.endswith((".db", ".db-shm", ".db-wal")):
                    what = "SQLite file " + os.path.basename(path).split(".db")[0] + ".db" + \
                        os.path.basename(path).split(".db")[1]
                if path.startswith("/") and "/" in path and os.path.basename(path) == name:
                    what = "the executable"
            elif f[0] == "Pss:" and what:
                maps.setdefault(what, [0, set()])
                maps[what][0] += int(f[1])
                maps[what][1].add(name)
    print()
    print("| mapping | PSS | in |")
    print("|---|---|---|")
    for what, (pss, names) in sorted(maps.items(), key=lambda kv: -kv[1][0]):
        if pss >= 100:
            print(f"| {what} | {pss / 1024:.2f} MB | {', '.join(sorted(names))} |")
PY
}
