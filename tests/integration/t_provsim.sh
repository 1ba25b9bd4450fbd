#!/usr/bin/env bash
# tools/provsim, the OpenAI chat-completions simulator that confab's provider
# client is tested against: the exact stream shapes, the usage arithmetic,
# every failure mode, timing, and 300 concurrent streams. Needs only
# $BUILD/tools/provsim, curl and python3 (no confab instance).
. "$(dirname "$0")/lib.sh"

PS=$BUILD/tools/provsim
if [ ! -x "$PS" ]; then
	not_ok "provsim is built" "missing: $PS"
	exit 0
fi

# python3 without site-packages: it starts faster, and only the stdlib is used.
PY="python3 -S"

# The default reply's sha256 (tools/provsim.md): tests elsewhere compare
# against this text, so changing it must be deliberate.
LOREM_SHA=6aa799c6ef3d73875c024e99da34fd4ec8fc8e87075a4ac0475b31edb6344f3d
LOREM_WORDS=120

"$PS" --port 0 >"$TMP/ps.out" 2>"$TMP/ps.log" &
PSPID=$!
trap 'kill -TERM $PSPID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do grep -q '^provsim listening on ' "$TMP/ps.out" && break; sleep 0.1; done
PORT=$(sed -n 's/^provsim listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/ps.out")
if [ -z "$PORT" ]; then
	not_ok "provsim --port 0 prints the port it listens on" "$(cat "$TMP/ps.out" "$TMP/ps.log")"
	exit 0
fi
ok "provsim --port 0 prints \"provsim listening on 127.0.0.1:$PORT\""
URL=http://127.0.0.1:$PORT/v1/chat/completions

"$PS" --print-lorem >"$TMP/lorem"
expect_eq "the fixed reply is the documented text (sha256)" "$LOREM_SHA" "$(sha256sum <"$TMP/lorem" | cut -d' ' -f1)"

# sse.py FILE CONTENT_OUT: decode an SSE stream of chat.completion.chunk
# events; write the concatenated deltas to CONTENT_OUT and print a summary,
# one KEY=VALUE a line.
cat >"$TMP/sse.py" <<'EOF'
import json, re, sys
raw = open(sys.argv[1], 'rb').read()
events, data, comments = [], [], 0
for ln in re.split(r'\r\n|\r|\n', raw.decode('utf-8', 'replace')):
    if ln == '':
        if data: events.append('\n'.join(data))
        data = []
    elif ln.startswith(':'):
        comments += 1
    else:
        name, _, val = ln.partition(':')
        if name == 'data': data.append(val[1:] if val.startswith(' ') else val)
if data: events.append('\n'.join(data))
content, finish, usage, role, ids, bad, errors, ntok, objs = [], [], 'none', 'none', set(), 0, 0, 0, set()
for i, e in enumerate(events):
    if e == '[DONE]': continue
    try: j = json.loads(e)
    except ValueError: bad += 1; continue
    if 'error' in j: errors += 1; continue
    ids.add(j.get('id')); objs.add(j.get('object'))
    if j.get('usage'):
        u = j['usage']; usage = '%d %d %d' % (u['prompt_tokens'], u['completion_tokens'], u['total_tokens'])
        if j.get('choices') != []: bad += 1
    for c in j.get('choices') or []:
        d = c.get('delta', {})
        if 'role' in d and role == 'none': role = '%s/%r/%d' % (d['role'], d.get('content'), i)
        elif d.get('content') is not None: content.append(d['content']); ntok += 1
        if c.get('finish_reason'): finish.append(c['finish_reason'])
open(sys.argv[2], 'wb').write(''.join(content).encode('utf-8'))
print('events=%d' % len(events)); print('comments=%d' % comments); print('bad=%d' % bad)
print('errors=%d' % errors); print('ntok=%d' % ntok); print('role=%s' % role)
print('finish=%s' % ','.join(finish)); print('usage=%s' % usage)
print('last=%s' % (events[-1] if events else '')); print('done=%d' % events.count('[DONE]'))
print('ids=%d' % len(ids)); print('objects=%s' % ','.join(sorted(map(str, objs))))
def kind(e):
    if e == '[DONE]': return 'done'
    try: j = json.loads(e)
    except ValueError: return 'bad'
    if j.get('usage'): return 'usage' if j.get('choices') == [] else 'usage-with-choices'
    c = (j.get('choices') or [{}])[0]
    return 'finish' if c.get('finish_reason') else 'token'
print('tail=%s' % ' '.join(kind(e) for e in events[-3:]))
blocks = [b for b in raw.split(b'\n\n') if b]
print('alternate=%d' % (len(blocks) % 2 == 0 and all(b == b': OPENROUTER PROCESSING' for b in blocks[0::2])
                         and all(b.startswith(b'data: ') for b in blocks[1::2])))
print('crlf=%d' % (raw.count(b'\r\n\r\n') > 0 and b'\n' not in raw.replace(b'\r\n', b'')
                   and raw.endswith(b'data: [DONE]\r\n\r\n')))
EOF

# The reply's first tokens: $TMP/first10 and $TMP/first20; $TMP/cycled is
# the reply then its first 5 tokens again (tokens=125).
$PY - "$TMP" <<'EOF'
import re, sys
t = open(sys.argv[1] + '/lorem').read(); toks = re.findall(r'\s*\S+\s*', t)
for name, text in (('first10', toks[:10]), ('first20', toks[:20]), ('cycled', toks + toks[:5])):
    open(sys.argv[1] + '/' + name, 'w').write(''.join(text))
EOF

# within T LO HI: LO <= T < HI, for decimal seconds.
within() { awk -v t="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(t >= lo && t < hi) }'; }

# jstr TEXT: TEXT as a JSON string (enough for the texts used here).
jstr() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

# body MODEL STREAM USAGE [SYSTEM] USER: a request body in $TMP/req.json.
body() {
	local model=$1 stream=$2 usage=$3 msgs=''
	shift 3
	[ $# -gt 1 ] && msgs="{\"role\":\"system\",\"content\":$(jstr "$1")},"
	msgs="$msgs{\"role\":\"user\",\"content\":$(jstr "${!#}")}"
	{
		printf '{"model":%s,"messages":[%s]' "$(jstr "$model")" "$msgs"
		[ "$stream" = 1 ] && printf ',"stream":true'
		[ "$usage" = 1 ] && printf ',"stream_options":{"include_usage":true}'
		printf '}\n'
	} >"$TMP/req.json"
}

# chat [curl args...]: POST $TMP/req.json; prints the status; the body goes
# to $TMP/out, headers to $TMP/hdr, curl's exit status to $TMP/rc. Then
# `sum KEY` reads sse.py's summary of the stream, and $TMP/content (after
# decode) holds its text.
chat() {
	local rc=0
	rm -f "$TMP/out" "$TMP/hdr"
	touch "$TMP/out" "$TMP/hdr"
	curl -sN --max-time 20 -o "$TMP/out" -D "$TMP/hdr" -w '%{http_code}' \
		-H 'Content-Type: application/json' -H 'Authorization: Bearer sk-test' \
		--data-binary @"$TMP/req.json" "$@" "$URL" || rc=$?
	echo "$rc" >"$TMP/rc"
	rm -f "$TMP/sum" "$TMP/content"
}
# The stream is decoded on first use.
decode() { [ -f "$TMP/sum" ] || $PY "$TMP/sse.py" "$TMP/out" "$TMP/content" >"$TMP/sum" 2>/dev/null; }
sum() { decode; sed -n "s/^$1=//p" "$TMP/sum"; }
hdr() { grep -i "^$1:" "$TMP/hdr" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'; }
same_content() { decode; cmp -s "$1" "$TMP/content"; }

# --- the default reply, streamed with usage
body "sim:ttft=0:tps=2000" 1 1 "You are terse." "Hello there friend"
expect_eq "a stream answers 200" 200 "$(chat)"
expect_eq "  ... as text/event-stream" "text/event-stream" "$(hdr Content-Type)"
expect_eq "  ... with Cache-Control: no-cache" "no-cache" "$(hdr Cache-Control)"
expect_eq "  ... and Connection: close" "close" "$(hdr Connection)"
check "  ... the deltas concatenated are exactly the fixed reply" same_content "$TMP/lorem"
expect_eq "  ... one delta per word" "$LOREM_WORDS" "$(sum ntok)"
expect_eq "  ... after a first chunk with role assistant and empty content" "assistant/''/0" "$(sum role)"
expect_eq "  ... every event is JSON or [DONE]" 0 "$(sum bad)"
expect_eq "  ... all chunks of one id and object chat.completion.chunk" "1 chat.completion.chunk" \
	"$(sum ids) $(sum objects)"
expect_eq "  ... finish_reason stop, once" stop "$(sum finish)"
# prompt: 3 + 3 words, 2 messages -> 6 + 2*3 = 12; completion: 120 tokens
expect_eq "  ... usage: words + 3 per message, tokens sent, their sum" "12 120 132" "$(sum usage)"
expect_eq "  ... and [DONE] last, once" "[DONE] 1" "$(sum last) $(sum done)"
expect_eq "  ... the finish chunk, then usage with choices [], then [DONE]" "finish usage done" "$(sum tail)"
check "  ... exact chunk shapes" $PY -c '
import sys; ev = [e for e in open(sys.argv[1]).read().split("\n\n") if e]
assert ev[0].endswith(",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}"), ev[0]
assert ev[1].endswith(",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"## \"},\"logprobs\":null,\"finish_reason\":null}]}"), ev[1]
assert ev[-3].endswith(",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}"), ev[-3]
' "$TMP/out"

body "sim:ttft=0:tps=0" 1 0 "Hello"
chat >/dev/null
expect_eq "without stream_options.include_usage there is no usage chunk" none "$(sum usage)"
check "  ... but the same text" same_content "$TMP/lorem"
expect_eq "  ... and [DONE]" "[DONE]" "$(sum last)"

body "gpt-4o" 1 1 "Hello"
chat --max-time 30 >/dev/null
check "a model name not starting with sim behaves as sim" same_content "$TMP/lorem"

body "sim:ttft=0:tps=0:tokens=10" 1 1 "one two"
chat >/dev/null
check "tokens=10 sends the first 10 tokens" same_content "$TMP/first10"
expect_eq "  ... finish_reason length, completion_tokens 10" "length 5 10 15" "$(sum finish) $(sum usage)"

body "sim:ttft=0:tps=0:tokens=125" 1 1 "one two"
chat >/dev/null
check "tokens=125 (more than the reply) repeats the reply" same_content "$TMP/cycled"
expect_eq "  ... finish_reason length, completion_tokens 125" "length 5 125 130" "$(sum finish) $(sum usage)"

# --- reply kinds
$PY - >"$TMP/req.json" <<'EOF'
print('{"model":"sim:reply=echo:ttft=0:tps=0","stream":true,"messages":['
      '{"role":"user","content":"first"},{"role":"assistant","content":"answer"},'
      '{"role":"user","content":"caf\\u00e9 \\ud83d\\ude80 \\"q\\" back\\\\slash\\nnew\\tline \\/"}]}')
EOF
chat >/dev/null
printf 'You said: café 🚀 "q" back\\slash\nnew\tline /' >"$TMP/echo.expect"
check "reply=echo answers \"You said: \" + the last user message, JSON escapes decoded" same_content "$TMP/echo.expect"

$PY - >"$TMP/req.json" <<'EOF'
import json
print(json.dumps({"model": "sim:reply=echo:ttft=0:tps=0", "stream": True, "messages": [
    {"role": "user", "content": [{"type": "text", "text": "look at"},
     {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
     {"type": "text", "text": "this"}]}]}))
EOF
chat >/dev/null
expect_eq "  ... with content parts, their texts joined by newlines" "You said: look at
this" "$(decode; cat "$TMP/content")"

body "sim:reply=system:ttft=0:tps=0" 1 1 "  You are a *pirate*.
Say arr." "Hello"
chat >/dev/null
expect_eq "reply=system answers the system prompt verbatim" "  You are a *pirate*.
Say arr." "$(decode; cat "$TMP/content")"
expect_eq "  ... usage counts both messages" "13 6 19" "$(sum usage)"

# reply=demo: the offline demo model answers the question it was asked
body "sim:reply=demo:ttft=0:tps=0" 1 1 "How do I sort a list of tuples in \"Python\"?"
chat >/dev/null
decode
check "reply=demo says it is simulated" grep -q '^\*Simulated answer from the offline demo model' "$TMP/content"
check "  ... quotes the question" grep -qF '> How do I sort a list of tuples in "Python"?' "$TMP/content"
check "  ... counts its words" grep -qF 'It has **10** words' "$TMP/content"
check "  ... puts its words in a markdown table" grep -qF '| 3 | I | 1 |' "$TMP/content"
check "  ... and the question in a code block, quotes escaped" \
	grep -qF 'const char *question = "How do I sort a list of tuples in \"Python\"?";' "$TMP/content"
cp "$TMP/content" "$TMP/demo1"
body "sim:reply=demo:ttft=0:tps=0" 1 1 "Explain monads"
chat >/dev/null
decode
check "  ... a different question gets a different answer" sh -c "! cmp -s '$TMP/demo1' '$TMP/content'"
body "sim:reply=demo:ttft=0:tps=0" 1 1 "Write a title of at most six words for a conversation." \
	"how do I sort a list of tuples, by the second item?"
chat >/dev/null
expect_eq "  ... and confab's title request gets the question's first six words" \
	"How do I sort a list" "$(decode; cat "$TMP/content")"

body "sim:reply=clock:ttft=0:tps=10:tokens=5" 1 0 "x"
chat >/dev/null
decode
check "reply=clock tokens are \"<t=UNIX_MS> \", 1/tps apart, and now" $PY -c '
import re, sys, time
t = open(sys.argv[1]).read()
ms = [int(x) for x in re.findall(r"<t=(\d+)> ", t)]
assert len(ms) == 5 and "".join("<t=%d> " % m for m in ms) == t, t
assert ms == sorted(ms) and 350 <= ms[-1] - ms[0] <= 1500, ms  # 4 gaps of 100 ms
assert abs(time.time() * 1000 - ms[-1]) < 60000  # the current time
' "$TMP/content"

# --- non-stream
body "sim:ttft=0:tps=0" 0 0 "You are terse." "Hello there friend"
expect_eq "a non-stream request answers 200" 200 "$(chat)"
expect_eq "  ... application/json" application/json "$(hdr Content-Type)"
check "  ... a chat.completion with the whole reply and usage" $PY -c '
import json, sys
j = json.load(open(sys.argv[1])); c = j["choices"][0]
assert j["object"] == "chat.completion" and c["finish_reason"] == "stop"
assert c["message"]["role"] == "assistant" and c["message"]["content"] == open(sys.argv[2]).read()
assert j["usage"] == {"prompt_tokens": 12, "completion_tokens": 120, "total_tokens": 132}, j["usage"]
' "$TMP/out" "$TMP/lorem"

# --- HTTP errors
body "sim:fail=401" 1 1 "Hello"
expect_eq "fail=401 answers 401" 401 "$(chat)"
expect_eq "  ... with the OpenAI invalid_api_key body" \
	'{"error":{"message":"Incorrect API key provided: sk-...abcd.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}' \
	"$(cat "$TMP/out")"
body "sim:fail=429" 1 1 "Hello"
expect_eq "fail=429 answers 429" 429 "$(chat)"
expect_eq "  ... with retry-after: 1" 1 "$(hdr retry-after)"
expect_eq "  ... and the rate_limit_exceeded body" \
	'{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}' \
	"$(cat "$TMP/out")"
body "sim:fail=500" 1 1 "Hello"
expect_eq "fail=500 answers 500" 500 "$(chat)"
expect_eq "  ... with the server_error body" \
	'{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}' \
	"$(cat "$TMP/out")"

M="sim:ttft=0:tps=0:tokens=3:fail=429x2:run=$$-$RANDOM"
body "$M" 1 0 "Hello"
codes="$(chat) $(chat) $(chat) $(chat)"
expect_eq "fail=429x2 fails the first two requests for that model, then streams" "429 429 200 200" "$codes"
body "$M:other" 1 0 "Hello"
expect_eq "  ... counting per exact model string" 429 "$(chat)"
body "sim:ttft=0:tps=0:tokens=3:fail=500x2:run=$$-$RANDOM" 1 0 "Hello"
expect_eq "fail=500x2 likewise" "500 500 200" "$(chat) $(chat) $(chat)"

# --- failures inside the stream (tokens=10: half is 5)
body "sim:ttft=0:tps=0:tokens=10:fail=midstream" 1 1 "Hello"
expect_eq "fail=midstream answers 200" 200 "$(chat)"
expect_eq "  ... 5 tokens, then one error event, no finish, usage or [DONE]" "5 1 - none 0" \
	"$(sum ntok) $(sum errors) $(sum finish)- $(sum usage) $(sum done)"
expect_eq "  ... the error event's exact bytes, last" \
	'data: {"error":{"message":"The server had an error processing your request.","type":"server_error"}}' \
	"$(grep -v '^$' "$TMP/out" | tail -1)"
expect_eq "  ... and the HTTP body ends properly (curl exit 0)" 0 "$(cat "$TMP/rc")"

body "sim:ttft=0:tps=0:tokens=10:fail=drop" 1 1 "Hello"
chat >/dev/null
expect_eq "fail=drop: 5 tokens, no finish, no [DONE]" "5 - 0" "$(sum ntok) $(sum finish)- $(sum done)"
expect_eq "  ... the connection closes inside the chunked body (curl exit 18)" 18 "$(cat "$TMP/rc")"

body "sim:ttft=0:tps=0:tokens=10:fail=drop:te=close" 1 1 "Hello"
chat >/dev/null
expect_eq "fail=drop with te=close: 5 tokens, a clean EOF without [DONE]" "5 0 0" \
	"$(sum ntok) $(sum done) $(cat "$TMP/rc")"

body "sim:ttft=0:tps=0:tokens=10:fail=stall" 1 1 "Hello"
el=$(chat --max-time 1.5 -w ' %{time_total}' | cut -d' ' -f2)
expect_eq "fail=stall: 5 tokens then nothing, the connection kept open (curl times out)" "5 0 28" \
	"$(sum ntok) $(sum done) $(cat "$TMP/rc")"
check "  ... for the whole 1.5 s ($el s)" within "$el" 1.4 99

body "sim:fail=stall-first" 1 1 "Hello"
expect_eq "fail=stall-first sends the 200 headers" 200 "$(chat --max-time 1)"
expect_eq "  ... then nothing (curl times out)" "0 28" "$(wc -c <"$TMP/out") $(cat "$TMP/rc")"

body "sim:ttft=0:tps=0:tokens=10:fail=malformed" 1 1 "Hello"
chat >/dev/null
expect_eq "fail=malformed: 3 tokens, one bad event, then [DONE]" "3 1 [DONE]" "$(sum ntok) $(sum bad) $(sum last)"
check "  ... the truncated JSON's exact bytes" grep -qx 'data: {"choices":\[{"delta":{"content":"oops' "$TMP/out"

body "sim:ttft=0:tps=0:tokens=10:fail=nousage" 1 1 "Hello"
chat >/dev/null
expect_eq "fail=nousage: a whole stream without usage even when asked" "10 length none [DONE]" \
	"$(sum ntok) $(sum finish) $(sum usage) $(sum last)"

body "sim:ttft=0:tps=0:fail=keepalive" 1 1 "Hello"
chat >/dev/null
check "fail=keepalive: the same text" same_content "$TMP/lorem"
expect_eq "  ... with \": OPENROUTER PROCESSING\" before each event" "1 [DONE]" "$(sum alternate) $(sum last)"

body "sim:ttft=0:tps=0:fail=crlf" 1 1 "Hello"
chat >/dev/null
check "fail=crlf: the same text" same_content "$TMP/lorem"
expect_eq "  ... every line ending is CRLF" 1 "$(sum crlf)"

body "sim:ttft=0:tps=0:fail=crlf,keepalive:fail=nousage" 1 1 "Hello"
chat >/dev/null
expect_eq "failure flags combine (fail=a,b and repeated fail=)" "120 123 none" "$(sum ntok) $(sum comments) $(sum usage)"

body "sim:ttft=0:tps=0:tokens=4:te=close" 1 1 "Hello"
chat >/dev/null
expect_eq "te=close streams without Transfer-Encoding" "-4 [DONE]" "$(hdr Transfer-Encoding)-$(sum ntok) $(sum last)"

# --- other endpoints and request forms
expect_eq "GET /v1/models lists sim" "200 sim" \
	"$(curl -s -o "$TMP/m" -w '%{http_code}' "http://127.0.0.1:$PORT/v1/models") $($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"][0]["id"])' "$TMP/m")"
expect_eq "an unknown path answers 404" 404 \
	"$(curl -s -o "$TMP/e" -w '%{http_code}' "http://127.0.0.1:$PORT/v1/embeddings" -d '{}')"
check "  ... with an OpenAI-style error body" $PY -c '
import json, sys; e = json.load(open(sys.argv[1]))["error"]; assert e["message"] and e["type"] == "invalid_request_error"' "$TMP/e"
expect_eq "any path ending in /chat/completions works" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/openai/chat/completions?x=1" -d '{"model":"sim:ttft=0:tps=0:tokens=1"}')"
expect_eq "a body that is not JSON answers 400" 400 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$URL" -d '{"model":')"

$PY -c '
import json
print(json.dumps({"model": "sim:reply=echo:ttft=0:tps=0:tokens=3", "messages": [{"role": "user", "content": "word " * 850000}]}))' >"$TMP/req.json"
expect_eq "a 4 MiB request with Expect: 100-continue" 200 "$(chat -H 'Expect: 100-continue' -v 2>"$TMP/v")"
check "  ... gets \"HTTP/1.1 100 Continue\" first" grep -q '^< HTTP/1.1 100 Continue' "$TMP/v"
expect_eq "  ... and its 850000 words counted" "850003 You said: word " \
	"$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["usage"]["prompt_tokens"], j["choices"][0]["message"]["content"])' "$TMP/out")"
expect_eq "a chunked request body works" 200 "$(chat -H 'Transfer-Encoding: chunked')"
check "  ... read whole" grep -q '"prompt_tokens":850003' "$TMP/out"

# --- timing
body "sim:ttft=0:tps=20:tokens=10" 1 1 "Hello"
t=$(chat -w ' %{time_total}' | cut -d' ' -f2)
check "a 10-token stream at tps=20 takes at least 0.4 s ($t s)" within "$t" 0.4 3
body "sim:ttft=600:tps=0:tokens=1" 1 1 "Hello"
t=$(chat -w ' %{time_total}' | cut -d' ' -f2)
check "ttft=600 delays the first token 0.6 s ($t s)" within "$t" 0.6 3

# --- 300 concurrent streams
body "sim:tps=50:tokens=20" 1 1 "Hello"
mkdir -p "$TMP/load"
pids=()
start=$(date +%s%N)
for i in $(seq 300); do
	curl -sN --max-time 60 -o "$TMP/load/$i" -H 'Content-Type: application/json' \
		--data-binary @"$TMP/req.json" "$URL" &
	pids+=($!)
done
wait "${pids[@]}"
el=$((($(date +%s%N) - start) / 1000000))
# One python for all 300: sse.py's summary of each, checked at once.
good=$($PY - "$TMP" <<'EOF'
import contextlib, io, runpy, sys
tmp = sys.argv[1]; want = open(tmp + '/first20', 'rb').read(); good = 0
for i in range(1, 301):
    out = io.StringIO()
    sys.argv = ['sse.py', '%s/load/%d' % (tmp, i), '%s/load/%d.txt' % (tmp, i)]
    try:
        with contextlib.redirect_stdout(out): runpy.run_path(tmp + '/sse.py')
    except Exception: continue
    s = out.getvalue().splitlines()
    if open(sys.argv[2], 'rb').read() == want and 'last=[DONE]' in s and 'usage=4 20 24' in s: good += 1
print(good)
EOF
)
expect_eq "300 concurrent streams all complete with the full text ($el ms)" 300 "$good"

# --- logging and stopping
check "provsim logs one line per request: model, status, tokens" \
	grep -q 'model=sim:ttft=0:tps=0:tokens=10:fail=midstream status=200 tokens=5 end=midstream' "$TMP/ps.log"
kill -TERM "$PSPID"
rc=0
timeout 5 tail --pid="$PSPID" -f /dev/null || rc=$?
wait "$PSPID"
expect_eq "SIGTERM stops provsim cleanly" "0 0" "$rc $?"
check "  ... and the port is free again" bash -c "! curl -s -o /dev/null '$URL'"

done_testing
