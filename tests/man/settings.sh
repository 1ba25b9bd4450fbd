#!/bin/sh
# settings.sh — confab.ini(5) (man/confab.ini.5.in) has an entry for every
# setting the code reads and every one etc/confab.ini shows, and documents
# none that nothing reads. A setting is found where it is read: the string
# literals of a call to config_str, config_int, config_bool or config_get,
# or to a function that passes its own "key" parameter on to one (such as
# confabd's setting() or plans' limit()). An entry is a line
# '.BI "KEY = " ...' (a section: '.SH [NAME]' or '.SH [NAME.ID]').
# TAP output; a missing setting names the file and line that reads it.
#
# settings.sh MAN INI FILE... checks those instead; this script runs itself
# so on a planted undocumented setting to prove the check fires.
top=${srcdir:-.}
[ -f "$top/man/confab.ini.5.in" ] || top=$(dirname "$0")/../..
tmp=$(mktemp -d "${TMPDIR:-/tmp}/settings.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# What FILE... read: "KEY FILE:LINE" lines.
reads() {
	awk '
	# A function definition at the start of a line opens a new body.
	/^[a-z].*[a-z_0-9]+\(/ && !/;[ \t]*$/ {
		fn = $0; sub(/\(.*/, "", fn); sub(/.*[ *]/, "", fn)
	}
	/config_(str|int|bool|get)\([^;]*[(, ]key[,)]/ && fn != "" { wrap[fn] = 1 }
	{ line[FILENAME, FNR] = $0; last[FILENAME] = FNR }
	END {
		re = "config_(str|int|bool|get)"
		for (w in wrap)
			if (w !~ /^config_/)
				re = re "|" w
		re = "(^|[^a-z_0-9])(" re ")\\("
		for (k in last) {
			for (n = 1; n <= last[k]; n++) {
				s = line[k, n]
				if (s !~ re)
					continue
				# A call that goes on over the next lines.
				for (m = 1; m <= 3 && gsub(/\(/, "(", s) > gsub(/\)/, ")", s); m++)
					s = s " " line[k, n + m]
				sub(/^[^"]*/, "", s)
				while (match(s, /"[a-z][a-z0-9_]*"/)) {
					print substr(s, RSTART + 1, RLENGTH - 2), k ":" n
					s = substr(s, RSTART + RLENGTH)
				}
			}
		}
	}' "$@"
}

# check MAN INI FILE...: the TAP lines; exit 1 if any failed.
check() {
	man=$1 ini=$2 n=0 fail=0
	shift 2
	sed -n 's/^\.BI "\([a-z][a-z0-9_]*\) = ".*/\1/p' "$man" | sort -u >"$tmp/entries"
	sed -n 's/^\.SH \[\([a-z]*\)[].].*/\1/p' "$man" | sort -u >"$tmp/sections"
	reads "$@" | sort -u -k1,1 >"$tmp/reads"
	sed -n 's/^;*\([a-z][a-z0-9_]*\) *=.*/\1/p' "$ini" | sort -u >"$tmp/ini"
	while read -r key where; do
		n=$((n + 1))
		if grep -qx "$key" "$tmp/entries" "$tmp/sections"; then
			echo "ok $n - $key ($where) is in confab.ini(5)"
		else
			echo "not ok $n - $where reads the setting $key: confab.ini(5) has no entry for it"
			fail=1
		fi
	done <"$tmp/reads"
	while read -r key; do
		n=$((n + 1))
		if grep -qx "$key" "$tmp/entries"; then
			echo "ok $n - $key (etc/confab.ini) is in confab.ini(5)"
		else
			echo "not ok $n - etc/confab.ini shows $key: confab.ini(5) has no entry for it"
			fail=1
		fi
	done <"$tmp/ini"
	while read -r key; do
		n=$((n + 1))
		if grep -q "^$key " "$tmp/reads"; then
			echo "ok $n - confab.ini(5)'s $key is read by the code"
		else
			echo "not ok $n - confab.ini(5) documents $key, which nothing reads"
			fail=1
		fi
	done <"$tmp/entries"
	echo "# $n checks"
	return $fail
}

if [ $# -gt 0 ]; then
	check "$@"
	rc=$?
	echo "1..$n"
	exit $rc
fi

src=$(find "$top/lib" "$top/cgi-bin" "$top/worker" "$top/cli" -name '*.c' | sort)
check "$top/man/confab.ini.5.in" "$top/etc/confab.ini" $src >"$tmp/out"
rc=$?
cat "$tmp/out"
n=$(sed -n 's/^# \([0-9]*\) checks$/\1/p' "$tmp/out")

# The check fires: a setting read through a wrapper and one read
# directly, neither documented, each fail naming where they are read.
cat >"$tmp/planted.c" <<'C'
static int64_t knob(const char *key, int64_t def)
{
	int64_t v;
	config_int(&cfg, "worker", key, def, 0, 9, &v, NULL);
	return v;
}
static void load(void)
{
	knob("planted_knob", 1);
	if (config_bool(&cfg, "server",
			"planted_flag", 0, &on, NULL))
		return;
}
C
out=$(sh "$0" "$top/man/confab.ini.5.in" "$top/etc/confab.ini" $src "$tmp/planted.c")
prc=$?
for key in planted_knob:9 planted_flag:10; do
	n=$((n + 1))
	if [ $prc -ne 0 ] && printf '%s\n' "$out" |
		grep -q "^not ok [0-9]* - $tmp/planted.c:${key#*:} reads the setting ${key%:*}: "; then
		echo "ok $n - an undocumented setting (${key%:*}) fails the check"
	else
		echo "not ok $n - an undocumented setting (${key%:*}) fails the check (exit $prc)"
		rc=1
	fi
done
echo "1..$n"
exit $rc
