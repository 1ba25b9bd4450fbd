#!/usr/bin/python3
"""tests/browser/script_test.py BASE PROFILE_DIR — what static/poll.js and
static/keys.js add to the chat page, in headless Chromium (selenium).

Needs two models tests/integration/t_script.sh adds: script-write (the lorem
reply at 20 tokens/s) and script-think (thinks 30 tokens, then echoes).
Checks: Shift+Enter is a newline and Enter sends, the composer keeps focus
after Send; the status says Thinking… then Writing… truly; when a reply ends
it gets its controls (rating, Edit, Regenerate) and the chat its generated
title with no reload, and a reload then shows the same; the live region
speaks sentences at most every ~2 s and says when the reply ended; the view
follows a reply unless scrolled up (then "↓ New text"); Copy puts a code
block in the clipboard; Esc stops a reply without leaving the page (the
draft kept); the ? list opens and closes; Ctrl+K, Ctrl+Shift+O, Shift+Esc.
Prints TAP-like lines ("ok - ..." / "not ok - ..."); exits 0 when it ran to
its end, 2 when it had to stop early.
"""

import os
import re
import sys
import time

from browser_tap import abort, check, ok, run_test
from chromium import ActionChains, By, Keys, Select, WebDriverWait, chromium, record
from confab_site import UUID, new_email, sample_reply, sign_up, sim_reply

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else os.environ.get("BASE", "")
PROFILE = sys.argv[2] if len(sys.argv) > 2 else None

if not BASE:
    abort("BASE is set", "usage: script_test.py BASE [PROFILE_DIR]")

# After chromium's RECORDER, in each document: what the aria-live region
# says (read every 50 ms: each change once, with its time).
SAID = r"""
window.__said = [];
var last = '';
setInterval(function () {
  var r = document.querySelector('[aria-live="polite"]');
  var t = r ? r.textContent : '';
  if (t && t !== last) window.__said.push([Date.now(), t]);
  last = t;
}, 50);
"""


def main():
    t0 = time.monotonic()
    with chromium("--disable-quic", "--window-size=1200,800", profile=PROFILE) as driver:
        ok("headless Chromium starts (%s)" % driver.capabilities.get("browserVersion", "?"))
        run(driver)
    print("# script test took %.1f s" % (time.monotonic() - t0), flush=True)


def js(driver, src, *args):
    return driver.execute_script(src, *args)


def last_reply(driver):
    return js(driver, "var a = document.querySelectorAll('.messages>li[data-role=assistant]');"
                      "return a.length ? a[a.length - 1].id : null;")


def wait_on_chat(driver, n_replies):
    """After a send: the chat page, with n_replies assistant messages."""
    WebDriverWait(driver, 15).until(lambda d: re.search("/chat/" + UUID, d.current_url) and js(
        d, "return document.readyState === 'complete' && "
           "document.querySelectorAll('.messages>li[data-role=assistant]').length === arguments[0]",
        n_replies))
    js(driver, "window.__marker = 1")
    return last_reply(driver)


def sample_until_end(driver, art, every, extra="", limit=30):
    """Samples of the reply message while it runs, and the first after."""
    src = """
      var a = document.getElementById(arguments[0]);
      if (!a) return null;
      var s = a.querySelector('.status'), t = a.querySelector('.reasoning .thinking');
      var p = a.querySelector('.plain');
      var x = {status: a.getAttribute('data-status'), label: s ? s.textContent : null,
               thinking: t ? t.textContent : '', answer: p ? p.textContent : null,
               y: scrollY, gap: document.documentElement.scrollHeight - scrollY - innerHeight,
               h: document.documentElement.scrollHeight, marker: window.__marker === 1};
      %s
      return x;""" % extra
    return sample_reply(driver, src, art, every, limit)


def run(driver):
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    record(driver, SAID)
    try:
        driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": BASE, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    except Exception as e:  # noqa: BLE001
        print("# no clipboard permission: %s" % e, flush=True)

    driver.get(BASE + "/signup")
    if not sign_up(driver, new_email("s"), "script password 1"):
        abort("signing up through the form signs in (leaves /signup)", "url: " + driver.current_url)

    # --- the composer: Shift+Enter, ?, Enter
    driver.get(BASE + "/chat/new")
    check("the page loads keys.js", driver.find_elements(By.CSS_SELECTOR, 'script[src="/static/keys.js"]'))
    check("without a finished message there is no Copy button", not driver.find_elements(By.CSS_SELECTOR, ".cp"))
    box = driver.find_element(By.ID, "content")
    Select(driver.find_element(By.ID, "model")).select_by_value("script-write")
    box.send_keys("Hello there. Tell me")
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("about it?")
    check("Shift+Enter in the composer is a new line (and does not send)",
          box.get_attribute("value") == "Hello there. Tell me\nabout it?" and driver.current_url.endswith("/chat/new"),
          "value: %r, url: %s" % (box.get_attribute("value"), driver.current_url))
    box.send_keys("?")
    check("  ... and ? typed in it is text, not the shortcut list",
          box.get_attribute("value").endswith("?") and not driver.find_elements(By.CSS_SELECTOR, "dialog[open]"))
    box.send_keys(Keys.BACKSPACE)
    js(driver, "document.activeElement.blur()")
    ActionChains(driver).send_keys("?").perform()
    dlg = driver.find_elements(By.CSS_SELECTOR, "dialog[open]")
    check("? outside a field opens the list of shortcuts (a modal <dialog>)",
          dlg and "Keyboard shortcuts" in dlg[0].text and "Ctrl+K" in dlg[0].text and "Shift+Enter" in dlg[0].text,
          dlg[0].text if dlg else "no open dialog")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    check("  ... and Esc closes it", not driver.find_elements(By.CSS_SELECTOR, "dialog[open]"))
    box.click()
    box.send_keys(Keys.ENTER)
    art = wait_on_chat(driver, 1)
    check("Enter in the composer sends: the new chat's page", art is not None, driver.current_url)
    check("  ... with the message as typed, its new line kept",
          js(driver, "return document.querySelector('[data-role=user] > p').innerText")
          == "Hello there. Tell me\nabout it?")
    title0 = js(driver, "return document.querySelector('main h1').textContent")
    focus0 = js(driver, "var e = document.activeElement; return e ? e.tagName + '#' + e.id : null")

    # --- the first reply: live sentences, the end swapped in, the title
    live, end = sample_until_end(driver, art, 0.2)
    check("the lorem reply streams and ends done", live and end and end["status"] == "done",
          "end: %r" % (end,))
    labels = set(s["label"] for s in live if s["answer"])
    check("  ... labelled Writing… while its text comes (never Waiting…)",
          labels == {"Writing…"}, "labels with text on the page: %r" % labels)
    check("  ... and without a status label once done (as a reload shows it)", end and end["label"] is None)
    check("  ... without a page reload", end and end["marker"])
    said = js(driver, "return window.__said")
    texts = [t for _, t in said]
    print("# the live region said: %r" % texts, flush=True)
    check("the live region announced the reply in a few batches, the last saying it finished",
          2 <= len(said) <= 12 and texts[-1].endswith("Reply finished."), "said: %r" % texts)
    mid = [t for t in texts[:-1] if t != "Thinking…"]
    lorem = sim_reply()

    def whole(t):  # ends a sentence, or a line of the reply
        return len(t.split()) >= 2 and (re.search(r"[.!?:]$", t) or lorem is None or
                                        re.search(re.escape(t.split()[-1]) + r"[^\w\n]*\n", lorem))
    check("  ... each batch whole sentences or lines, not tokens", mid and all(whole(t) for t in mid),
          "batches: %r" % mid)
    gaps = [(b[0] - a[0]) / 1000 for a, b in zip(said, said[1:-1])]
    check("  ... at most one batch every ~2 s", all(g >= 1.9 for g in gaps), "gaps (s): %r" % gaps)
    check("  ... with no markdown marks read out", not any(re.search(r"\*\*|\||```|##", t) for t in texts),
          "said: %r" % texts)

    parts_js = """
      var q = function (s) { var e = document.querySelector(s); return e ? e.outerHTML : null; };
      var a = document.getElementById(arguments[0]);
      return {messages: q('.messages'), h1: document.querySelector('main h1').textContent,
              title: document.title, side: q('.sidebar-chats'), regen: q('form.regenerate'),
              stop: document.querySelectorAll('form.stop').length,
              edit: document.querySelectorAll('[data-role=user] > a[href^="?edit="]').length,
              rate: !!(a && a.querySelector('small button.th[form=rate]')),
              rate_all: !!document.querySelector('.chat-menu a[href^="?rate="]'),
              side_current: (document.querySelector('.sidebar-chats [aria-current]') || {}).textContent || ''};"""
    try:
        WebDriverWait(driver, 15, 0.2).until(
            lambda d: js(d, "return document.querySelector('main h1').textContent") != title0)
    except Exception:  # noqa: BLE001
        pass
    livep = js(driver, parts_js, art)
    check("when the reply ends, its thumbs, Rate replies, the Edit link and Regenerate appear without a reload",
          livep["rate"] and livep["rate_all"] and livep["edit"] == 1 and livep["regen"] and livep["stop"] == 0,
          "thumbs %(rate)r, Rate replies %(rate_all)r, edit links %(edit)r, regenerate %(regen)r, "
          "stop forms %(stop)r" % livep)
    check("  ... and the chat's generated title: heading, page title and sidebar (was %r)" % title0,
          livep["h1"] != title0 and livep["title"].startswith(livep["h1"]) and livep["h1"] in livep["side_current"],
          "h1 %(h1)r, title %(title)r, sidebar %(side_current)r" % livep)
    check("  ... still without a reload", js(driver, "return window.__marker === 1"))
    check("  ... and the composer focused after Send, still once the reply ended",
          js(driver, "return document.activeElement && document.activeElement.id") == "content",
          "focused at load: %s, now: %s" % (focus0, js(driver, "var e = document.activeElement; "
                                                       "return e ? e.tagName + '#' + e.id : null")))

    # --- Copy: the code block, into the clipboard
    cps = driver.find_elements(By.CSS_SELECTOR, "#%s .cp" % art)
    check("the ended reply has a Copy button for the message and one for its code block",
          sorted(c.get_attribute("aria-label") for c in cps) == ["Copy code", "Copy message"],
          "buttons: %r" % [c.get_attribute("aria-label") for c in cps])
    code = js(driver, "return document.querySelector('#' + arguments[0] + ' pre').textContent", art)
    cps = [c for c in cps if c.get_attribute("aria-label") == "Copy code"]
    if len(cps) == 1:
        cps[0].click()
        time.sleep(0.2)
        check("  ... Copy code says Copied", cps[0].text == "Copied", "text: %r" % cps[0].text)
        got = driver.execute_async_script(
            "var done = arguments[0]; navigator.clipboard.readText().then(done, function (e) { done('ERR ' + e); });")
        check("  ... and puts the code in the clipboard", got == code and "printf" in code,
              "clipboard: %r" % got, "code: %r" % code)
        time.sleep(0.1)

    # --- a reload shows what the live page showed
    driver.get(driver.current_url.split("#")[0])
    freshp = js(driver, parts_js, art)
    for k in ("messages", "h1", "title", "side", "regen", "stop", "edit"):
        a, b = livep[k], freshp[k]
        i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), 0) \
            if isinstance(a, str) and isinstance(b, str) else 0
        check("a reload shows the same %s as the live page" % k, a == b,
              "live:   %r" % (a[max(0, i - 300):i + 300] if isinstance(a, str) else a),
              "reload: %r" % (b[max(0, i - 300):i + 300] if isinstance(b, str) else b))
    js(driver, "window.__marker = 1")

    # --- follow: a long chat; the view stays at the end, unless scrolled up
    long = "\n".join("Line %d of a long question." % i for i in range(60))
    box = driver.find_element(By.ID, "content")
    js(driver, "arguments[0].value = arguments[1]", box, long)
    Select(driver.find_element(By.ID, "model")).select_by_value("script-write")
    box.send_keys(Keys.END, Keys.ENTER)
    art2 = wait_on_chat(driver, 2)
    live, end = sample_until_end(driver, art2, 0.25, extra="""
      var m = document.querySelector('.more');
      x.more = !!(m && !m.hidden && m.getBoundingClientRect().height > 0);""")
    # the reply's first half: the view at the end each time
    half = [s for s in live if s["answer"]]
    n = len(half) // 2
    check("while following, the view stays at the end as the reply grows",
          n >= 2 and half[n - 1]["h"] > half[0]["h"] and all(s["gap"] < 60 for s in half[1:n]),
          "gaps: %r" % [(s["gap"], s["h"]) for s in half[:n]])
    # The second part of this check needs a reply still running: a third one.
    js(driver, "window.__marker = 1")
    box = driver.find_element(By.ID, "content")
    js(driver, "arguments[0].value = arguments[1]", box, long)
    box.send_keys(Keys.END, Keys.ENTER)
    art3 = wait_on_chat(driver, 3)
    WebDriverWait(driver, 10, 0.1).until(lambda d: js(
        d, "var p = document.querySelector('#' + arguments[0] + ' .plain'); return p && p.textContent.length > 20", art3))
    js(driver, "window.scrollTo(0, 0)")
    time.sleep(0.3)
    live, end = sample_until_end(driver, art3, 0.25, extra="""
      var m = document.querySelector('.more');
      x.more = !!(m && !m.hidden && m.getBoundingClientRect().height > 0);""")
    check("scrolled up, the view does not jump while the reply grows",
          len(live) >= 3 and all(s["y"] == 0 for s in live) and live[-1]["h"] > live[0]["h"],
          "y, height: %r" % [(s["y"], s["h"]) for s in live])
    check("  ... and a \"↓ New text\" button shows", live and live[-1]["more"])
    more = driver.find_elements(By.CSS_SELECTOR, ".more")
    if more and more[0].is_displayed():
        more[0].click()
        time.sleep(0.3)
        check("  ... which goes to the end", js(
            driver, "return document.documentElement.scrollHeight - scrollY - innerHeight < 60"))

    # --- a thinking reply: Thinking… then Writing…; Esc stops the next one
    js(driver, "window.__said = []")
    box = driver.find_element(By.ID, "content")
    box.send_keys("Think about this for a while and then answer me with all of these words please")
    Select(driver.find_element(By.ID, "model")).select_by_value("script-think")
    driver.find_element(By.ID, "content").send_keys(Keys.ENTER)
    art4 = wait_on_chat(driver, 4)
    live, end = sample_until_end(driver, art4, 0.1)
    pairs = [(s["label"], bool(s["thinking"]), bool(s["answer"])) for s in live]
    print("# (label, thinking?, answer?): %r" % sorted(set(pairs)), flush=True)
    check("a thinking reply says Thinking… while only its reasoning comes",
          any(p == ("Thinking…", True, False) for p in pairs) and
          all(p[0] == "Thinking…" for p in pairs if p[1] and not p[2]), "samples: %r" % pairs)
    check("  ... then Writing… once its answer comes",
          any(p == ("Writing…", True, True) for p in pairs) and
          all(p[0] == "Writing…" for p in pairs if p[2]), "samples: %r" % pairs)
    check("  ... never Waiting… once anything came", not any(p[0] == "Waiting…" and (p[1] or p[2]) for p in pairs))
    check("  ... and ends done", end and end["status"] == "done", "end: %r" % (end,))
    # The region is read every 50 ms: its last change may land just after
    # the reply's status did (a loaded machine), so give it a moment.
    for _ in range(30):
        said = [t for _, t in js(driver, "return window.__said")]
        if said and said[-1].endswith("Reply finished."):
            break
        time.sleep(0.1)
    check("  ... the live region said Thinking… once, then the answer and Reply finished",
          said.count("Thinking…") == 1 and said[-1].endswith("Reply finished."), "said: %r" % said)

    box = driver.find_element(By.ID, "content")
    box.send_keys("Stop me")
    box.send_keys(Keys.ENTER)
    art5 = wait_on_chat(driver, 5)
    box = driver.find_element(By.ID, "content")
    # A draft while the reply runs, where the composer shows then.
    draft = "my next draft" if box.is_displayed() else ""
    if draft:
        box.send_keys(draft)
    WebDriverWait(driver, 10, 0.05).until(lambda d: js(
        d, "return !!document.querySelector('#' + arguments[0] + ' .thinking')", art5))
    if draft:
        box.send_keys(Keys.ESCAPE)
    else:
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    live, end = sample_until_end(driver, art5, 0.1, limit=10)
    check("Esc while a reply runs stops it", end and end["status"] == "stopped", "end: %r" % (end,))
    check("  ... without leaving the page%s" % (", the draft kept" if draft else ""),
          end and end["marker"] and driver.find_element(By.ID, "content").get_attribute("value") == draft)
    said = [t for _, t in js(driver, "return window.__said")]
    check("  ... and the live region says it stopped", said and said[-1].endswith("Reply stopped."), "said: %r" % said)
    check("  ... and the Stop form is gone", not driver.find_elements(By.CSS_SELECTOR, "form.stop"))

    # --- the other shortcuts
    js(driver, "document.activeElement.blur()")
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ESCAPE).key_up(Keys.SHIFT).perform()
    check("Shift+Esc focuses the message box", js(driver, "return document.activeElement.id") == "content")
    errors = js(driver, "return window.__errors.concat(window.__csp)")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("k").key_up(Keys.CONTROL).perform()
    try:
        WebDriverWait(driver, 5).until(lambda d: js(
            d, "return document.activeElement.type === 'search' || location.pathname === '/chats'"))
        searched = True
    except Exception:  # noqa: BLE001
        searched = False
    check("Ctrl+K goes to the chat search", searched, driver.current_url)
    driver.get(BASE + "/chats")
    ActionChains(driver).key_down(Keys.CONTROL).key_down(Keys.SHIFT).send_keys("o") \
        .key_up(Keys.SHIFT).key_up(Keys.CONTROL).perform()
    try:
        WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("/chat/new"))
        new = True
    except Exception:  # noqa: BLE001
        new = False
    check("Ctrl+Shift+O opens a new chat", new, driver.current_url)
    errors += js(driver, "return window.__errors.concat(window.__csp)")
    check("no script errors and no CSP violations", not errors, *errors)


if __name__ == "__main__":
    run_test(main, "the script test")
