#!/usr/bin/env bash
# etc/systemd/: the units load cleanly (systemd-analyze verify, with
# ExecStart pointed at this build) and keep their hardening (systemd-analyze
# security rates them "OK" or better: exposure under 2.0).
. "$(dirname "$0")/lib.sh"

if ! command -v systemd-analyze >/dev/null; then
	skip_all "systemd-analyze is not installed"
fi
cp "$ROOT"/etc/systemd/confab@.socket "$ROOT"/etc/systemd/confab@.service \
	"$ROOT"/etc/systemd/confabd.service "$TMP/"
sed -i "s|/usr/local/libexec/confab/confabd|$BUILD/worker/confabd|; s|/usr/local/libexec/confab/%i|$BUILD/cgi-bin/%i|" \
	"$TMP"/*.service
cd "$TMP"
for u in confabd.service confab@chat.service confab@chat.socket; do
	out=$(systemd-analyze verify --man=no "./$u" 2>&1)
	if [ -z "$out" ]; then ok "$u: systemd-analyze verify is silent"; else not_ok "$u: systemd-analyze verify" "$out"; fi
done
for u in confabd.service confab@chat.service; do
	score=$(systemd-analyze security --offline=yes "./$u" 2>/dev/null | sed -n 's/.*exposure level for .*: \([0-9.]*\).*/\1/p')
	check "$u: exposure $score (under 2.0)" awk -v s="${score:-99}" 'BEGIN { exit !(s < 2.0) }'
done
# What the units do: the executable serves the socket on fd 0 with --procs
# processes (here a socket made by python stands in for systemd's).
python3 -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(16)
os.dup2(s.fileno(), 0); os.execv(sys.argv[2], [sys.argv[2], "--procs", "2"])' \
	"$TMP/fd0.sock" "$BUILD/cgi-bin/login" 2>>"$TMP/fd0.log" &
PID=$!
for _ in $(seq 50); do [ "$(pgrep -c -P $PID)" -ge 2 ] && break; sleep 0.1; done
expect_eq "a socket on fd 0 with --procs 2: two processes serve it" 2 "$(pgrep -c -P $PID)"
# One FastCGI request over it: GET /login answers 200.
status=$(python3 - "$TMP/fd0.sock" <<'PY'
import socket, struct, sys
def rec(t, body, rid=1):
    return struct.pack(">BBHHBB", 1, t, rid, len(body), 0, 0) + body
def nv(k, v):
    return bytes([len(k), len(v)]) + k + v
params = b"".join(nv(k.encode(), v.encode()) for k, v in
    {"REQUEST_METHOD": "GET", "REQUEST_URI": "/login", "HTTP_HOST": "localhost"}.items())
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(rec(1, struct.pack(">HB5x", 1, 0)) + rec(4, params) + rec(4, b"") + rec(5, b""))
out = b""
while True:
    d = s.recv(65536)
    if not d: break
    out += d
print("200" if b"Status: 200" in out or (b"Content-Type" in out and b"Status:" not in out) else out[:200])
PY
)
expect_eq "  ... and answers a FastCGI request for /login" 200 "$status"
kill -TERM $PID; wait $PID 2>/dev/null
check "  ... and SIGTERM stops them all" bash -c "! pgrep -P $PID >/dev/null"

done_testing
