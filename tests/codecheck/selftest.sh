#!/bin/sh
# selftest.sh — tools/codecheck.sh fires on each bad snippet here with its
# rule and the line, passes the good ones, and db_prep refuses a statement
# that is not a literal at compile time. TAP output.
here=${srcdir:-.}/tests/codecheck
check=${srcdir:-.}/tools/codecheck.sh
[ -f "$check" ] || { here=$(dirname "$0"); check=$here/../../tools/codecheck.sh; }
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }

for f in "$here"/bad_*; do
	rule=${f##*/bad_}; rule=${rule%.*}
	out=$(sh "$check" "$f"); rc=$?
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "^$f:[0-9][0-9]*: $rule: ."; then
		ok "$rule fires on ${f##*/}"
	else
		notok "$rule fires on ${f##*/} (exit $rc: $out)"
	fi
done
for f in "$here"/good.*; do
	if out=$(sh "$check" "$f"); then
		ok "${f##*/} passes"
	else
		notok "${f##*/} passes ($out)"
	fi
done
cc=${CC:-cc}
inc=$here/../../lib
if $cc -fsyntax-only -I"$inc" "$here/prep_literal.c" 2>/dev/null; then
	ok "db_prep takes a string literal"
else
	notok "db_prep takes a string literal"
fi
if $cc -fsyntax-only -I"$inc" "$here/prep_variable.c" 2>/dev/null; then
	notok "db_prep refuses a variable at compile time"
else
	ok "db_prep refuses a variable at compile time"
fi
echo "1..$n"
exit $fail
