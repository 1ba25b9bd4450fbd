#!/usr/bin/env python3
"""webhook_send — deliver a billing webhook signed as the provider signs it,
for tests (t_billing.sh). Signed here with Python's hmac, independently of
confab's own lib/webhook_sig.c, so a test checks one against the other.

  webhook_send.py stripe URL SECRET BODYFILE [--t UNIX] [--sig HEADER]
      Stripe-Signature: t=UNIX,v1=hex(HMAC-SHA256(SECRET, "UNIX.BODY"))
  webhook_send.py polar URL SECRET BODYFILE [--id ID] [--t UNIX] [--sig HEADER]
      Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature
      "v1,base64(HMAC-SHA256(key, "ID.UNIX.BODY"))", the key being the
      base64 after whsec_ (else the secret's bytes).

Prints "STATUS BODY". --t signs another time (default now); --sig sends the
given signature instead.
"""
import argparse, base64, hashlib, hmac, sys, time
import urllib.request, urllib.error

def deliver(url, body, headers):
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def send(a):
    body = open(a.bodyfile, "rb").read()
    t = str(a.t if a.t is not None else int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "webhook_send"}
    if a.provider == "stripe":
        mac = hmac.new(a.secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
        headers["Stripe-Signature"] = a.sig or "t=%s,v1=%s" % (t, mac)
    else:
        key = base64.b64decode(a.secret[6:]) if a.secret.startswith("whsec_") else a.secret.encode()
        mac = hmac.new(key, a.id.encode() + b"." + t.encode() + b"." + body, hashlib.sha256).digest()
        headers.update({"webhook-id": a.id, "webhook-timestamp": t,
                        "webhook-signature": a.sig or "v1," + base64.b64encode(mac).decode()})
    status, text = deliver(a.url, body, headers)
    print(status, text.strip())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for prov in ("stripe", "polar"):
        d = sub.add_parser(prov)
        d.set_defaults(provider=prov)
        d.add_argument("url")
        d.add_argument("secret")
        d.add_argument("bodyfile")
        d.add_argument("--t", type=int)
        d.add_argument("--sig")
        if prov == "polar":
            d.add_argument("--id", default="msg_%d" % int(time.time() * 1000))
    a = p.parse_args()
    send(a)


if __name__ == "__main__":
    sys.exit(main())
