"""tests/browser/confab_site.py — what the browser tests know of the confab
they run against: its ids, its sign-up form, and the provider simulator
(tools/provsim) behind its sim-* models.
"""

import json
import os
import time
import urllib.request

from chromium import By, WebDriverWait

# A chat's or a message's id, as the addresses show it.
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def new_email(prefix):
    """An address no other run signs up with."""
    return "%s%d%04d@example.org" % (prefix, time.time_ns() % 10**9, os.getpid() % 10000)


def sign_up(driver, email, password):
    """Fills in and sends the sign-up form the driver shows; whether that
    signed in (the browser left /signup) within 15 s."""
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'form[action="/signup"] button[type="submit"]').click()
    try:
        WebDriverWait(driver, 15).until(lambda d: "/signup" not in d.current_url)
        return True
    except Exception:  # noqa: BLE001 — a timeout, or the page went away
        return False


def sample_reply(driver, src, art, every, limit):
    """Runs the script src on the message whose id is art every `every` s,
    until what it returns says data-status is no longer queued or running
    (src returns null between the message's removal and its insertion):
    the samples while it was, and the first after (None after limit s)."""
    live = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        s = driver.execute_script(src, art)
        if s is None:
            time.sleep(0.05)  # the message is being swapped: look again
            continue
        if s["status"] not in ("queued", "running"):
            return live, s
        live.append(s)
        time.sleep(every)
    return live, None


def sim_reply():
    """The simulator's whole reply to a plain message, asked for directly:
    what a streamed reply must add up to (None without SIM, the simulator's
    host:port, or when it does not answer)."""
    sim = os.environ.get("SIM", "")
    if not sim:
        return None
    body = json.dumps({"model": "sim", "stream": False,
                       "messages": [{"role": "user", "content": "x"}]}).encode()
    req = urllib.request.Request("http://%s/v1/chat/completions" % sim, data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)["choices"][0]["message"]["content"]
    except Exception:  # noqa: BLE001
        return None
