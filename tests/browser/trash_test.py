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

from browser_tap import abort, check, not_ok, ok, run_test
from chromium import By, WebDriverWait, chromium, record
from confab_site import UUID, new_email, sign_up

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else ""
PROFILE = sys.argv[2] if len(sys.argv) > 2 else None


def wait(driver, what, cond):
    try:
        WebDriverWait(driver, 15).until(cond)
        return True
    except Exception:  # noqa: BLE001
        not_ok(what, "at " + driver.current_url)
        return False


def run(driver):
    record(driver)
    driver.get(BASE + "/signup")
    if not sign_up(driver, new_email("trash"), "trash password 1"):
        not_ok("signed up", "at " + driver.current_url)
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
    bad = driver.execute_script("return window.__csp.concat(window.__errors)")
    check("no script errors or CSP violations", not bad, *(bad or []))


def main():
    if not BASE:
        abort("BASE is set", "usage: trash_test.py BASE [PROFILE_DIR]")
    with chromium("--window-size=1200,800", profile=PROFILE) as driver:
        run(driver)


if __name__ == "__main__":
    run_test(main, "the browser test")
