#!/usr/bin/env python3
"""billingsim — a local stand-in for the Stripe and Polar APIs, for tests.

  billingsim.py serve [--port N] [--log FILE] [--stripe-key K] [--polar-token T]
      Serves, on 127.0.0.1 (port 0: any free one; prints "listening on HOST:PORT"):
        POST /v1/checkout/sessions   Stripe: form-encoded, Bearer secret key
        POST /v1/checkouts/          Polar: JSON, Bearer access token
      and answers as they do: a checkout object with its hosted "url", or
      401 with the provider's error shape for a wrong key, 400 for a body
      missing what the provider requires. Every request is appended to FILE
      as one JSON line: method, path, headers, the raw body and its decoded
      fields.
  billingsim.py stripe URL SECRET BODYFILE [--t UNIX] [--sig HEADER]
  billingsim.py polar URL SECRET BODYFILE [--id ID] [--t UNIX] [--sig HEADER]
      Deliver a webhook signed as the provider signs it (Stripe-Signature,
      or Standard Webhooks' webhook-id/-timestamp/-signature); prints
      "STATUS BODY". --sig replaces the signature with the given one.
"""
import argparse, base64, hashlib, hmac, http.server, itertools, json, sys, threading, time
import urllib.parse, urllib.request, urllib.error

counter = itertools.count(1)
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, body, fields):
        if not self.server.log:
            return
        line = {"method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"), "fields": fields}
        with lock, open(self.server.log, "a") as f:
            f.write(json.dumps(line) + "\n")

    def do_GET(self):
        self.record(b"", {})
        self.reply(404, {"error": {"message": "Unrecognized request URL", "type": "invalid_request_error"}})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        n = next(counter)
        if self.path == "/v1/checkout/sessions":
            fields = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            self.record(body, fields)
            if auth != "Bearer " + self.server.stripe_key:
                return self.reply(401, {"error": {"message": "Invalid API Key provided: sk_***",
                                                  "type": "invalid_request_error"}})
            for need in ("mode", "success_url", "line_items[0][quantity]"):
                if need not in fields:
                    return self.reply(400, {"error": {"message": "Missing required param: " + need,
                                                      "param": need, "type": "invalid_request_error"}})
            sid = "cs_test_sim%04d" % n
            return self.reply(200, {
                "id": sid, "object": "checkout.session", "mode": fields["mode"],
                "status": "open", "payment_status": "unpaid",
                "client_reference_id": fields.get("client_reference_id"),
                "metadata": {k[9:-1]: v for k, v in fields.items() if k.startswith("metadata[")},
                "success_url": fields["success_url"], "cancel_url": fields.get("cancel_url"),
                "url": "https://checkout.stripe.test/c/pay/" + sid})
        if self.path == "/v1/checkouts/":
            try:
                fields = json.loads(body)
            except ValueError:
                fields = None
            self.record(body, fields if isinstance(fields, dict) else {})
            if auth != "Bearer " + self.server.polar_token:
                return self.reply(401, {"error": "Unauthorized", "detail": "Invalid token"})
            if not isinstance(fields, dict) or not fields.get("products"):
                return self.reply(422, {"detail": [{"loc": ["body", "products"], "msg": "Field required",
                                                    "type": "missing"}]})
            cid = "polar_c_sim%04d" % n
            return self.reply(201, {
                "id": cid, "status": "open", "products": fields["products"],
                "metadata": fields.get("metadata", {}), "success_url": fields.get("success_url"),
                "external_customer_id": fields.get("external_customer_id"),
                "url": "https://buy.polar.test/" + cid})
        self.record(body, {})
        self.reply(404, {"error": {"message": "Unrecognized request URL", "type": "invalid_request_error"}})


def serve(a):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.log, srv.stripe_key, srv.polar_token = a.log, a.stripe_key, a.polar_token
    print("billingsim: listening on 127.0.0.1:%d" % srv.server_address[1], flush=True)
    srv.serve_forever()


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
    headers = {"Content-Type": "application/json", "User-Agent": "billingsim"}
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
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--log")
    s.add_argument("--stripe-key", default="sk_test_confab")
    s.add_argument("--polar-token", default="polar_oat_confab")
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
    serve(a) if a.cmd == "serve" else send(a)


if __name__ == "__main__":
    sys.exit(main())
