#!/usr/bin/python3
"""tests/browser/overflow_test.py BASE EMAIL PASSWORD PATH... — no page
scrolls sideways on a phone.

Headless Chromium (Debian's chromium + chromium-driver, driven by
python3-selenium) signs in through the form, then loads each PATH with a
360 px wide viewport (a small phone) and checks that
document.scrollingElement.scrollWidth is not wider than the viewport; on
the chat pages (a PATH starting /chat/) also that the composer is in the
viewport and that the menu of the top bar opens to reach the recent chats.

Prints one TAP-like line per check, as the shell tests do;
tests/integration/t_layout.sh runs it under a timeout. Exits 0 when it ran
to its end (whatever the checks said), 2 when it had to stop early.
"""

import sys

from browser_tap import check, not_ok, run_test
from chromium import By, chromium

WIDTH, HEIGHT = 360, 740


def run(driver, base, email, password, paths):
    driver.set_page_load_timeout(20)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True})
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'form[action="/login"] button[type="submit"]').click()
    for path in paths:
        driver.get(base + path)
        if "/login" in driver.current_url:
            not_ok("%s loads signed in" % path, driver.current_url)
            continue
        w = driver.execute_script("return document.scrollingElement.scrollWidth")
        check("%s at %d px does not scroll sideways (scrollWidth %d)" % (path, WIDTH, w),
              w <= WIDTH)
        if not path.startswith("/chat/"):
            continue
        box = driver.execute_script(
            "var r = document.querySelector('form.composer').getBoundingClientRect();"
            "return [r.top, r.bottom, innerHeight]")
        check("%s: the composer is in the viewport (%d..%d of %d)" % (path, *box),
              0 <= box[0] < box[1] <= box[2])
        recent = driver.execute_script(
            "var m = document.querySelector('details.menu'), a = m.querySelector('.sidebar-chats a');"
            "var hidden = !!a && !a.checkVisibility();"
            "m.querySelector('summary').click();"
            "var r = a && a.getBoundingClientRect();"
            "return [hidden, !!r && a.checkVisibility() && r.height > 0 && r.bottom <= innerHeight]")
        check("%s: the recent chats are behind the menu, closed" % path, recent[0])
        check("%s: opening the menu shows them" % path, recent[1])


def main():
    if len(sys.argv) < 5:
        not_ok("usage: overflow_test.py BASE EMAIL PASSWORD PATH...")
        return 2
    base, email, password, paths = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4:]
    with chromium("--hide-scrollbars") as driver:
        try:
            run(driver, base, email, password, paths)
        except Exception as e:  # noqa: BLE001
            not_ok("the pages load in Chromium", repr(e)[:300])
            return 2
    return 0


if __name__ == "__main__":
    run_test(main, "the phone-width check")
