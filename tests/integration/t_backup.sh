#!/usr/bin/env bash
# confab backup while a reply streams, confab restore into a fresh data
# directory, and the chat found intact there through the web, its image
# too; restore refused while the worker runs.
. "$(dirname "$0")/lib.sh"
CONFAB=$BUILD/cli/confab

A=$TMP/a.jar
EMAIL=$(new_email)
signup "$A" "$EMAIL" 'password one' >/dev/null
# A chat with an image: the backup must carry the file, not only its row.
P=$(new_chat "$A" "with a picture")
{ printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89'; head -c 20000 /dev/urandom; } >"$TMP/pic.png"
token=$(csrf_for "$A" "/chat/$P")
expect_eq "a message with an image is sent" 303 "$(http "$A" POST "/chat/$P" -F "csrf=$token" \
	-F "content=see this" -F model=att-openai -F "files=@$TMP/pic.png")"
wait_reply "$(last_reply "$P")" >/dev/null
PH=$(sha256sum "$TMP/pic.png" | cut -c1-64)
# A file no message refers to (a deleted chat's, not yet swept).
ORPHAN=$(printf 'nobody' | sha256sum | cut -c1-64)
mkdir -p "$DATA/files/${ORPHAN:0:2}"; printf 'nobody' >"$DATA/files/${ORPHAN:0:2}/$ORPHAN"
C=$(new_chat "$A" "kept safe")
send "$A" "$C" "a question worth keeping" sim-slow >/dev/null
M=$(last_reply "$C")
wait_text "$M"

# --- backup, live, mid-stream
"$CONFAB" backup "$TMP/bk" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab backup succeeds while a reply streams" 0 "$rc"
expect_eq "  ... the reply was still being written when it ended" running "$(msg_field "$M" status)"
for f in user.db data.db secret.key confab.ini MANIFEST; do
	check "  ... the backup holds $f" test -s "$TMP/bk/$f"
done
expect_eq "  ... in a directory only its owner can read" 700 "$(stat -c %a "$TMP/bk")"
expect_eq "  ... the key file 0600" 600 "$(stat -c %a "$TMP/bk/secret.key")"
check "  ... with the same key as the site" cmp -s "$DATA/secret.key" "$TMP/bk/secret.key"
check "  ... each database passes an integrity check" \
	test "$(sqlite3 "$TMP/bk/data.db" 'PRAGMA integrity_check')$(sqlite3 "$TMP/bk/user.db" 'PRAGMA integrity_check')" = okok
check "  ... and stands alone (no -wal beside it)" test ! -e "$TMP/bk/data.db-wal"
PART=$(sqlite3 "$TMP/bk/data.db" "SELECT group_concat(text, '') FROM (SELECT text FROM message_parts WHERE message_id = '$M' ORDER BY start)")
check "  ... and the reply's text so far" test -n "$PART"
check "  ... says what it copied" grep -q 'data.db  version' "$TMP/out"
check "  ... the image file the chat refers to" cmp -s "$TMP/pic.png" "$TMP/bk/files/${PH:0:2}/$PH"
expect_eq "  ... 0600" 600 "$(stat -c %a "$TMP/bk/files/${PH:0:2}/$PH")"
check "  ... not a file nothing refers to" test ! -e "$TMP/bk/files/${ORPHAN:0:2}/$ORPHAN"
# Other tests' files are in the instance too: as many as the copy refers to.
NF=$(sqlite3 "$TMP/bk/data.db" "SELECT count(DISTINCT hash) FROM attachments")
check "  ... counted in the MANIFEST" grep -qx "files = $NF" "$TMP/bk/MANIFEST"
check "  ... and in what it says" grep -Eq "$NF attachment files?\$" "$TMP/out"
check "  ... every one of them there" test "$(find "$TMP/bk/files" -type f | wc -l)" = "$NF"

"$CONFAB" backup "$TMP/bk" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a backup never overwrites another" 1 "$rc"
check "  ... and says so" grep -q 'is not empty' "$TMP/out"
"$CONFAB" backup >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "backup without a directory is a usage error" 2 "$rc"
"$CONFAB" backup --help >"$TMP/out" 2>&1 && rc=0 || rc=$?
check "backup --help answers on stdout" test "$rc" = 0 -a -n "$(grep 'usage: confab backup DIR' "$TMP/out")"

# --- the live reply was not disturbed, and ends with what the backup saw
expect_eq "the streaming reply still ends done" done "$(wait_reply "$M" 30)"
FULL=$(msg_field "$M" content)
check "  ... its text begins with what the backup caught" test "${FULL#"$PART"}" != "$FULL"

# --- restore refused while the worker holds its lease
CONFAB_DATA_DIR=$DATA "$CONFAB" restore "$TMP/bk" --force >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "restore into the live directory is refused while confabd runs" 1 "$rc"
check "  ... naming the worker and its pid" grep -q "confabd is running on $DATA (pid [0-9]" "$TMP/out"
check "  ... and saying to stop it" grep -q 'stop it first' "$TMP/out"

# --- restore refuses what is not a finished backup
mkdir -p "$TMP/half"; cp "$TMP/bk/user.db" "$TMP/bk/data.db" "$TMP/half/"
CONFAB_DATA_DIR=$TMP/nowhere "$CONFAB" restore "$TMP/half" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a backup without MANIFEST is refused" 1 "$rc"
check "  ... as unfinished" grep -q 'did not finish' "$TMP/out"
check "  ... creating nothing" test ! -e "$TMP/nowhere"
cp -r "$TMP/bk" "$TMP/bad"; printf 'garbage' | dd of="$TMP/bad/data.db" bs=1 seek=100 conv=notrunc 2>/dev/null
dd if=/dev/urandom of="$TMP/bad/data.db" bs=4096 seek=3 count=4 conv=notrunc 2>/dev/null
CONFAB_DATA_DIR=$TMP/nowhere "$CONFAB" restore "$TMP/bad" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a damaged backup is refused" 1 "$rc"

cp -r "$TMP/bk" "$TMP/nofile"; rm "$TMP/nofile/files/${PH:0:2}/$PH"
CONFAB_DATA_DIR=$TMP/nowhere "$CONFAB" restore "$TMP/nofile" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a backup missing an attachment file is refused" 1 "$rc"
check "  ... naming the file" grep -q "files/${PH:0:2}/$PH is missing" "$TMP/out"
cp -r "$TMP/bk" "$TMP/badfile"; printf 'x' >>"$TMP/badfile/files/${PH:0:2}/$PH"
CONFAB_DATA_DIR=$TMP/nowhere "$CONFAB" restore "$TMP/badfile" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a backup with a damaged attachment file is refused" 1 "$rc"
check "  ... as damaged" grep -q 'damaged' "$TMP/out"
rm -rf "$TMP/nowhere"

# --- restore refuses a backup from a newer confab
cp -r "$TMP/bk" "$TMP/newer"
sqlite3 "$TMP/newer/data.db" 'PRAGMA user_version=999'
sed -i 's/^data.db = .*/data.db = 999/' "$TMP/newer/MANIFEST"
CONFAB_DATA_DIR=$TMP/nowhere "$CONFAB" restore "$TMP/newer" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "a backup from a newer confab is refused" 1 "$rc"
check "  ... saying to upgrade" grep -q 'newer confab' "$TMP/out"
CONFAB_DATA_DIR=$TMP/nowhere "$CONFAB" backup "$TMP/bk2" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "backing up a directory with no databases fails" 1 "$rc"
check "  ... pointing at confab init" grep -q 'confab init' "$TMP/out"
check "  ... leaving no backup directory behind" test ! -e "$TMP/bk2"

# --- restore into a fresh data directory
FRESH=$TMP/fresh
CONFAB_DATA_DIR=$FRESH "$CONFAB" restore "$TMP/bk" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab restore into a fresh directory succeeds" 0 "$rc"
check "  ... bringing the key file back" cmp -s "$DATA/secret.key" "$FRESH/secret.key"
expect_eq "  ... 0600" 600 "$(stat -c %a "$FRESH/secret.key")"
expect_eq "  ... the chat and both its messages" 2 "$(sqlite3 "$FRESH/data.db" "SELECT count(*) FROM messages WHERE chat_id = '$C'")"
check "  ... and the image file" cmp -s "$TMP/pic.png" "$FRESH/files/${PH:0:2}/$PH"
expect_eq "  ... 0600" 600 "$(stat -c %a "$FRESH/files/${PH:0:2}/$PH")"
CONFAB_DATA_DIR=$FRESH "$CONFAB" restore "$TMP/bk" >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "restoring over databases needs --force" 1 "$rc"
CONFAB_DATA_DIR=$FRESH "$CONFAB" restore "$TMP/bk" --force >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "  ... and works with it" 0 "$rc"

# --- the restored site serves the chat: sign in there and read it
if B2=$(second_instance "$FRESH"); then
	ok "a confab starts on the restored directory"
	R=$TMP/r.jar
	expect_eq "  ... the same account signs in" 303 "$(BASE=$B2 login "$R" "$EMAIL" 'password one')"
	expect_eq "  ... its chat opens" 200 "$(BASE=$B2 http "$R" GET "/chat/$C")"
	check "  ... with the question" grep -q 'a question worth keeping' "$TMP/body"
	check "  ... and the reply's element" grep -q "id=\"m-$M\"" "$TMP/body"
	expect_eq "  ... the chat with the image opens" 200 "$(BASE=$B2 http "$R" GET "/chat/$P")"
	check "  ... showing it" grep -q "src=\"/chat/$P/file/$PH\"" "$TMP/body"
	expect_eq "  ... its address serves it" 200 "$(BASE=$B2 http "$R" GET "/chat/$P/file/$PH")"
	check "  ... the same bytes" cmp -s "$TMP/body" "$TMP/pic.png"
	# The worker there ends the reply the backup caught mid-stream.
	st=""; for _ in $(seq 50); do
		st=$(sqlite3 "$FRESH/data.db" "SELECT status FROM messages WHERE id = '$M'")
		[ "$st" = failed ] && break; sleep 0.1
	done
	expect_eq "  ... the interrupted reply ends failed, not stuck" failed "$st"
	expect_eq "  ... keeping the text the backup caught" "$PART" \
		"$(sqlite3 "$FRESH/data.db" "SELECT content FROM messages WHERE id = '$M'")"

	# Restore under running page executables: stop only the worker, add
	# a chat after the backup, restore, and the pages serve the backup.
	kill -TERM "$(head -1 "$FRESH/confabd.lock")"
	for _ in $(seq 50); do flock -n "$FRESH/confabd.lock" true && break; sleep 0.1; done
	C2=$(BASE=$B2 new_chat "$R" "made after the backup")
	check "a chat made after the backup exists before the restore" test -n "$C2"
	CONFAB_DATA_DIR=$FRESH "$CONFAB" restore "$TMP/bk" --force >"$TMP/out" 2>&1 && rc=0 || rc=$?
	expect_eq "restore --force under running pages, worker stopped, succeeds" 0 "$rc"
	check "  ... telling to restart the page executables" grep -q 'restart the FastCGI' "$TMP/out"
	check "  ... leaving no pid of its own in the lease file" test ! -s "$FRESH/confabd.lock"
	# The session was made after the backup too: sign in again.
	expect_eq "  ... the running pages serve the restored accounts" 303 \
		"$(BASE=$B2 login "$R" "$EMAIL" 'password one')"
	expect_eq "  ... the chat made after the backup is gone" 404 "$(BASE=$B2 http "$R" GET "/chat/$C2")"
	expect_eq "  ... the backed-up chat is there" 200 "$(BASE=$B2 http "$R" GET "/chat/$C")"
	stop_second_instance "$FRESH"
else
	not_ok "a confab starts on the restored directory"
fi

done_testing
