#!/usr/bin/env bash
# tools/provsim's other wire formats (tools/provsim.md, "Protocols"):
# Anthropic Messages, Gemini streamGenerateContent, Ollama's /api/chat and
# the OpenAI-compatible quirks — exact event sequences, thinking, usage
# arithmetic, and each failure mode in each format. Uses the runner's
# simulator ($SIM) and python3's standard library.
. "$(dirname "$0")/lib.sh"

# Its checks pass through tap, which counts them for the plan.
python3 -S - "http://$SIM" >"$TMP/formats.tap" <<'PY'
import json, sys, urllib.request, urllib.error

BASE = sys.argv[1]
fails = 0

def check(what, cond, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        fails += 1
        print("#   " + str(detail)[:600])

def post(path, body):
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

def sse(raw):
    """[(event name or None, data)] of an SSE body; CRLF or LF."""
    out = []
    text = raw.decode().replace("\r\n", "\n")
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line.startswith("error: "):
                name, data = "error-field", [line[7:]]
        out.append((name, "\n".join(data)))
    return out

SYS, USER = "Be brief.", "Hello there friend"
# words of every message + 3 a message; the system prompt is one message
P = 2 + 3 + 2 * 3
THINK = "The user wants an answer. Let me think it through, step by step & <carefully>, before I reply. "

# --- Anthropic
st, h, raw = post("/v1/messages", {"model": "sim:reply=echo:tps=0:ttft=0:think=3", "system": SYS,
    "max_tokens": 100, "stream": True, "messages": [{"role": "user", "content": USER}]})
ev = sse(raw)
check("anthropic: 200 text/event-stream", st == 200 and h.get("Content-Type") == "text/event-stream", (st, h))
types = [json.loads(d)["type"] for _, d in ev]
check("anthropic: every event line names the data's type", all(n == json.loads(d)["type"] for n, d in ev), ev[:3])
seq = [t if t != "content_block_delta" else json.loads(d)["delta"]["type"] for t, (_, d) in zip(types, ev)]
check("anthropic: message_start, a thinking block with a ping, signature, then the text block, message_delta, message_stop",
      seq == ["message_start", "content_block_start", "ping"] + ["thinking_delta"] * 3 +
      ["signature_delta", "content_block_stop", "content_block_start"] + ["text_delta"] * 5 +
      ["content_block_stop", "message_delta", "message_stop"], seq)
js = [json.loads(d) for _, d in ev]
text = "".join(j["delta"]["text"] for j in js if j["type"] == "content_block_delta" and j["delta"]["type"] == "text_delta")
think = "".join(j["delta"]["thinking"] for j in js if j["type"] == "content_block_delta" and j["delta"]["type"] == "thinking_delta")
check("anthropic: the text is the echo, the thinking the first 3 thinking words",
      text == "You said: " + USER and think == "The user wants ", (text, think))
check("anthropic: text deltas in block 1 after thinking in block 0",
      {j["index"] for j in js if j["type"] == "content_block_delta" and j["delta"]["type"] == "text_delta"} == {1}, js)
check("anthropic: input_tokens in message_start (system counted), cumulative output_tokens in message_delta",
      js[0]["message"]["usage"]["input_tokens"] == P and js[-2]["usage"]["output_tokens"] == 8
      and js[-2]["delta"]["stop_reason"] == "end_turn", (js[0], js[-2]))

st, h, raw = post("/v1/messages", {"model": "sim:reply=echo:tps=0:ttft=0:tokens=2:fail=nousage", "stream": True,
    "max_tokens": 10, "messages": [{"role": "user", "content": USER}]})
js = [json.loads(d) for _, d in sse(raw)]
check("anthropic: no thinking: the text block is index 0; tokens=2 stops with max_tokens",
      js[1]["index"] == 0 and js[1]["content_block"]["type"] == "text" and js[-2]["delta"]["stop_reason"] == "max_tokens", js)
check("anthropic: fail=nousage leaves usage out", "usage" not in js[0]["message"] and "usage" not in js[-2], js)

st, h, raw = post("/v1/messages", {"model": "sim:reply=echo:tps=0:ttft=0:fail=midstream", "stream": True,
    "max_tokens": 10, "messages": [{"role": "user", "content": "a b c d e f"}]})
ev = sse(raw)
check("anthropic: fail=midstream ends with an error event after half the tokens",
      ev[-1][0] == "error" and json.loads(ev[-1][1])["error"]["type"] == "overloaded_error"
      and sum(1 for n, _ in ev if n == "content_block_delta") == 4, ev)

st, h, raw = post("/v1/messages", {"model": "sim:reply=echo:tps=0:ttft=0:fail=keepalive+crlf", "stream": True,
    "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]})
ev = sse(raw)
names = [n for n, _ in ev]
check("anthropic: fail=keepalive puts a ping between every two events; crlf ends lines with CRLF",
      all(names[i] == "ping" for i in range(0, len(names), 2)) and b"\r\n\r\n" in raw and b"\n\n" not in raw.replace(b"\r\n", b""), names)

for code, etype in ((401, "authentication_error"), (429, "rate_limit_error"), (500, "api_error"), (529, "overloaded_error")):
    st, h, raw = post("/v1/messages", {"model": "sim:fail=%d" % code, "stream": True, "messages": []})
    body = json.loads(raw)
    check("anthropic: fail=%d answers %d with an %s body" % (code, code, etype),
          st == code and body["type"] == "error" and body["error"]["type"] == etype, (st, body))
st, h, raw = post("/v1/messages", {"model": "sim:fail=429", "stream": True, "messages": []})
check("anthropic: 429 carries retry-after: 1", h.get("retry-after") == "1", h)
st, h, raw = post("/v1/messages", {"model": "sim", "messages": []})
check("anthropic: a non-stream request is refused (400)", st == 400 and json.loads(raw)["type"] == "error", raw)

# --- Gemini
path = "/v1beta/models/sim%3Areply=echo:tps=0:ttft=0:think=2:streamGenerateContent?alt=sse"
st, h, raw = post(path, {"systemInstruction": {"parts": [{"text": SYS}]},
    "contents": [{"role": "user", "parts": [{"text": USER}]}]})
ev = sse(raw)
js = [json.loads(d) for _, d in ev]
check("gemini: 200, data-only events, no [DONE]", st == 200 and all(n is None for n, _ in ev) and b"[DONE]" not in raw, ev)
parts = [p for j in js for p in j["candidates"][0]["content"]["parts"]]
check("gemini: thought parts, then the answer",
      "".join(p["text"] for p in parts if p.get("thought")) == "The user " and
      "".join(p["text"] for p in parts if not p.get("thought")) == "You said: " + USER, parts)
u = [j["usageMetadata"] for j in js]
check("gemini: usageMetadata on every chunk, cumulative, thoughts apart",
      all(x["promptTokenCount"] == P for x in u) and u[-1]["candidatesTokenCount"] == 5 and u[-1]["thoughtsTokenCount"] == 2
      and [x["totalTokenCount"] for x in u] == sorted(x["totalTokenCount"] for x in u), u)
check("gemini: the last chunk says STOP; the model came from the %-escaped path",
      js[-1]["candidates"][0]["finishReason"] == "STOP" and js[0]["modelVersion"] == "sim:reply=echo:tps=0:ttft=0:think=2", js[-1])
st, h, raw = post("/v1beta/models/sim:reply=echo:tps=0:ttft=0:fail=safety:streamGenerateContent?alt=sse",
    {"contents": [{"role": "user", "parts": [{"text": "a b c d e f"}]}]})
js = [json.loads(d) for _, d in sse(raw)]
check("gemini: fail=safety stops after half the tokens with finishReason SAFETY",
      len(js) == 5 and js[-1]["candidates"][0]["finishReason"] == "SAFETY", js)
st, h, raw = post("/v1beta/models/sim:tps=0:ttft=0:fail=midstream:streamGenerateContent?alt=sse",
    {"contents": [{"role": "user", "parts": [{"text": "x"}]}]})
js = [json.loads(d) for _, d in sse(raw)]
check("gemini: fail=midstream sends an error object", js[-1]["error"]["status"] == "INTERNAL", js[-1])
st, h, raw = post("/v1beta/models/sim:fail=401:streamGenerateContent?alt=sse", {"contents": []})
check("gemini: fail=401 answers a Google error body", st == 401 and json.loads(raw)["error"]["status"] == "UNAUTHENTICATED", raw)
st, h, raw = post("/v1beta/models/sim:generateContent", {"contents": []})
check("gemini: generateContent (no stream) is refused (400)", st == 400 and json.loads(raw)["error"]["code"] == 400, raw)

# --- Ollama
st, h, raw = post("/api/chat", {"model": "sim:reply=echo:tps=0:ttft=0:think=2",
    "messages": [{"role": "system", "content": SYS}, {"role": "user", "content": USER}]})
lines = raw.decode().split("\n")
js = [json.loads(l) for l in lines if l]
check("ollama: streams by default, as JSON lines (application/x-ndjson)",
      st == 200 and h.get("Content-Type") == "application/x-ndjson" and lines[-1] == "" and len(js) == 8, (h, lines))
check("ollama: message.thinking, then message.content",
      "".join(j["message"].get("thinking", "") for j in js) == "The user " and
      "".join(j["message"]["content"] for j in js) == "You said: " + USER, js)
check("ollama: the last line is done with prompt_eval_count and eval_count",
      js[-1]["done"] is True and js[-1]["done_reason"] == "stop" and js[-1]["prompt_eval_count"] == P
      and js[-1]["eval_count"] == 7 and all(j["done"] is False for j in js[:-1]), js[-1])
st, h, raw = post("/api/chat", {"model": "sim:reply=echo:tps=0:ttft=0:fail=midstream+nousage",
    "messages": [{"role": "user", "content": "a b c d e f"}]})
js = [json.loads(l) for l in raw.decode().split("\n") if l]
check("ollama: fail=midstream ends with an {\"error\": ...} line", list(js[-1]) == ["error"] and len(js) == 5, js)
st, h, raw = post("/api/chat", {"model": "sim:reply=echo:tps=0:ttft=0:fail=nousage", "messages": [{"role": "user", "content": "x"}]})
js = [json.loads(l) for l in raw.decode().split("\n") if l]
check("ollama: fail=nousage: done without counts", js[-1]["done"] and "eval_count" not in js[-1], js[-1])
st, h, raw = post("/api/chat", {"model": "sim:fail=500", "messages": []})
check("ollama: fail=500 answers {\"error\": \"...\"}", st == 500 and isinstance(json.loads(raw)["error"], str), raw)
st, h, raw = post("/api/chat", {"model": "sim", "stream": False, "messages": []})
check("ollama: stream false is refused (400)", st == 400, raw)

# --- OpenAI-compatible quirks
def oa(model, user="a b c d e f"):
    st, h, raw = post("/v1/chat/completions", {"model": model, "stream": True,
        "stream_options": {"include_usage": True}, "messages": [{"role": "user", "content": user}]})
    return st, raw, sse(raw)
st, raw, ev = oa("sim:reply=echo:tps=0:ttft=0:think=2")
js = [json.loads(d) for _, d in ev if d != "[DONE]"]
d = [j["choices"][0]["delta"] for j in js if j["choices"]]
check("openai: think=N sends delta.reasoning first, counted in completion_tokens",
      "".join(x.get("reasoning", "") for x in d) == "The user " and js[-1]["usage"]["completion_tokens"] == 10, js[-1])
st, raw, ev = oa("sim:reply=echo:tps=0:ttft=0:think=1:rfield=reasoning_content")
check("openai: rfield=reasoning_content names the field as DeepSeek and LM Studio do",
      b'"reasoning_content":"The "' in raw and b'"reasoning"' not in raw, raw[:400])
st, raw, ev = oa("sim:reply=echo:tps=0:ttft=0:fail=error200")
j = json.loads(ev[-2][1])
check("openai: fail=error200 sends an OpenRouter-style error chunk (finish_reason error), then [DONE]",
      j["error"]["message"] == "Provider disconnected" and j["choices"][0]["finish_reason"] == "error" and ev[-1][1] == "[DONE]", ev[-2:])
st, raw, ev = oa("sim:reply=echo:tps=0:ttft=0:fail=errorline")
check("openai: fail=errorline sends llama.cpp's non-SSE error: line, then [DONE]",
      ev[-2][0] == "error-field" and json.loads(ev[-2][1])["code"] == 500 and ev[-1][1] == "[DONE]", ev[-2:])
st, raw, ev = oa("sim:fail=529")
check("openai: fail=529 answers 529", st == 529, st)
sys.exit(0)
PY
rc=$?
tap <"$TMP/formats.tap"
[ $rc -eq 0 ] || not_ok "the format checks ran to their end" "python3 exited with $rc"

done_testing
