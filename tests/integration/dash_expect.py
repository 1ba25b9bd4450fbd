#!/usr/bin/env python3
"""dash_expect.py DATA_DIR USER_ID TZ JSON HTML — compare every figure of
/dashboard.json and /dashboard with what the usage log says, computed here
from data.db with Python's own sqlite3 and zoneinfo (not confab's code or
its rollup tables). Prints one TAP line per check."""
import html as htmlmod, json, re, sqlite3, sys, time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

data, uid, tz, jpath, hpath = sys.argv[1:6]
db = sqlite3.connect(f"file:{data}/data.db?mode=ro", uri=True)
j = json.load(open(jpath))
page = open(hpath, encoding="utf-8").read()
zone = ZoneInfo(tz)

def check(what, expected, actual):
    if expected == actual:
        print(f"ok - {what}")
    else:
        print(f"not ok - {what}\n#   expected: {expected!r}\n#   actual:   {actual!r}")

def one(sql, *args):
    return db.execute(sql, (uid,) + args).fetchone()

def money(m):
    return "$%d.%06d" % (m // 1000000, m % 1000000)

def avg_ms(s, n):
    return None if not n else (s + n // 2) // n

def k(name):  # a figure on the page, by its data-k
    m = re.search(r'data-k="%s">([^<]*)<' % name, page)
    return htmlmod.unescape(m.group(1)) if m else None

req, ok = one("SELECT count(*), coalesce(sum(status IN ('success','cached')),0) FROM usage_logs WHERE user_id=? AND type='chat'")
tin, tout, cost, other = one("SELECT coalesce(sum(tokens_in),0), coalesce(sum(tokens_out),0), coalesce(sum(cost),0), coalesce(sum(type!='chat'),0) FROM usage_logs WHERE user_id=?")
ds, dn = one("SELECT coalesce(sum(duration_ms),0), count(duration_ms) FROM usage_logs WHERE user_id=? AND type='chat' AND status='success'")
ts, tn = one("SELECT coalesce(sum(ttft_ms),0), count(ttft_ms) FROM usage_logs WHERE user_id=? AND type='chat' AND status='success' AND duration_ms IS NOT NULL")
rs, rn, up, down = one("SELECT coalesce(sum(user_rating),0), count(user_rating), coalesce(sum(vote=1),0), coalesce(sum(vote=-1),0) FROM request_analytics WHERE user_id=?")

m = j["metrics"]
check("metrics.totalRequests = chat rows in the usage log", req, m["totalRequests"])
check("metrics.totalTokensUsed = all tokens in the usage log", tin + tout, m["totalTokensUsed"])
check("metrics.tokensIn", tin, m["tokensIn"])
check("metrics.tokensOut", tout, m["tokensOut"])
check("metrics.totalCost (micro-dollars)", cost, m["totalCost"])
check("metrics.titleRequests", other, m["titleRequests"])
check("metrics.averageResponseTime", avg_ms(ds, dn), m["averageResponseTime"])
check("metrics.averageTimeToFirstToken", avg_ms(ts, tn), m["averageTimeToFirstToken"])
p = j["performance"]
check("performance.successRate", round(ok / req, 4) if req else None,
      None if p["successRate"] is None else round(p["successRate"], 4))
check("performance.averageRating", None if not rn else "%.2f" % (rs / rn),
      None if p["averageRating"] is None else "%.2f" % p["averageRating"])
check("performance.ratings / thumbs", (rn, up, down), (p["ratings"], p["thumbsUp"], p["thumbsDown"]))
check("performance.totalRequests", req, p["totalRequests"])

# Days in the user's zone, counted row by row.
now = datetime.now(zone)
today = now.date()
days = [(today - timedelta(days=i)).isoformat() for i in range(29, -1, -1)]
per_day = {d: [0, 0, 0] for d in days}
month = today_n = 0
for t, typ, tok, c in db.execute("SELECT created_at, type, tokens_in + tokens_out, cost FROM usage_logs WHERE user_id=?", (uid,)):
    d = datetime.fromtimestamp(t / 1000, zone).date()
    if d > today:
        continue
    if d.isoformat() in per_day:
        e = per_day[d.isoformat()]
        e[0] += typ == "chat"; e[1] += tok; e[2] += c
    if typ == "chat" and (d.year, d.month) == (today.year, today.month):
        month += 1
    if typ == "chat" and d == today:
        today_n += 1
check("metrics.requestsThisMonth (in the user's zone)", month, m["requestsThisMonth"])
check("metrics.requestsToday (in the user's zone)", today_n, m["requestsToday"])
# The plan's counts: requests admitted (request_log), in the user's zone.
pm = pd = 0
for (t,) in db.execute("SELECT created_at FROM request_log WHERE user_id=?", (uid,)):
    d = datetime.fromtimestamp(t / 1000, zone).date()
    pm += (d.year, d.month) == (today.year, today.month)
    pd += d == today
check("limits.monthlyUsed / dailyUsed = requests the plan admitted", (pm, pd),
      (j["limits"]["monthlyUsed"], j["limits"]["dailyUsed"]))
check("user.requestsUsed = limits.monthlyUsed", pm, j["user"]["requestsUsed"])
ph = db.execute("SELECT count(*) FROM request_log WHERE user_id=? AND created_at > ?", (uid, int(time.time() * 1000) - 3600000)).fetchone()[0]
check("limits.hourlyUsed = requests admitted in the last hour", ph, j["limits"]["hourlyUsed"])
# Tokens the plan counts this month (the server's keys, replies that reached
# a provider), plus what replies still running hold: none are here.
ptok = held = 0
for t, n in db.execute("SELECT created_at, tokens_in + tokens_out FROM usage_logs WHERE user_id=? AND type='chat' AND key_source='server' AND status IN ('success','error')", (uid,)):
    d = datetime.fromtimestamp(t / 1000, zone).date()
    ptok += n if (d.year, d.month) == (today.year, today.month) else 0
held = one("SELECT coalesce(sum(r.tokens_held), 0) FROM jobs j JOIN request_log r ON r.message_id = j.message_id WHERE j.user_id=?")[0]
check("limits.tokensThisMonth = tokens the plan counts this month", ptok + held, j["limits"]["tokensThisMonth"])
check("requestsPerDay: 30 days, oldest first, ending today", days, [x["date"] for x in j["requestsPerDay"]])
check("requestsPerDay: requests, tokens and cost of every day",
      [per_day[d] for d in days], [[x["requests"], x["tokens"], x["cost"]] for x in j["requestsPerDay"]])

cats = dict(db.execute("SELECT coalesce(r.category, 'general'), count(*) FROM usage_logs u LEFT JOIN request_analytics r ON r.message_id = u.message_id WHERE u.user_id=? AND u.type='chat' GROUP BY 1", (uid,)).fetchall())
check("requestsByCategory", cats, j["requestsByCategory"])
check("requestsByCategory: most requests first, then by name",
      sorted(cats, key=lambda c: (-cats[c], c)), list(j["requestsByCategory"]))
models = {}
for mo, n, okn, a, b, c, s, dn2 in db.execute("SELECT model, sum(type='chat'), sum(type='chat' AND status IN ('success','cached')), sum(tokens_in), sum(tokens_out), sum(cost), sum(CASE WHEN type='chat' AND status='success' THEN duration_ms END), count(CASE WHEN type='chat' AND status='success' THEN duration_ms END) FROM usage_logs WHERE user_id=? GROUP BY model", (uid,)):
    models[mo] = {"requests": n, "tokensIn": a, "tokensOut": b, "cost": c,
                  "successRate": round(okn / n, 4) if n else None,
                  "averageResponseTime": avg_ms(s or 0, dn2)}
got = {mo: {kk: (round(v, 4) if kk == "successRate" and v is not None else v) for kk, v in x.items() if kk != "averageTimeToFirstToken"} for mo, x in j["requestsByModel"].items()}
check("requestsByModel", models, got)
model_order = sorted(models, key=lambda mo: (-models[mo]["requests"], -models[mo]["cost"], mo))
check("requestsByModel: most requests first, then most cost, then by id", model_order, list(j["requestsByModel"]))

# The 25 newest, newest first (rows of the same millisecond in any order).
recent = db.execute("SELECT id, created_at, status, model, cost FROM usage_logs WHERE user_id=? ORDER BY created_at DESC LIMIT 25", (uid,)).fetchall()
got = [(x["id"], x["createdAt"], x["status"], x["model"], x["cost"]) for x in j["recentRequests"]]
check("recentRequests: the 25 newest usage rows, newest first", [r[1] for r in recent], [g[1] for g in got])
check("recentRequests: their ids, statuses, models and costs", sorted(recent), sorted(got))

# The page shows the same figures.
check("page: requests", str(req), k("requests"))
check("page: tokens", (str(tin + tout), str(tin), str(tout)), (k("tokens"), k("tokens_in"), k("tokens_out")))
check("page: cost", money(cost), k("cost"))
check("page: average response time", str(avg_ms(ds, dn)) if dn else "–", k("avg_ms"))
check("page: average time to first token", str(avg_ms(ts, tn)) if tn else "–", k("ttft_ms"))
check("page: success rate", "%.1f%%" % (100 * ok / req) if req else "–", k("success"))
check("page: average rating", "%.2f" % (rs / rn) if rn else "–", k("rating"))
check("page: ratings, thumbs", (str(rn), str(up), str(down)), (k("ratings"), k("up"), k("down")))
check("page: today, this month", (str(today_n), str(month)), (k("today"), k("month")))
check("page: title requests", str(other), k("titles"))
rows = dict(re.findall(r'<tr data-day="([0-9-]+)"><th scope="row">[0-9-]+</th><td>([0-9]+)</td>', page))
check("page: the per-day table", {d: str(per_day[d][0]) for d in days}, rows)
bars = re.findall(r'<rect x="[0-9]+" y="[0-9]+" width="16" height="([0-9]+)" class="bar"><title>([0-9-]+): ([0-9]+) requests</title>', page)
check("page: one bar per day, titled with its count", [(d, str(per_day[d][0])) for d in days], [(b[1], b[2]) for b in bars])
mx = max([per_day[d][0] for d in days] + [0])
check("page: bar heights are proportional (tallest 140)", [-(-per_day[d][0] * 140 // mx) if mx else 0 for d in days], [int(b[0]) for b in bars])
mrows = dict(re.findall(r'<tr data-model="([^"]+)"><th scope="row">[^<]*</th><td>([0-9]+)</td>', page))
check("page: the by-model table", {mo: str(x["requests"]) for mo, x in models.items()}, mrows)
check("page: the by-model table in the JSON's order", model_order,
      re.findall(r'<tr data-model="([^"]+)">', page))
crows = dict(re.findall(r'<tr data-category="([^"]+)"><th scope="row">[^<]*</th><td>([0-9]+)</td>', page))
check("page: the by-category table", {c: str(n) for c, n in cats.items()}, crows)
