#!/usr/bin/python3
"""tests/browser/pages_test.py BASE SHOTS_DIR [--save-docs DIR] — every page
of confab in headless Chromium, in both colour schemes and at two sizes.

On a fresh instance (the first account signed up is its administrator, the
model "demo" answers offline) it signs up through the form, writes chats
through the composer (replies with markdown, a code block and a table),
moves one chat to the trash, makes a component and a preset, and then, for
each page x theme (light, dark: prefers-color-scheme, emulated) x size
(1280x800 desktop, 390x844 phone):
  - saves a screenshot SHOTS_DIR/PAGE-THEME-WIDTH.png (the whole page);
  - runs axe-core (tests/node_modules/axe-core/axe.min.js) and expects no
    violation, printing each one's rule, impact, help and first targets;
  - expects no sideways scrolling (scrollWidth and innerWidth <= the
    screen's width: a phone zooms out to show a page wider than itself).
--save-docs DIR copies the screenshots README.md shows into DIR
(docs/screenshots).

Prints TAP-like lines ("ok - ..." / "not ok - ..." with "#" details), as
the shell tests do; tests/integration/t_pages.sh runs it under a timeout.
Exits 0 when it ran to its end (whatever the checks said), 2 when it had to
stop early.
"""

import base64
import json
import os
import re
import shutil
import sys
import time

from browser_tap import check, not_ok, run_test
from chromium import By, Select, WebDriverWait, chromium, staleness_of
from confab_site import UUID

HERE = os.path.dirname(os.path.abspath(__file__))
AXE = os.path.join(HERE, "..", "node_modules", "axe-core", "axe.min.js")
THEMES = ("light", "dark")
SIZES = ((1280, 800, False), (390, 844, True))
# The screenshots README.md shows (docs/screenshots/).
DOCS = ("chats-light-1280.png", "chat-dark-1280.png", "chat-light-390.png")
MAX_SHOT_HEIGHT = 6000  # px: a longer page is cut there


class Stop(Exception):
    """A step the rest depends on failed: the run ends early."""


def need(what, cond, *why):
    if not check(what, cond, *why):
        raise Stop(what)


class Site:
    """The browser on one confab: forms filled in as a person would."""

    def __init__(self, driver, base):
        self.d, self.base = driver, base
        self.wait = WebDriverWait(driver, 20)

    def get(self, path):
        self.d.get(self.base + path)

    def path(self):
        return re.sub(r"^https?://[^/]+", "", self.d.current_url)

    def fill(self, field_id, text):
        el = self.d.find_element(By.ID, field_id)
        el.clear()
        el.send_keys(text)

    def choose(self, field_id, value):
        Select(self.d.find_element(By.ID, field_id)).select_by_value(value)

    def submit(self, css):
        """Clicks the button and waits for the next page to have loaded."""
        button = self.d.find_element(By.CSS_SELECTOR, css)
        button.click()
        self.wait.until(staleness_of(button))
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def replies_done(self, chat, seconds=60):
        """Reloads the chat until no message is queued or running."""
        end = time.time() + seconds
        while time.time() < end:
            self.get("/chat/" + chat)
            busy = self.d.execute_script(
                "return document.querySelectorAll('.messages>li[data-status=queued],"
                ".messages>li[data-status=running]').length")
            if busy == 0:
                return True
            time.sleep(1)
        return False

    def message_ids(self, role):
        return self.d.execute_script(
            "return Array.from(document.querySelectorAll('.messages>li[data-role=' + arguments[0] + ']'))"
            ".map(function (a) { return a.id.replace(/^m-/, ''); })", role)

    def new_chat(self, text):
        """A chat with one message to the demo model; its id."""
        self.get("/chat/new")
        self.fill("content", text)
        self.choose("model", "demo")
        self.submit("form.composer button[type=submit]")
        m = re.match("/chat/(" + UUID + ")", self.path())
        need("a chat is started through the composer (%s)" % text[:30], m, "at " + self.path())
        return m.group(1)

    def send(self, chat, text):
        self.get("/chat/" + chat)
        self.fill("content", text)
        self.choose("model", "demo")
        self.submit("form.composer button[type=submit]")


def settle(driver):
    """Two animation frames: the page is laid out for new media queries."""
    driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () { done(); }); });")


def set_look(driver, theme, size):
    """The colour scheme (None: leave it) and the viewport."""
    width, height, mobile = size
    if theme:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": theme}]})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    settle(driver)


def screenshot(driver, file, size):
    """The whole page, as a window as tall as the page shows it (so what is
    fixed or sticky to the window's bottom sits at the page's bottom, not
    over its middle); the size is set back after."""
    width, height, mobile = size
    tall = height
    for _ in range(3):  # a taller window may lay the page out taller
        h = driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
        h = min(max(h, height), MAX_SHOT_HEIGHT)
        if h <= tall:
            break
        tall = h
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": tall, "deviceScaleFactor": 1, "mobile": mobile})
        settle(driver)
    try:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        if tall != height:
            set_look(driver, None, size)
    with open(file, "wb") as f:
        f.write(base64.b64decode(shot["data"]))


AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(function (r) {
  done(JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,
            targets: v.nodes.slice(0, 4).map(function (n) { return n.target.join(' '); }),
            summary: (v.nodes[0] && v.nodes[0].failureSummary || '').split('\\n').slice(1, 2).join('')};
  })));
}, function (e) { done('error: ' + e); });
"""


def axe_violations(driver, axe_js):
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(axe_js)
    out = driver.execute_async_script(AXE_RUN)
    if out.startswith("error: "):
        raise RuntimeError("axe.run failed: " + out)
    return json.loads(out)


def describe(v):
    lines = ["%s (%s): %s [%d node%s]" % (v["id"], v["impact"], v["help"], v["n"],
                                         "" if v["n"] == 1 else "s")]
    lines += ["  at " + t for t in v["targets"]]
    if v["summary"]:
        lines.append("  " + v["summary"].strip()[:200])
    return lines


def audit(site, axe_js, shots, name, path, expect=None):
    """One page in every theme and size. expect: a regex its path must match
    once loaded (default: the path itself, so a redirect fails)."""
    d = site.d
    site.get(path)
    where = site.path()
    if not check("%s (%s) loads" % (name, path),
                 re.fullmatch(expect or re.escape(path), where.split("#")[0]), "at " + where):
        return
    for theme in THEMES:
        for size in SIZES:
            width = size[0]
            label = "%s %s %d" % (name, theme, width)
            set_look(d, theme, size)
            vs = axe_violations(d, axe_js)
            check(label + ": axe finds no violations", not vs,
                  *[line for v in vs for line in describe(v)])
            sw, iw = d.execute_script(
                "return [document.documentElement.scrollWidth, innerWidth]")
            # On a phone the browser zooms out to fit a page wider than the
            # screen, which widens innerWidth too: compare with the screen.
            check(label + ": no sideways scrolling (scrollWidth %d, innerWidth %d)" % (sw, iw),
                  sw <= width and iw <= width)
            file = os.path.join(shots, "%s-%s-%d.png" % (name, theme, width))
            try:
                screenshot(d, file, size)
                check(label + ": screenshot " + os.path.basename(file), os.path.getsize(file) > 0)
            except Exception as e:  # noqa: BLE001 — report and go on with the checks
                not_ok(label + ": screenshot " + os.path.basename(file), repr(e)[:300])


# Where each task-list box sits against its text, and how wide code and
# tables are against their boxes, in the rich reply at a phone's width.
RICH_LAYOUT = """
var r = document.querySelector('.messages>li[data-role=assistant]'), out = {boxes: []};
r.querySelectorAll('li>input[type=checkbox]').forEach(function (box) {
  var b = box.getBoundingClientRect(), range = document.createRange(), t = box.nextSibling;
  range.selectNodeContents(t);
  var first = range.getClientRects()[0];
  out.boxes.push({w: b.width, right: b.right, mid: (b.top + b.bottom) / 2,
                  textLeft: first.left, textTop: first.top, textBottom: first.bottom});
});
var pre = Array.from(r.querySelectorAll('pre')).filter(function (p) {
  return p.textContent.indexOf('scroll inside') >= 0; })[0];
var table = r.querySelectorAll('table');
table = table[table.length - 1];
out.pre = pre && [pre.scrollWidth, pre.clientWidth, getComputedStyle(pre).overflowX];
out.table = table && [table.scrollWidth, table.clientWidth, getComputedStyle(table).overflowX];
return out;
"""


def rich_layout(site):
    d = site.d
    set_look(d, "light", SIZES[1])
    got = d.execute_script(RICH_LAYOUT)
    boxes = got["boxes"]
    check("the rich reply has its three task-list boxes", len(boxes) == 3, repr(boxes))
    for i, b in enumerate(boxes):
        check("task %d: its box is a box (%.0f px wide), just left of its text (%.0f to %.0f px)"
              % (i + 1, b["w"], b["right"], b["textLeft"]),
              b["w"] < 30 and 0 <= b["textLeft"] - b["right"] < 20, repr(b))
        check("task %d: ... on the text's line" % (i + 1),
              b["textTop"] <= b["mid"] <= b["textBottom"], repr(b))
    for what in ("pre", "table"):
        sw, cw, ox = got[what] or (0, 0, "")
        check("at 390 px the long %s scrolls inside its box (%d px in %d, overflow-x %s)"
              % ("code line" if what == "pre" else "table", sw, cw, ox),
              sw > cw and ox == "auto", repr(got[what]))


def run(site, axe_js, shots):
    d = site.d
    # Signed out: the sign-in and sign-up pages.
    audit(site, axe_js, shots, "signup", "/signup")
    audit(site, axe_js, shots, "login", "/login")

    # The first account is the site's administrator.
    site.get("/signup")
    site.fill("email", "pages@example.org")
    site.fill("name", "Page Tester")
    site.fill("password", "pages test password")
    site.fill("timezone", "UTC")
    site.submit("form[action='/signup'] button[type=submit]")
    need("sign up through the form", "/signup" not in site.path(), "at " + site.path())

    # Chats written through the composer, to the offline demo model.
    main = site.new_chat("How do I print hello world in C? Show code and a table.")
    need("the first demo reply finishes", site.replies_done(main))
    site.send(main, "Now compare `printf` and `puts` in a table.")
    need("the second demo reply finishes", site.replies_done(main))
    users, replies = site.message_ids("user"), site.message_ids("assistant")
    need("the chat has two questions and two replies", len(users) == 2 and len(replies) == 2,
         "user %r assistant %r" % (users, replies))
    check("a reply has a code block and a table",
          d.execute_script("return !!document.querySelector('.messages>li[data-role=assistant] pre code')"
                           " && !!document.querySelector('.messages>li[data-role=assistant] table')"))
    rich = site.new_chat("Show me what markdown a reply can hold.")
    need("the demo's sample of formatting finishes", site.replies_done(rich))
    other = site.new_chat("Plan a weekend in Lisbon for two.")
    trashed = site.new_chat("An old question to throw away.")
    need("the other demo replies finish", site.replies_done(other) and site.replies_done(trashed))

    # A component and a preset made from it, through their forms.
    site.get("/presets/components/new")
    site.choose("type", "role")
    site.fill("name", "Patient teacher")
    site.fill("content", "You explain things step by step, with small examples.")
    site.fill("tags", "teaching, examples")
    site.submit("form.stack button[type=submit]")
    m = re.match(r"/presets/components(?:/(\d+|" + UUID + "))?", site.path())
    need("a component is created through its form", m and "/new" not in site.path(), "at " + site.path())
    site.get("/presets/components")
    comp = d.execute_script(
        "var a = document.querySelector('a[href^=\"/presets/components/\"]:not([href$=\"/new\"]):not([href*=\"?\"])');"
        "return a && a.getAttribute('href')")
    need("the component is listed", comp, "no link to it on /presets/components")
    site.get("/presets/new")
    site.fill("name", "Teaching")
    site.fill("description", "Step by step explanations")
    site.choose("slot-role", d.execute_script(
        "var o = document.querySelector('#slot-role option:not([value=\"\"])'); return o && o.value"))
    site.submit("form.stack button[type=submit]")
    site.get("/presets")
    preset = d.execute_script(
        "var a = document.querySelector('.card h2 a'); return a && a.getAttribute('href')")
    need("a preset is created through its form", preset, "no preset card on /presets")

    # Every page, signed in.
    audit(site, axe_js, shots, "chats", "/chats")
    audit(site, axe_js, shots, "chat-new", "/chat/new")
    audit(site, axe_js, shots, "chat", "/chat/" + main)
    audit(site, axe_js, shots, "chat-rich", "/chat/" + rich)
    rich_layout(site)
    site.get("/chat/" + main)
    edit = d.execute_script("var a = document.querySelectorAll('a[href^=\"?edit=\"]');"
                            "return a.length ? a[a.length - 1].getAttribute('href') : null")
    need("the last question has an Edit link", edit, "no ?edit= link on the chat page")
    audit(site, axe_js, shots, "chat-edit", "/chat/%s%s" % (main, edit))
    check("?edit= opens the composer on the question", d.execute_script(
        "var t = document.querySelector('form.composer textarea'); return !!t && t.value.indexOf('printf') >= 0"))
    audit(site, axe_js, shots, "chat-settings", "/chat/%s/settings" % main)
    audit(site, axe_js, shots, "chat-delete", "/chats/%s/delete" % trashed)
    site.submit("form button.danger")
    need("a chat is moved to the trash through its form", site.path().startswith("/chats"),
         "at " + site.path())
    audit(site, axe_js, shots, "trash", "/chats/trash")
    check("the trash lists the chat", trashed in d.page_source)
    audit(site, axe_js, shots, "trash-purge", "/chats/%s/purge" % trashed)
    audit(site, axe_js, shots, "presets", "/presets")
    audit(site, axe_js, shots, "preset-new", "/presets/new")
    audit(site, axe_js, shots, "preset-edit", preset)
    audit(site, axe_js, shots, "components", "/presets/components")
    audit(site, axe_js, shots, "component-new", "/presets/components/new")
    audit(site, axe_js, shots, "component-edit", comp)
    audit(site, axe_js, shots, "settings", "/settings")
    check("the settings page says no provider takes a key (only the demo runs)",
          "no provider configured" in d.page_source)
    audit(site, axe_js, shots, "dashboard", "/dashboard")
    audit(site, axe_js, shots, "dashboard-admin", "/dashboard/admin")
    audit(site, axe_js, shots, "ratings", "/ratings?m=" + replies[-1])
    audit(site, axe_js, shots, "billing", "/billing")
    missing = "/chat/00000000-0000-4000-8000-000000000000"
    audit(site, axe_js, shots, "404", missing)
    check("the 404 page says the chat is not found",
          re.search(r"not found", d.title + d.find_element(By.TAG_NAME, "h1").text, re.I),
          "title %r" % d.title)


def main():
    args = sys.argv[1:]
    docs = None
    if "--save-docs" in args:
        i = args.index("--save-docs")
        if i + 1 >= len(args):
            not_ok("usage: pages_test.py BASE SHOTS_DIR [--save-docs DIR]")
            return 2
        docs = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        not_ok("usage: pages_test.py BASE SHOTS_DIR [--save-docs DIR]")
        return 2
    base, shots = args[0].rstrip("/"), args[1]
    try:
        with open(AXE, encoding="utf-8") as f:
            axe_js = f.read()
    except OSError as e:
        not_ok("axe-core is installed (npm ci --prefix tests)", repr(e))
        return 2
    os.makedirs(shots, exist_ok=True)
    for old in os.listdir(shots):
        if old.endswith(".png"):
            os.remove(os.path.join(shots, old))
    rc = 0
    with chromium("--hide-scrollbars", "--force-device-scale-factor=1",
                  "--window-size=1280,800") as driver:
        try:
            driver.set_page_load_timeout(20)
            driver.set_script_timeout(60)
            run(Site(driver, base), axe_js, shots)
        except Stop:
            rc = 2
        except Exception as e:  # noqa: BLE001
            not_ok("the pages load in Chromium", repr(e)[:400])
            rc = 2
    if docs and rc == 0:
        os.makedirs(docs, exist_ok=True)
        for name in DOCS:
            shutil.copy(os.path.join(shots, name), os.path.join(docs, name))
    return rc


if __name__ == "__main__":
    run_test(main, "the page test")
