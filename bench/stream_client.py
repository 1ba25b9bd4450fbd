#!/usr/bin/env python3
"""bench/stream_client.py — one level of bench/streams.

Queues N replies at once (chats, user and assistant messages and jobs
inserted in ONE data.db transaction, as lib/store_reply.c reply_send does),
then, until every reply has ended or --timeout passes:

  - samples confabd (and the simulator) every --sample-ms: CPU time
    (utime+stime from /proc/PID/stat), RSS and VmHWM (/proc/PID/status),
    open descriptors, and the jobs queued and running in data.db;
  - polls --sample replies every --poll-ms through nginx
    (GET /chat/ID/poll?m=MSG&from=NEXT over keep-alive HTTP/1.1, signed in)
    and, for every "<t=MS> " token that appears, records now_ms - MS: the
    delay from the simulator writing that token to a poll seeing it;

and then checks every reply: status done, content exactly `tokens` tokens
of the form "<t=13 digits> " with times that never go back, no parts or
job left. Prints one JSON object.

The chats are created titled (title_auto = 0) so that no title request
follows a first reply: the streams measured are the replies only.
"""
import argparse
import asyncio
import json
import os
import re
import resource
import threading
import sqlite3
import time
import uuid

TOKEN = re.compile(rb"<t=(\d{13})> ")
CLK = os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time() * 1000.0


def proc_cpu(pid):
    """utime + stime of pid in seconds (None when gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return (int(rest[11]) + int(rest[12])) / CLK
    except OSError:
        return None


def proc_wait(pid):
    """Seconds pid has spent runnable but waiting for a CPU (schedstat)."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def proc_mem(pid):
    """(VmRSS, VmHWM) of pid in KiB."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def proc_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


def queue_replies(db, user_id, n, model):
    """Insert n chats, each with a user message, a queued assistant message
    and its job, in one transaction. Returns [(chat_id, msg_id)] in job order
    and the commit time."""
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    now = int(time.time() * 1000)
    out = []
    con.execute("BEGIN IMMEDIATE")
    for i in range(n):
        chat, umsg, amsg = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
        con.execute("INSERT INTO chats (id, user_id, title, title_auto, model, created_at, updated_at) "
                    "VALUES (?, ?, ?, 0, ?, ?, ?)", (chat, user_id, f"Stream {i + 1}", model, now, now))
        con.execute("INSERT INTO messages (id, chat_id, seq, role, content, status, created_at, completed_at) "
                    "VALUES (?, ?, 1, 'user', ?, 'done', ?, ?)",
                    (umsg, chat, f"Stream number {i + 1}: what time is it?", now, now))
        con.execute("INSERT INTO messages (id, chat_id, seq, role, status, model, created_at) "
                    "VALUES (?, ?, 2, 'assistant', 'queued', ?, ?)", (amsg, chat, model, now))
        con.execute("INSERT INTO jobs (message_id, chat_id, user_id, created_at) VALUES (?, ?, ?, ?)",
                    (amsg, chat, user_id, now))
        out.append((chat, amsg))
    con.execute("COMMIT")
    t = now_ms()
    con.close()
    return out, t


class Poller:
    """Polls one reply over its own keep-alive connection."""

    def __init__(self, host, port, cookie, chat, msg, period_ms, delays, stats):
        self.host, self.port, self.cookie = host, port, cookie
        self.chat, self.msg, self.period = chat, msg, period_ms / 1000.0
        self.delays, self.stats = delays, stats
        self.reader = self.writer = None
        self.next = 0
        self.seen = 0

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path):
        if self.writer is None:
            await self.connect()
        self.writer.write((f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                           f"Cookie: {self.cookie}\r\nAccept: application/json\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdr = {}
        for ln in lines[1:]:
            if ":" in ln:
                k, v = ln.split(":", 1)
                hdr[k.strip().lower()] = v.strip()
        if "content-length" in hdr:
            body = await self.reader.readexactly(int(hdr["content-length"]))
        elif hdr.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                body += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
        else:
            body = await self.reader.read()
            hdr["connection"] = "close"
        if hdr.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return status, body

    async def run(self, deadline):
        pending = b""
        while now_ms() < deadline:
            t0 = time.monotonic()
            try:
                status, body = await self.get(f"/chat/{self.chat}/poll?m={self.msg}&from={self.next}")
            except (OSError, asyncio.IncompleteReadError, ValueError) as e:
                self.stats["errors"] += 1
                self.stats["last_error"] = repr(e)
                self.writer = None
                await asyncio.sleep(self.period)
                continue
            seen_at = now_ms()
            self.stats["polls"] += 1
            if status != 200:
                self.stats["errors"] += 1
                self.stats["last_error"] = f"HTTP {status}: {body[:200]!r}"
            else:
                j = json.loads(body)
                if j["next"] < self.next:
                    self.stats["went_back"] += 1
                self.next = j["next"]
                pending += j["text"].encode()
                pos = 0
                for m in TOKEN.finditer(pending):
                    if m.start() != pos:
                        self.stats["bad_text"] += 1
                    self.delays.append((seen_at, seen_at - int(m.group(1))))
                    self.seen += 1
                    pos = m.end()
                pending = pending[pos:]
                if j["status"] not in ("queued", "running"):
                    self.stats["ended"] += 1
                    break
            rest = self.period - (time.monotonic() - t0)
            if rest > 0:
                await asyncio.sleep(rest)
        if self.writer:
            self.writer.close()


async def sampler(args, samples, stop):
    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True, timeout=5)
    while not stop.is_set():
        t = now_ms()
        rss, hwm = proc_mem(args.pid)
        row = {"t": t, "cpu": proc_cpu(args.pid), "rss": rss, "hwm": hwm, "fds": proc_fds(args.pid),
               "sim_cpu": proc_cpu(args.sim_pid) if args.sim_pid else None}
        try:
            counts = dict(con.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
            live = con.execute("SELECT count(*) FROM messages WHERE role = 'assistant' "
                               "AND status IN ('queued', 'running')").fetchone()[0]
        except sqlite3.Error:
            counts, live = {}, -1
        row["queued"], row["running"], row["live"] = counts.get("queued", 0), counts.get("running", 0), live
        samples.append(row)
        if live == 0:
            stop.set()
            break
        await asyncio.sleep(args.sample_ms / 1000.0)
    con.close()


def db_watch(db, msgs, period_ms, delays, stop):
    """Diagnostic (--db-watch-ms): read the sampled replies' message_parts
    straight from data.db every period_ms and record, per token, when it was
    first committed there minus when provsim wrote it: the worker's share of
    the poll delay. Runs in a thread."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    nxt = {m: 0 for _, m in msgs}
    while not stop.is_set() and nxt:
        t = now_ms()
        for m in list(nxt):
            for start, text in con.execute("SELECT start, text FROM message_parts WHERE message_id = ? "
                                           "AND start >= ? ORDER BY start", (m, nxt[m])):
                seen = now_ms()
                for tok in TOKEN.finditer(text.encode()):
                    delays.append((seen, seen - int(tok.group(1))))
                nxt[m] = start + len(text.encode())
        rest = period_ms / 1000.0 - (now_ms() - t) / 1000.0
        if rest > 0:
            time.sleep(rest)
    con.close()


def verify(db, msgs, tokens):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    res = {"replies": len(msgs), "done": 0, "exact": 0, "status": {}, "bytes_expected": 0,
           "bytes_good": 0, "bytes_lost": 0, "tokens_lost": 0, "malformed": 0, "time_went_back": 0,
           "usage_wrong": 0, "parts_left": 0, "jobs_left": 0, "errors": {}}
    for chat, msg in msgs:
        status, content, tout, err = con.execute(
            "SELECT status, content, tokens_out, error FROM messages WHERE id = ?", (msg,)).fetchone()
        res["status"][status] = res["status"].get(status, 0) + 1
        if err:
            res["errors"][err] = res["errors"].get(err, 0) + 1
        c = content.encode() if isinstance(content, str) else content
        good, pos, last = 0, 0, 0
        for m in TOKEN.finditer(c):
            if m.start() != pos:
                break
            t = int(m.group(1))
            if t < last:
                res["time_went_back"] += 1
            last = t
            good += 1
            pos = m.end()
        exp = tokens * len("<t=0000000000000> ")
        res["bytes_expected"] += exp
        res["bytes_good"] += pos
        res["bytes_lost"] += max(0, exp - pos)
        res["tokens_lost"] += max(0, tokens - good)
        if pos != len(c) or good > tokens:
            res["malformed"] += 1
        if status == "done":
            res["done"] += 1
            if tout != tokens:
                res["usage_wrong"] += 1
        if status == "done" and good == tokens and pos == len(c):
            res["exact"] += 1
    res["parts_left"] = con.execute("SELECT count(*) FROM message_parts").fetchone()[0]
    res["jobs_left"] = con.execute("SELECT count(*) FROM jobs").fetchone()[0]
    con.close()
    return res


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cookie", required=True)
    ap.add_argument("--user-id", required=True)
    ap.add_argument("--pid", type=int, required=True, help="confabd")
    ap.add_argument("--sim-pid", type=int, default=0)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--tokens", type=int, required=True)
    ap.add_argument("--model", default="clock")
    ap.add_argument("--sample", type=int, default=30, help="replies polled")
    ap.add_argument("--poll-ms", type=float, default=50)
    ap.add_argument("--sample-ms", type=float, default=250)
    ap.add_argument("--db-watch-ms", type=float, default=0, help="diagnostic: also watch data.db")
    ap.add_argument("--timeout", type=float, default=60, help="seconds from queueing")
    args = ap.parse_args()

    cpu0, sim0 = proc_cpu(args.pid), proc_cpu(args.sim_pid) if args.sim_pid else None
    wait0, load0 = proc_wait(args.pid), loadavg()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    msgs, t_queue = queue_replies(args.db, args.user_id, args.n, args.model)
    deadline = t_queue + args.timeout * 1000
    # Poll a sample spread over the queue (the worker claims in job order).
    k = min(args.sample, args.n)
    picked = [msgs[(i * args.n) // k] for i in range(k)]
    delays, stats = [], {"polls": 0, "errors": 0, "went_back": 0, "bad_text": 0, "ended": 0}
    samples, stop = [], asyncio.Event()
    pollers = [Poller(args.host, args.port, args.cookie, c, m, args.poll_ms, delays, stats) for c, m in picked]
    tasks = [asyncio.create_task(p.run(deadline)) for p in pollers]
    st = asyncio.create_task(sampler(args, samples, stop))
    wstop, wdelays = threading.Event(), []
    if args.db_watch_ms:
        watcher = threading.Thread(target=db_watch, args=(args.db, picked, args.db_watch_ms, wdelays, wstop))
        watcher.start()
    try:
        await asyncio.wait_for(stop.wait(), timeout=max(1.0, (deadline - now_ms()) / 1000))
    except asyncio.TimeoutError:
        pass
    stop.set()
    t_end = now_ms()
    # Let each poller see its reply's end (one more poll), then stop them.
    await asyncio.wait(tasks, timeout=2)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, st, return_exceptions=True)
    wstop.set()
    if args.db_watch_ms:
        watcher.join()
    cpu1, sim1 = proc_cpu(args.pid), proc_cpu(args.sim_pid) if args.sim_pid else None
    wait1, load1 = proc_wait(args.pid), loadavg()
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    rss, hwm = proc_mem(args.pid)

    series = {}
    for seen, d in delays:
        series.setdefault(int((seen - t_queue) // 1000), []).append(d)
    delays = [d for _, d in delays]
    wall = (t_end - t_queue) / 1000
    peak = max((s["running"] for s in samples), default=0)
    # CPU while the streams were at (at least 90% of) their peak number.
    at_peak = [s for s in samples if s["running"] >= 0.9 * peak and s["cpu"] is not None]
    peak_cpu = None
    if len(at_peak) >= 2:
        peak_cpu = (at_peak[-1]["cpu"] - at_peak[0]["cpu"]) / ((at_peak[-1]["t"] - at_peak[0]["t"]) / 1000)
    all_claimed = next((s["t"] for s in samples if s["queued"] == 0), None)
    reached_peak = next((s["t"] for s in samples if s["running"] == peak), None)
    out = {
        "n": args.n, "tokens": args.tokens, "sample": k, "wall_s": round(wall, 2),
        "finished": bool(samples) and samples[-1]["live"] == 0,
        "cpu_s": round(cpu1 - cpu0, 2) if cpu1 is not None else None,
        "cpu_frac": round((cpu1 - cpu0) / wall, 3) if cpu1 is not None else None,
        "cpu_frac_at_peak": round(peak_cpu, 3) if peak_cpu is not None else None,
        "peak_window_s": round((at_peak[-1]["t"] - at_peak[0]["t"]) / 1000, 1) if len(at_peak) >= 2 else 0,
        "sim_cpu_frac": round((sim1 - sim0) / wall, 3) if sim1 is not None and sim0 is not None else None,
        "client_cpu_frac": round((ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) / wall, 3),
        "runq_wait_frac": round((wait1 - wait0) / wall, 3) if wait0 is not None and wait1 is not None else None,
        "loadavg": [load0, load1],
        "vmhwm_kib": hwm, "vmrss_end_kib": rss,
        "peak_running": peak, "peak_fds": max((s["fds"] for s in samples), default=0),
        "s_to_all_claimed": round((all_claimed - t_queue) / 1000, 2) if all_claimed else None,
        "s_to_peak": round((reached_peak - t_queue) / 1000, 2) if reached_peak else None,
        "delay_n": len(delays),
        "delay_p50_ms": round(pct(delays, 50), 1) if delays else None,
        "delay_p99_ms": round(pct(delays, 99), 1) if delays else None,
        "delay_max_ms": round(max(delays), 1) if delays else None,
        "poll": stats,
        "db_delay": None if not wdelays else {
            "n": len(wdelays), "p50": round(pct([d for _, d in wdelays], 50), 1),
            "p99": round(pct([d for _, d in wdelays], 99), 1), "max": round(max(d for _, d in wdelays), 1),
            "by_second": [(sec, len(v), round(pct(v, 50)), round(max(v))) for sec, v in sorted(
                {k: [d for ss, d in wdelays if int((ss - t_queue) // 1000) == k]
                 for k in {int((ss - t_queue) // 1000) for ss, _ in wdelays}}.items())]},
        "delay_by_second": [(sec, len(v), round(pct(v, 50)), round(max(v))) for sec, v in sorted(series.items())],
        "ramp": [(round((s["t"] - t_queue) / 1000, 1), s["queued"], s["running"]) for s in samples[::4]],
    }
    out["verify"] = verify(args.db, msgs, args.tokens)
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
