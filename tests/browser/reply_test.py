#!/usr/bin/python3
"""tests/browser/reply_test.py BASE PROFILE_DIR — a reply streams live in a
real browser.

Headless Chromium (Debian's chromium + chromium-driver, driven by
python3-selenium) signs up through the real form, sends a message to the slow
simulated model and watches the assistant's reply: its text must grow while
data-status is "running" (static/poll.js appends it, no reload), then the
finished reply must be the rendered markdown, the Stop form hidden and the
composer back, with no console error and no CSP violation on the way.

Prints one TAP-like line per check ("ok - ..." / "not ok - ..."), as the
shell tests do; tests/integration/t_browser.sh runs it under a timeout.
SIM (the provider simulator's host:port), when set, gives the full reply to
compare the streamed text with. Exits 0 when it ran to its end (whatever the
checks said), 2 when it had to stop early.
"""

import os
import re
import sys
import time

from browser_tap import abort, check, not_ok, ok, run_test
from chromium import By, Select, WebDriverException, WebDriverWait, chromium, record
from confab_site import UUID, new_email, sample_reply, sign_up, sim_reply

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else os.environ.get("BASE", "")
PROFILE = sys.argv[2] if len(sys.argv) > 2 else None
DONE_WITHIN = 40  # seconds for the whole sim-slow reply

# The text of a message's content: the message without its status, its
# reasoning, its line of figures and what the script adds (Copy, thumbs).
CONTENT_JS = """
  function content(a) {
    var c = a.cloneNode(true);
    [].forEach.call(c.querySelectorAll('.status, details, small, .cp, .th'), function (e) { e.remove(); });
    return c.textContent.trim();
  }"""


def where_differ(a, b):
    """Two strings' first difference, with some context, for a failure."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return ["they differ at %d of %d/%d" % (i, len(a), len(b)),
            "live:   %r" % a[max(0, i - 80):i + 160], "reload: %r" % b[max(0, i - 80):i + 160]]


if not BASE:
    abort("BASE is set", "usage: reply_test.py BASE [PROFILE_DIR]")

def squash(s):
    """s without whitespace: the text the server put on the page has <br>
    for its newlines (gone from textContent), what poll.js adds has "\\n"."""
    return re.sub(r"\s+", "", s)


console = []  # every browser log entry seen, across pages


def drain_log(driver):
    try:
        console.extend(driver.get_log("browser"))
        return True
    except Exception:  # noqa: BLE001
        return False


def main():
    t0 = time.monotonic()
    with chromium("--disable-quic", "--window-size=1200,900", profile=PROFILE,
                  browser_log=True) as driver:
        ok("headless Chromium starts (%s)" % driver.capabilities.get("browserVersion", "?"))
        run(driver)
    print("# browser test took %.1f s" % (time.monotonic() - t0), flush=True)


def run(driver):
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    record(driver)
    wait = WebDriverWait(driver, 15)

    # --- sign up through the real form
    email = new_email("b")
    driver.get(BASE + "/signup")
    check("the sign-up page has the form", driver.find_elements(By.CSS_SELECTOR, 'form[action="/signup"]'))
    signed_up = sign_up(driver, email, "browser password 1")
    errs = [e.text for e in driver.find_elements(By.CSS_SELECTOR, '[role="alert"]')]
    if not check("submitting the sign-up form signs in (leaves /signup)", signed_up,
                 "url: " + driver.current_url, "alerts: %r" % errs):
        return
    check("  ... as the new user (the page names the email)", email in driver.page_source)

    # --- a new chat: type, pick sim-slow, Send
    driver.get(BASE + "/chat/new")
    composer = driver.find_elements(By.CSS_SELECTOR, "form.composer")
    if not check("/chat/new shows the composer", composer and composer[0].is_displayed()):
        return
    driver.find_element(By.ID, "content").send_keys("Please write a long answer")
    try:
        Select(driver.find_element(By.ID, "model")).select_by_value("sim-slow")
        ok("the model picker offers sim-slow")
    except Exception as e:  # noqa: BLE001
        not_ok("the model picker offers sim-slow", repr(e))
        return
    driver.find_element(By.CSS_SELECTOR, 'form.composer button[type="submit"]').click()
    try:
        # The chat page, opened at the reply (/chat/ID#m-REPLY).
        wait.until(lambda d: re.search("/chat/" + UUID + "#m-" + UUID + "$", d.current_url))
        on_chat, why = True, ""
    except Exception as e:  # noqa: BLE001
        on_chat, why = False, "%s: %s" % (type(e).__name__, str(e).strip()[:300])
    if not check("Send leads to the new chat's page", on_chat, "url: " + driver.current_url, why):
        return
    drain_log(driver)

    info = driver.execute_script("""
      var a = document.querySelectorAll('.messages>li[data-role=assistant]');
      a = a[a.length - 1];
      window.__marker = 1;
      var r = a && a.getBoundingClientRect();
      return a ? {id: a.id, status: a.getAttribute('data-status'), top: r.top, h: innerHeight,
                  poll: !!document.querySelector('script[src="/static/poll.js"]')} : null;""")
    if not check("the page shows the assistant's reply as a message", info, driver.page_source[:2000]):
        return
    art = info["id"]
    check("  ... which is queued or running", info["status"] in ("queued", "running"),
          "data-status: %s" % info["status"])
    check("  ... and the page loads poll.js", info["poll"])
    check("  ... and opens at the reply: it is in the viewport (top %d of %d)" % (info["top"], info["h"]),
          0 <= info["top"] < info["h"])

    # --- sample the reply while it is written
    sample_js = CONTENT_JS + """
      var a = document.getElementById(arguments[0]);
      if (!a) return null;
      var l = a.querySelector('.live'), p = a.querySelector('.plain');
      return {status: a.getAttribute('data-status'), text: content(a),
              end: l ? +l.getAttribute('data-end') : 0, tail: p ? p.textContent : '',
              marker: window.__marker === 1};"""
    # While running, the blocks already whole are formatted (.live, the
    # first data-end bytes of the reply) and the rest is text (.plain):
    # what has arrived is those bytes of the full reply, then the text.
    raw_full = (sim_reply() or "").encode()
    def arrived(s):
        return raw_full[:s["end"]].decode("utf-8", "replace") + s["tail"] if s["end"] else s["text"]
    samples = []  # (status, len) while queued/running
    last_live_text = ""
    final = None
    lost_marker = False
    deadline = time.monotonic() + DONE_WITHIN
    while time.monotonic() < deadline:
        try:
            s = driver.execute_script(sample_js, art)
        except WebDriverException:
            lost_marker = True  # the script was cut off by a navigation
            time.sleep(0.1)
            continue
        if s is None:
            time.sleep(0.05)  # between outerHTML's removal and insertion: look again
            continue
        if not s["marker"]:
            lost_marker = True
        if s["status"] in ("queued", "running"):
            samples.append((s["status"], len(arrived(s))))
            last_live_text = arrived(s)
        else:
            final = s
            break
        time.sleep(0.3)
    running = [n for st, n in samples if st == "running"]
    print("# %d samples while live; text lengths while running: %s%s"
          % (len(samples), running[:25], " ..." if len(running) > 25 else ""), flush=True)
    growth = sum(1 for a, b in zip(running, running[1:]) if b > a and a > 0)
    increasing = sorted(set(n for n in running if n > 0))
    check("the reply's text grows while data-status is \"running\" (poll.js appends it)",
          len(increasing) >= 2 and growth >= 1,
          "running samples (text lengths): %s" % running[:60],
          "all samples: %s" % samples[:20])
    check("  ... and never shrinks", all(b >= a for a, b in zip(running, running[1:])),
          "running samples: %s" % running[:60])
    full = sim_reply()
    if full is not None:
        check("  ... and the streamed text is a beginning of the full reply (nothing lost or doubled)",
              squash(full).startswith(squash(last_live_text)),
              "streamed: %r" % last_live_text[:300], "full:     %r" % full[:300])
    if not check("the reply ends with data-status=\"done\" within %d s" % DONE_WITHIN,
                 final is not None and final["status"] == "done",
                 "last: %r" % (final or (samples[-1] if samples else None),)):
        return
    check("no full page reload happened (window.__marker is still set)",
          not lost_marker and driver.execute_script("return window.__marker === 1"))
    loads = driver.execute_script("return sessionStorage.getItem('loads:' + location.pathname)")
    check("  ... the chat page was loaded once", loads == "1", "loads: %r" % loads)

    # --- the finished reply, as the server rendered it
    body = "#%s" % art
    tables = driver.find_elements(By.CSS_SELECTOR, body + " table")
    check("the finished reply shows the markdown table", tables and tables[0].is_displayed())
    if tables:
        cells = [c.text for c in tables[0].find_elements(By.CSS_SELECTOR, "th, td")]
        check("  ... with its cells", "Mode" in cells and "tokens=N" in cells, "cells: %r" % cells)
    code = driver.find_elements(By.CSS_SELECTOR, body + ' code[class~="language-c"]')
    check("  ... and the C code block (<code class=\"language-c\">)", code and code[0].is_displayed())
    if code:
        check("  ... with its text", 'printf("hello, \\"world\\"\\n");' in code[0].text,
              "code: %r" % code[0].text[:200])
    check("  ... and no raw markdown left (the .plain text is gone)",
          not driver.find_elements(By.CSS_SELECTOR, body + " .plain"))
    bodies = driver.find_elements(By.CSS_SELECTOR, ".messages > li")
    check("  ... and the reply is shown once", len(driver.find_elements(By.ID, art)) == 1 and len(bodies) == 2,
          "messages with the id: %d, message bodies: %d"
          % (len(driver.find_elements(By.ID, art)), len(bodies)))
    stop = driver.find_elements(By.CSS_SELECTOR, "form.stop")
    check("the Stop form is hidden once the reply is done", all(not f.is_displayed() for f in stop))
    composer = driver.find_elements(By.CSS_SELECTOR, "form.composer")
    check("the composer is visible again", composer and composer[0].is_displayed())
    check("  ... and usable (the message box takes text)",
          composer and driver.find_element(By.ID, "content").is_enabled())

    # What the live page recorded, before it is left.
    csp = driver.execute_script("return window.__csp || []")
    errors = driver.execute_script("return window.__errors || []")

    # --- the same page, loaded afresh, is the same finished reply
    fresh_html = driver.execute_script("return document.getElementById(arguments[0]).outerHTML", art)
    # Without its #fragment: a URL that differs only there would not reload.
    driver.get(driver.current_url.split("#")[0])
    again = driver.execute_script("var a = document.getElementById(arguments[0]); return a ? a.outerHTML : null", art)
    check("a reload shows the same finished reply as the live page", again == fresh_html,
          *where_differ(fresh_html or "", again or ""))
    check("  ... with no Stop form and no poll.js", not driver.find_elements(By.CSS_SELECTOR, "form.stop")
          and not driver.find_elements(By.CSS_SELECTOR, 'script[src="/static/poll.js"]'))

    csp += driver.execute_script("return window.__csp || []")
    errors += driver.execute_script("return window.__errors || []")

    reasoning_live(driver, wait)

    # --- errors: the console log (every page) and the recorders (this page)
    csp += driver.execute_script("return window.__csp || []")
    errors += driver.execute_script("return window.__errors || []")
    have_log = drain_log(driver)
    severe = [e for e in console if e.get("level") == "SEVERE"]
    csp_logged = [e for e in console if "Content Security Policy" in e.get("message", "")]
    check("the browser's console log could be read (goog:loggingPrefs)", have_log)
    check("no console errors", not severe and not errors,
          *(["%s %s" % (e.get("level"), e.get("message")) for e in severe] + errors))
    check("no CSP violations", not csp and not csp_logged,
          *(csp + [e.get("message") for e in csp_logged]))


# provsim's thinking text (tools/provsim.md), cycled to think=40 tokens as
# the sim-ollama-slow model asks.
THINK = ("The user wants an answer. Let me think it through, step by step & <carefully>, "
         "before I reply. ")


def reasoning_live(driver, wait):
    """A second message, to a model that thinks first: poll.js shows the
    reasoning as it comes in an open <details>, then the finished reply has
    it folded (closed) above the answer."""
    words = re.findall(r"\S+\s*", THINK)
    expect = "".join(words[i % len(words)] for i in range(40))
    driver.find_element(By.ID, "content").send_keys("Think slowly")
    try:
        Select(driver.find_element(By.ID, "model")).select_by_value("sim-ollama-slow")
    except Exception as e:  # noqa: BLE001
        not_ok("the model picker offers sim-ollama-slow", repr(e))
        return
    driver.find_element(By.CSS_SELECTOR, 'form.composer button[type="submit"]').click()
    try:
        wait.until(lambda d: d.execute_script(
            "var a = document.querySelectorAll('.messages>li[data-role=assistant]');"
            "return a.length === 2;"))
    except Exception:  # noqa: BLE001
        not_ok("sending to sim-ollama-slow shows a second reply", driver.page_source[:1500])
        return
    art = driver.execute_script(
        "var a = document.querySelectorAll('.messages>li[data-role=assistant]');"
        "return a[a.length - 1].id;")
    sample_js = CONTENT_JS + """
      var a = document.getElementById(arguments[0]);
      if (!a) return null;
      var d = a.querySelector('details.reasoning'), t = a.querySelector('.reasoning .thinking');
      return {status: a.getAttribute('data-status'), open: d ? d.open : null,
              thinking: t ? t.textContent : '', answer: content(a)};"""
    live, final = sample_reply(driver, sample_js, art, 0.3, 30)
    lens = [len(s["thinking"]) for s in live if s["thinking"]]
    print("# reasoning lengths while running: %s" % lens[:30], flush=True)
    check("reasoning grows live while the reply runs (poll.js)",
          len(set(lens)) >= 2 and lens == sorted(lens), "lengths: %s" % lens)
    check("  ... in an open <details>, as a beginning of the whole reasoning",
          all(s["open"] for s in live if s["thinking"]) and
          all(expect.startswith(s["thinking"]) for s in live),
          "samples: %r" % [(s["open"], s["thinking"][:80]) for s in live[:5]])
    if not check("the thinking reply ends done", final is not None and final["status"] == "done",
                 "last: %r" % (final,)):
        return
    check("  ... with the reasoning folded (a closed <details>), exactly",
          final["open"] is False and final["thinking"] == expect,
          "open: %r" % final["open"], "thinking: %r" % final["thinking"][:300])
    check("  ... and the answer below it", final["answer"] == "You said: Think slowly",
          "answer: %r" % final["answer"])


if __name__ == "__main__":
    run_test(main, "the browser test")
