"""tests/browser/chromium.py — headless Chromium for the browser tests:
Debian's chromium and chromium-driver, driven by python3-selenium.

Importing it imports selenium (failing that: a failed check and exit 2),
so a test takes the selenium names it uses from here.
"""

import contextlib

from browser_tap import abort

try:
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select, WebDriverWait
except Exception as e:  # noqa: BLE001 — any import failure is the same answer
    abort("python3-selenium is importable", repr(e))

# What the tests take from here: the browser, and selenium's names.
__all__ = ["chromium", "record", "RECORDER", "ActionChains", "By", "Keys", "Select",
           "WebDriverException", "WebDriverWait", "staleness_of"]

# Every test's: no sandbox (it needs privileges a container may not give),
# no GPU, nothing fetched or synced in the background, and /tmp for shared
# memory (a container's /dev/shm is small).
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage")


@contextlib.contextmanager
def chromium(*flags, profile=None, browser_log=False):
    """The browser, with FLAGS and the test's flags (its window size...);
    profile: the directory of its profile (None: a throwaway one);
    browser_log: keep the console for driver.get_log("browser"). Quit after,
    whatever happened. One that does not start is a failed check, exit 2."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in FLAGS + flags:
        opts.add_argument(a)
    if profile:
        opts.add_argument("--user-data-dir=" + profile)
    if browser_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    except Exception as e:  # noqa: BLE001 — any failure to start is the same answer
        abort("headless Chromium starts (chromium + chromium-driver)",
              "%s: %s" % (type(e).__name__, "\n".join(str(e).strip().splitlines()[:4])))
    try:
        yield driver
    finally:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 — it is going away either way
            pass


# Runs in every document before its own scripts (CDP's scripts are not
# subject to the page's CSP): window.__csp gets the CSP violations,
# window.__errors the uncaught errors and rejections, and sessionStorage
# "loads:PATH" counts full page loads in this tab (it survives a reload;
# a script that changes the page in place does not add to it).
RECORDER = r"""
window.__csp = [];
window.__errors = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || 0));
});
window.addEventListener('error', function (e) {
  window.__errors.push(String(e.message || e.type) + ' ' + (e.filename || '') + ':' + (e.lineno || 0));
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__errors.push('unhandled rejection: ' + String(e.reason));
});
try {
  var k = 'loads:' + location.pathname;
  sessionStorage.setItem(k, String(Number(sessionStorage.getItem(k) || 0) + 1));
} catch (e) {}
"""


def record(driver, more=""):
    """RECORDER, and the test's own script more after it, in every document
    the driver loads from now on."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER + more})
