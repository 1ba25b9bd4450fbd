#!/usr/bin/env bash
# confab init: the data directory, key file and databases, the first
# administrator (password from standard input or asked without echo), and
# the command line's answers to mistakes.
. "$(dirname "$0")/lib.sh"
CONFAB=$BUILD/cli/confab
I=$TMP/site/data
cf() { CONFAB_DATA_DIR=$I "$CONFAB" "$@"; }

cf init >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab init on a new directory succeeds" 0 "$rc"
for f in user.db data.db secret.key; do check "  ... creating $f" test -s "$I/$f"; done
expect_eq "  ... the directory 0700" 700 "$(stat -c %a "$I")"
expect_eq "  ... the key file 0600" 600 "$(stat -c %a "$I/secret.key")"
expect_eq "  ... of 32 bytes" 32 "$(stat -c %s "$I/secret.key")"
expect_eq "  ... the databases 0600" 600,600 "$(stat -c %a "$I/user.db"),$(stat -c %a "$I/data.db")"
check "  ... reporting each file's version" grep -q '^data.db: version 0 -> [0-9]* (latest [0-9]*)' "$TMP/out"
check "  ... and who becomes administrator" grep -q 'first account to sign up becomes the administrator' "$TMP/out"
cp "$I/secret.key" "$TMP/key"

cf init >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a second init is harmless" 0 "$rc"
check "  ... keeping the key" cmp -s "$I/secret.key" "$TMP/key"
chmod 644 "$I/secret.key"
cf init >"$TMP/out" 2>&1
expect_eq "init puts a key file readable by others back to 0600" 600 "$(stat -c %a "$I/secret.key")"
check "  ... and says so" grep -q 'now 0600' "$TMP/out"

users() { sqlite3 "$I/user.db" 'SELECT count(*) FROM users'; }
printf 'short\n' | cf init --admin boss@example.org --password-stdin >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a password under 8 characters is refused" 1 "$rc"
check "  ... saying why" grep -q 'at least 8' "$TMP/out"
expect_eq "  ... creating nobody" 0 "$(users)"
printf 'long enough\n' | cf init --admin not-an-email --password-stdin >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a malformed email is refused" 1 "$rc"
cf init --admin boss@example.org </dev/null >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "with no terminal and no --password-stdin, init refuses" 1 "$rc"
check "  ... pointing at --password-stdin" grep -q -- '--password-stdin' "$TMP/out"
cf init --password-stdin </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "--password-stdin alone is a usage error" 2 "$rc"

printf 'the boss password\n' | cf init --admin boss@example.org --password-stdin >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "init --admin with the password on stdin succeeds" 0 "$rc"
check "  ... saying so" grep -q 'administrator boss@example.org created' "$TMP/out"
expect_eq "  ... an administrator account" "boss@example.org|1" \
	"$(sqlite3 "$I/user.db" 'SELECT email, is_admin FROM users')"
check "  ... its password hashed with argon2id" \
	grep -q '^\$argon2id\$' <<<"$(sqlite3 "$I/user.db" 'SELECT password_hash FROM users')"
printf 'another password\n' | cf init --admin second@example.org --password-stdin >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a second --admin is refused" 1 "$rc"
check "  ... saying accounts exist" grep -q 'already has accounts' "$TMP/out"

# Asked on a terminal: twice, and never echoed. A pty driven like a person:
# type only once the prompt is on the screen.
on_tty() { # DATA_DIR FIRST SECOND: run init --admin on a pty, print the screen
	CONFAB_DATA_DIR=$1 python3 - "$CONFAB" "$2" "$3" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "init", "--admin", "tty@example.org"])
screen = b""
def until(text):
    global screen
    while text not in screen:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return
        if not chunk:
            return
        screen += chunk
until(b"Password for the administrator")
os.write(fd, sys.argv[2].encode() + b"\n")
until(b"The same again")
os.write(fd, sys.argv[3].encode() + b"\n")
until(b"\0")  # to the end
os.waitpid(pid, 0)
sys.stdout.write(screen.decode(errors="replace"))
PY
}
on_tty "$TMP/tty" 'typed secret 1' 'typed secret 1' >"$TMP/out" 2>&1
check "on a terminal the password is asked for" grep -q 'Password for the administrator' "$TMP/out"
check "  ... twice" grep -q 'The same again' "$TMP/out"
check "  ... without echo" bash -c "! grep -q 'typed secret' '$TMP/out'"
expect_eq "  ... and the administrator is created" 1 \
	"$(sqlite3 "$TMP/tty/user.db" "SELECT is_admin FROM users WHERE email = 'tty@example.org'")"
on_tty "$TMP/tty2" 'typed secret 1' 'typed secret 2' >"$TMP/out" 2>&1
check "two different passwords create nobody" grep -q 'passwords differ' "$TMP/out"
expect_eq "  ... (no account)" 0 "$(sqlite3 "$TMP/tty2/user.db" 'SELECT count(*) FROM users')"

# The administrator signs in on a site served from that directory.
if B2=$(second_instance "$I"); then
	J2=$TMP/boss.jar
	expect_eq "the administrator init created signs in" 303 "$(BASE=$B2 login "$J2" boss@example.org 'the boss password')"
	expect_eq "  ... and sees the chat list" 200 "$(BASE=$B2 http "$J2" GET /chats)"
	stop_second_instance "$I"
else
	not_ok "a confab starts on the directory init made"
fi

# Run by root on a directory another user owns, confab becomes that user,
# so nothing in it ends up owned by root.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	O=$TMP/owned; mkdir -p "$O"; chmod 755 "$TMP"; chown nobody "$O"; chmod 700 "$O"
	# The site's user reads the configuration: one it may read.
	cp "$CONFAB_CONFIG" "$TMP/owned.ini"; chmod 644 "$TMP/owned.ini"
	CONFAB_CONFIG=$TMP/owned.ini CONFAB_DATA_DIR=$O "$CONFAB" init >"$TMP/out" 2>&1 && rc=0 || rc=$?
	expect_eq "root running init on nobody's directory succeeds" 0 "$rc"
	check "  ... saying it runs as the owner" grep -q "running as nobody, the owner of $O" "$TMP/out"
	expect_eq "  ... and everything it made belongs to nobody" "" \
		"$(find "$O" -not -user nobody)"
fi

# --- migrate, and the command line's answers
CONFAB_DATA_DIR=$TMP/none "$CONFAB" migrate >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "migrate on a missing directory fails" 1 "$rc"
check "  ... pointing at confab init" grep -q 'confab init' "$TMP/out"
cf migrate >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "migrate on a current directory succeeds" 0 "$rc"
check "  ... reporting the versions" grep -q '^user.db: version [0-9]* (latest [0-9]*)' "$TMP/out"
"$CONFAB" frobnicate >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "an unknown command is a usage error" 2 "$rc"
"$CONFAB" --help >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab --help succeeds" 0 "$rc"
for c in init migrate backup restore vacuum version; do
	check "  ... listing $c" grep -q "^  $c" "$TMP/out"
done
# Every command listed answers --help with its usage.
for c in $(sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' "$TMP/out"); do
	"$CONFAB" "$c" --help >"$TMP/out2" 2>&1 && rc=0 || rc=$?
	[ "$c" = version ] || check "confab $c --help answers" test "$rc" = 0 -a -n "$(grep "usage: confab $c" "$TMP/out2")"
done
expect_eq "confab version" "confab $(sed -n 's/^AC_INIT(\[confab\], \[\([^]]*\)\].*/\1/p' "$ROOT/configure.ac")" "$("$CONFAB" version)"

done_testing
