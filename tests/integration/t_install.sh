#!/usr/bin/env bash
# make install lays confab out as Debian packages do, and the installed
# programs find their files with no environment at all. Builds a second
# copy configured with --prefix under $TMP (unoptimised, to be quick).
. "$(dirname "$0")/lib.sh"
P=$TMP/p
mkdir -p "$TMP/b"
if ! (cd "$TMP/b" && "$ROOT/configure" -q --prefix="$P" CFLAGS='-O0' &&
      make -s -j2 install) >"$TMP/build.log" 2>&1; then
	tail -30 "$TMP/build.log"
	not_ok "configure --prefix and make install"
	exit 0
fi
ok "configure --prefix and make install"

for f in bin/confab libexec/confab/login libexec/confab/chats libexec/confab/chat \
	 libexec/confab/confabd; do
	check "  ... installs $f, executable" test -x "$P/$f"
done
for f in share/confab/templates/layout.html share/confab/static/confab.css \
	 share/confab/static/poll.js share/confab/static/keys.js \
	 share/confab/schema/user/001_init.sql \
	 share/confab/schema/data/001_init.sql etc/confab/confab.ini \
	 share/man/man1/confab.1 share/man/man8/confabd.8 share/man/man5/confab.ini.5; do
	check "  ... installs $f" test -s "$P/$f"
done
expect_eq "  ... makes the data directory, 0700" 700 "$(stat -c %a "$P/var/lib/confab")"
# It will hold provider keys: root:confab 0640 where that group exists (as
# root), else readable by its owner only.
if [ "$(id -u)" -eq 0 ] && getent group confab >/dev/null; then
	expect_eq "  ... confab.ini root:confab 0640" "640 confab" "$(stat -c '%a %G' "$P/etc/confab/confab.ini")"
else
	expect_eq "  ... confab.ini 0600" 600 "$(stat -c %a "$P/etc/confab/confab.ini")"
fi
check "  ... and the installed confab.ini names it" grep -qx ";data_dir = $P/var/lib/confab" "$P/etc/confab/confab.ini"
check "the man pages name the configured paths" grep -q "$P/etc/confab/confab.ini" "$P/share/man/man1/confab.1"
check "  ... with no placeholder left" bash -c "! grep -q '@[A-Z_]*@' '$P/share/man/man1/confab.1' '$P/share/man/man8/confabd.8' '$P/share/man/man5/confab.ini.5'"
check "confab.ini(5) names the installed config" grep -q "$P/etc/confab/confab.ini" "$P/share/man/man5/confab.ini.5"
for m in man1/confab.1 man8/confabd.8 man5/confab.ini.5; do
	groff -man -ww -z "$P/share/man/$m" >"$TMP/groff" 2>&1
	check "  ... $m formats without a warning" test ! -s "$TMP/groff"
done
man -l "$P/share/man/man1/confab.1" 2>/dev/null | col -b >"$TMP/man"
# Every command `confab --help` lists has its section: a new command
# without one fails here.
for c in $("$P/bin/confab" --help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p'); do
	check "  ... confab(1) documents $c" grep -q "^   $c" "$TMP/man"
done

# --- with no CONFAB_* variable, everything comes from the installed places
noenv() { env -i PATH=/usr/bin:/bin "$@"; }
printf 'installed admin pw\n' | noenv "$P/bin/confab" init --admin root@example.org --password-stdin \
	>"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "the installed confab init works with no environment" 0 "$rc"
for f in user.db data.db secret.key; do check "  ... creating $P/var/lib/confab/$f" test -s "$P/var/lib/confab/$f"; done
expect_eq "  ... the key file 0600" 600 "$(stat -c %a "$P/var/lib/confab/secret.key")"
expect_eq "  ... and the administrator" 1 "$(sqlite3 "$P/var/lib/confab/user.db" "SELECT is_admin FROM users WHERE email = 'root@example.org'")"
noenv "$P/libexec/confab/login" --check >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "the installed login executable loads config and templates" 0 "$rc"
check "  ... with no warning about the config's mode" bash -c "! grep -q 'every user' '$TMP/out'"
chmod 0644 "$P/etc/confab/confab.ini"
noenv "$P/libexec/confab/login" --check >"$TMP/out" 2>&1
check "  ... but a warning when it is world-readable" \
	grep -q "warn: $P/etc/confab/confab.ini can be read by every user of this machine (mode 0644)" "$TMP/out"
noenv timeout 10 "$P/libexec/confab/confabd" --idle-exit 1 >"$TMP/out" 2>&1
check "  ... from confabd too" grep -q "confabd.* warn: $P/etc/confab/confab.ini can be read by every user" "$TMP/out"
chmod 0600 "$P/etc/confab/confab.ini"
expect_eq "  ... and serves the sign-in page as CGI" "Status: 200 OK" \
	"$(noenv REQUEST_METHOD=GET REQUEST_URI=/login "$P/libexec/confab/login" 2>/dev/null | head -1 | tr -d '\r')"
noenv timeout 10 "$P/libexec/confab/confabd" --idle-exit 1 >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "the installed confabd starts and exits when idle" 0 "$rc"
check "  ... on the installed data directory" grep -q "serving $P/var/lib/confab" "$TMP/out"
CONFAB_DATA_DIR=$TMP/elsewhere "$P/bin/confab" init >/dev/null 2>&1
check "CONFAB_DATA_DIR still overrides" test -s "$TMP/elsewhere/data.db"
"$P/bin/confab" --help >"$TMP/out" 2>&1
check "confab --help names the installed defaults" grep -q "$P/etc/confab/confab.ini" "$TMP/out"

# --- reinstalling never loosens the mode of the confab.ini there
chmod 0400 "$P/etc/confab/confab.ini"
make -s -C "$TMP/b" install >"$TMP/out" 2>&1
expect_eq "reinstalling keeps confab.ini's mode (0400 here)" 400 "$(stat -c %a "$P/etc/confab/confab.ini")"
chmod 0600 "$P/etc/confab/confab.ini"

# --- reinstalling keeps an edited confab.ini
echo '; edited by the administrator' >>"$P/etc/confab/confab.ini"
make -s -C "$TMP/b" install >"$TMP/out" 2>&1
check "reinstalling keeps an edited confab.ini" grep -q 'edited by the administrator' "$P/etc/confab/confab.ini"
check "  ... putting the new one beside it" test -s "$P/etc/confab/confab.ini.new"

# --- staged, as a package build does
make -s -C "$TMP/b" install DESTDIR="$TMP/stage" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "make install DESTDIR=... succeeds" 0 "$rc"
check "  ... staging under DESTDIR" test -x "$TMP/stage$P/bin/confab" -a -s "$TMP/stage$P/etc/confab/confab.ini"
expect_eq "  ... its confab.ini 0600" 600 "$(stat -c %a "$TMP/stage$P/etc/confab/confab.ini")"

# --- uninstall keeps an edited confab.ini, and says so
make -s -C "$TMP/b" uninstall >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "make uninstall succeeds" 0 "$rc"
check "  ... keeping the edited confab.ini" grep -q 'edited by the administrator' "$P/etc/confab/confab.ini"
check "  ... and saying so" grep -q "kept $P/etc/confab/confab.ini: it differs from the one installed" "$TMP/out"
check "  ... removing the unedited confab.ini.new" test ! -e "$P/etc/confab/confab.ini.new"
expect_eq "  ... and every other installed file but the data" "$P/etc/confab/confab.ini" \
	"$(find "$P" -type f -not -path "$P/var/*" | head -5)"
check "  ... keeping the data" test -s "$P/var/lib/confab/data.db"

# --- an unedited confab.ini goes with the rest
rm "$P/etc/confab/confab.ini"
make -s -C "$TMP/b" install >"$TMP/out" 2>&1
make -s -C "$TMP/b" uninstall >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "make uninstall after a fresh install succeeds" 0 "$rc"
expect_eq "  ... removing every installed file but the data, confab.ini too" "" \
	"$(find "$P" -type f -not -path "$P/var/*" | head -5)"

done_testing
