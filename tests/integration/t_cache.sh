#!/usr/bin/env bash
# The response cache: on for the model sim-cached ([model.ID] cache), whose
# replies are wall-clock times, so a fresh answer never equals a cached one.
. "$(dirname "$0")/lib.sh"

A=$TMP/a.jar B=$TMP/b.jar
signup "$A" "$(new_email)" 'password one' >/dev/null
signup "$B" "$(new_email)" 'password two' >/dev/null
usage() { sqlite3 "$DATA/data.db" "SELECT status || '|' || cost FROM usage_logs WHERE message_id = '$1'"; }
ask() { # JAR MODEL TEXT: a new chat, one message; prints the reply's id
	local c
	c=$(new_chat "$1" "cache test")
	send "$1" "$c" "$3" "$2" >/dev/null
	last_reply "$c"
}

M1=$(ask "$A" sim-cached "what time is it")
expect_eq "a first request is answered by the provider" done "$(wait_reply "$M1")"
T1=$(msg_field "$M1" content)
check "  ... logged as success, with a cost" grep -q '^success|[1-9]' <<<"$(usage "$M1")"
M2=$(ask "$A" sim-cached "what time is it")
expect_eq "the same request again" done "$(wait_reply "$M2")"
expect_eq "  ... is answered from the cache" "$T1" "$(msg_field "$M2" content)"
expect_eq "  ... logged as cached, costing nothing" "cached|0" "$(usage "$M2")"
expect_eq "  ... and the message costs nothing" 0 "$(msg_field "$M2" cost)"
expect_eq "  ... with the original token counts" "$(msg_field "$M1" 'tokens_in || tokens_out')" \
	"$(msg_field "$M2" 'tokens_in || tokens_out')"
M3=$(ask "$A" sim-cached "what time is it now")
wait_reply "$M3" >/dev/null
check "a different message is a miss" test "$(msg_field "$M3" content)" != "$T1"
expect_eq "  ... logged as success" success "$(usage "$M3" | cut -d'|' -f1)"
M4=$(ask "$B" sim-cached "what time is it")
wait_reply "$M4" >/dev/null
check "another user's identical request is a miss (the cache is per user)" \
	test "$(msg_field "$M4" content)" != "$T1"

C2=$(sqlite3 "$DATA/data.db" "SELECT chat_id FROM messages WHERE id = '$M2'")
CSRF_PAGE=/chat/$C2 post "$A" "/chat/$C2/regenerate" model=sim-cached >/dev/null
M5=$(last_reply "$C2")
wait_reply "$M5" >/dev/null
T5=$(msg_field "$M5" content)
check "regenerate asks the provider afresh" test "$T5" != "$T1"
expect_eq "  ... logged as success" success "$(usage "$M5" | cut -d'|' -f1)"
M6=$(ask "$A" sim-cached "what time is it")
wait_reply "$M6" >/dev/null
expect_eq "  ... and its answer is what the cache holds now" "$T5" "$(msg_field "$M6" content)"

sqlite3 "$DATA/data.db" "UPDATE model_cache SET expires_at = 1"
M7=$(ask "$A" sim-cached "what time is it")
wait_reply "$M7" >/dev/null
check "an expired answer is a miss" test "$(msg_field "$M7" content)" != "$T5"
expect_eq "  ... logged as success" success "$(usage "$M7" | cut -d'|' -f1)"

M8=$(ask "$A" sim "same words twice")
M9=$(ask "$A" sim "same words twice")
wait_reply "$M8" >/dev/null; wait_reply "$M9" >/dev/null
expect_eq "a model without the cache asks the provider every time" "success success" \
	"$(usage "$M8" | cut -d'|' -f1) $(usage "$M9" | cut -d'|' -f1)"

done_testing
