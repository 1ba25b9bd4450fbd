#!/usr/bin/python3
"""tests/browser/trash_test.py BASE PROFILE_DIR — the chat list's Delete with
static/trash.js, in headless Chromium (selenium): it moves the chat to the
trash at once, with no confirmation page, and the list's notice offers Undo,
which brings the chat back. The same button without the script asks first
(tests/integration/t_trash.sh checks that with curl). Prints TAP-like lines
("ok - ..." / "not ok - ..."); exits 0 when it ran to its end, 2 when it had
to stop early.
"""

import re
import sys
import time

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else ""
PROFILE = sys.argv[2] if len(sys.argv) > 2 else None
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def ok(what):
    print("ok - " + what, flush=True)


def not_ok(what, *why):
    print("not ok - " + what, flush=True)
    for w in why:
        for line in str(w).splitlines() or [""]:
            print("#   " + line, flush=True)


def check(what, cond, *why):
    (ok if cond else not_ok)(what, *([] if cond else why))
    return cond


def abort(what, *why):
    not_ok(what, *why)
    sys.exit(2)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except Exception as e:  # noqa: BLE001
    abort("python3-selenium is importable", repr(e))

# Before the page's own scripts: CSP violations and errors.
RECORDER = r"""
window.__bad = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__bad.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI);
});
window.addEventListener('error', function (e) { window.__bad.push(String(e.message)); }, true);
"""


def start_browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-dev-shm-usage", "--window-size=1200,800"):
        opts.add_argument(a)
    if PROFILE:
        opts.add_argument("--user-data-dir=" + PROFILE)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def wait(driver, what, cond):
    try:
        WebDriverWait(driver, 15).until(cond)
        return True
    except Exception:  # noqa: BLE001
        not_ok(what, "at " + driver.current_url)
        return False


def run(driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    driver.get(BASE + "/signup")
    driver.find_element(By.ID, "email").send_keys("trash%d@example.org" % time.time_ns())
    driver.find_element(By.ID, "password").send_keys("trash password 1")
    driver.find_element(By.CSS_SELECTOR, 'form[action="/signup"] button[type="submit"]').click()
    if not wait(driver, "signed up", lambda d: "/signup" not in d.current_url):
        return
    driver.get(BASE + "/chats")
    driver.find_element(By.ID, "new-title").send_keys("Doomed chat")
    driver.find_element(By.CSS_SELECTOR, 'form.inline-create button[type="submit"]').click()
    if not wait(driver, "a chat is created", lambda d: re.search("/chat/" + UUID, d.current_url)):
        return
    cid = re.search(UUID, driver.current_url).group(0)

    driver.get(BASE + "/chats")
    row = driver.find_element(By.ID, "c-" + cid)
    row.find_element(By.CSS_SELECTOR, "summary").click()
    button = row.find_element(By.CSS_SELECTOR, "button[data-trash]")
    check("the script made the list's Delete immediate (confirm=1)",
          button.get_attribute("name") == "confirm" and button.get_attribute("value") == "1",
          "name=%r value=%r" % (button.get_attribute("name"), button.get_attribute("value")))
    button.click()
    if not wait(driver, "Delete lands on the list at once, without asking",
                lambda d: d.current_url.endswith("/chats?undo=" + cid)):
        return
    ok("Delete lands on the list at once, without asking")
    notice = driver.find_elements(By.CSS_SELECTOR, ".undo[role=status]")
    check("  ... whose notice says the chat went to the trash",
          notice and "Moved “Doomed chat” to the trash." in notice[0].text,
          notice[0].text if notice else "no notice")
    check("  ... and it is gone from the list", not driver.find_elements(By.ID, "c-" + cid))
    if not notice:
        return
    notice[0].find_element(By.XPATH, ".//button[normalize-space()='Undo']").click()
    if not wait(driver, "Undo brings it back",
                lambda d: d.find_elements(By.ID, "c-" + cid)):
        return
    ok("Undo brings it back")
    check("  ... saying so", "Restored “Doomed chat”." in driver.page_source)
    bad = driver.execute_script("return window.__bad")
    check("no script errors or CSP violations", not bad, *(bad or []))


def main():
    if not BASE:
        abort("BASE is set", "usage: trash_test.py BASE [PROFILE_DIR]")
    try:
        driver = start_browser()
    except Exception as e:  # noqa: BLE001
        abort("headless Chromium starts", "%s: %s" % (type(e).__name__, str(e)[:300]))
    try:
        run(driver)
    finally:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001
            pass


if __name__ == "__main__":
    main()
