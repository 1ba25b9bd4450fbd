#!/bin/sh
# replay-selftest.sh — the corpus replay `make check` runs fails, naming
# the input, when a target aborts, crashes, exits or hangs on it, and
# passes when it does not (tests/fuzz/replay_selftest.c). TAP output.
bin=${builddir:-.}/tests/fuzz/replay_selftest
[ -x "$bin" ] || bin=$(dirname "$0")/replay_selftest
tmp=$(mktemp -d "${TMPDIR:-/tmp}/replay-selftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }

mkdir "$tmp/good"
printf 'fine' >"$tmp/good/a"
printf '' >"$tmp/good/empty"
if out=$("$bin" "$tmp/good" 2>&1) && printf '%s\n' "$out" | grep -q '2 inputs, 0 failed'; then
	ok "a corpus the target passes replays clean"
else
	notok "a corpus the target passes replays clean ($out)"
fi

for word in abort segv exit hang; do
	mkdir "$tmp/$word"
	printf 'fine' >"$tmp/$word/1-good"
	printf '%s and more' "$word" >"$tmp/$word/2-$word"
	printf 'fine too' >"$tmp/$word/3-good"
	out=$(FUZZ_REPLAY_TIMEOUT=1 "$bin" "$tmp/$word" 2>&1); rc=$?
	if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q "FAIL on $tmp/$word/2-$word: ." &&
	   printf '%s\n' "$out" | grep -q '3 inputs, 1 failed'; then
		ok "an input that makes the target $word fails the replay by name"
	else
		notok "an input that makes the target $word fails the replay by name (exit $rc: $out)"
	fi
done

if out=$("$bin" "$tmp/no-such-corpus" 2>&1); then
	notok "a missing corpus fails ($out)"
else
	ok "a missing corpus fails"
fi
mkdir "$tmp/none"
if out=$("$bin" "$tmp/none" 2>&1); then
	notok "an empty corpus fails ($out)"
else
	ok "an empty corpus fails"
fi
echo "1..$n"
exit $fail
