#!/usr/bin/env bash
# Deleting gives space back: new files use incremental vacuum, confab vacuum
# shrinks them at once, confab migrate converts files made before, and the
# worker returns a deleted chat's pages by itself when idle.
. "$(dirname "$0")/lib.sh"
CONFAB=$BUILD/cli/confab

pages() { sqlite3 "$1" 'PRAGMA page_count'; }
freelist() { sqlite3 "$1" 'PRAGMA freelist_count'; }
# fill DB CHAT_ID: 2000 messages of 2 KB in a chat (about 4 MB).
fill() {
	sqlite3 "$1" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		INSERT INTO messages (id, chat_id, seq, role, content, created_at)
		SELECT lower(hex(randomblob(16))), '$2', 1000 + i, 'user', hex(randomblob(1024)), 0 FROM n"
}

# --- a private data directory
V=$TMP/v
CONFAB_DATA_DIR=$V "$CONFAB" init >/dev/null 2>&1
expect_eq "new databases use incremental vacuum" 2,2 \
	"$(sqlite3 "$V/data.db" 'PRAGMA auto_vacuum'),$(sqlite3 "$V/user.db" 'PRAGMA auto_vacuum')"
sqlite3 "$V/data.db" "INSERT INTO chats (id, user_id, created_at, updated_at) VALUES ('c1', 'u1', 0, 0)"
fill "$V/data.db" c1
full=$(stat -c %s "$V/data.db")
check "4 MB of messages make the file grow past 4 MB" test "$full" -gt 4000000
sqlite3 "$V/data.db" "PRAGMA foreign_keys=ON; DELETE FROM chats WHERE id = 'c1'"
check "deleting the chat leaves its pages free in the file" test "$(freelist "$V/data.db")" -gt 900
CONFAB_DATA_DIR=$V "$CONFAB" vacuum >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab vacuum succeeds" 0 "$rc"
after=$(stat -c %s "$V/data.db")
check "  ... and the file shrinks to under a tenth ($full -> $after bytes)" test "$after" -lt $((full / 10))
expect_eq "  ... with no free page left" 0 "$(freelist "$V/data.db")"
check "  ... saying so for each file" grep -q "^data.db: [0-9]* -> $after bytes" "$TMP/out"
check "  ... and for user.db" grep -q '^user.db: ' "$TMP/out"

# --- files made before incremental vacuum: migrate converts, vacuum works
sqlite3 "$V/data.db" "PRAGMA auto_vacuum=NONE; VACUUM" >/dev/null
expect_eq "an old-style file has auto_vacuum off" 0 "$(sqlite3 "$V/data.db" 'PRAGMA auto_vacuum')"
CONFAB_DATA_DIR=$V "$CONFAB" migrate >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab migrate succeeds on it" 0 "$rc"
check "  ... saying it switched the file to incremental vacuum" grep -q '^data.db: switched to incremental vacuum' "$TMP/out"
expect_eq "  ... which it now uses" 2 "$(sqlite3 "$V/data.db" 'PRAGMA auto_vacuum')"
CONFAB_DATA_DIR=$V "$CONFAB" migrate >"$TMP/out" 2>&1
check "  ... once: the next migrate leaves it alone" bash -c "! grep -q switched '$TMP/out'"
CONFAB_DATA_DIR=$V "$CONFAB" vacuum --full >"$TMP/out" 2>&1 && rc=0 || rc=$?
expect_eq "confab vacuum --full succeeds" 0 "$rc"
"$CONFAB" vacuum --bogus >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "an unknown vacuum option is a usage error" 2 "$rc"

# --- the live site: delete a chat in the browser, the worker gives it back
A=$TMP/a.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
C=$(new_chat "$A" "big and doomed")
fill "$DATA/data.db" "$C"
before=$(pages "$DATA/data.db")
CSRF_PAGE=/chats
expect_eq "deleting a big chat in the browser works" 303 "$(post "$A" "/chats/$C/delete" confirm=1)"
expect_eq "  ... and so does deleting it forever from the trash" 303 \
	"$(post "$A" "/chats/$C/purge" confirm=1)"
left=0
for _ in $(seq 100); do
	[ "$(freelist "$DATA/data.db")" = 0 ] && [ "$(pages "$DATA/data.db")" -lt $((before - 900)) ] && break
	sleep 0.1
done
now=$(pages "$DATA/data.db")
check "  ... and the idle worker returns its pages within 10 s ($before -> $now pages)" \
	test "$now" -lt $((before - 900))
expect_eq "  ... leaving none free" 0 "$(freelist "$DATA/data.db")"
check "  ... and logs it" grep -q 'free pages back to the disk' "$DATA/log/confabd.log"

done_testing
