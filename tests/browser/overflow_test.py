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

WIDTH, HEIGHT = 360, 740


def ok(what):
    print("ok - " + what, flush=True)


def not_ok(what, *why):
    print("not ok - " + what, flush=True)
    for w in why:
        print("#   " + str(w), flush=True)


def check(what, cond, *why):
    if cond:
        ok(what)
    else:
        not_ok(what, *why)


def main():
    if len(sys.argv) < 5:
        not_ok("usage: overflow_test.py BASE EMAIL PASSWORD PATH...")
        return 2
    base, email, password, paths = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4:]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--disable-background-networking", "--hide-scrollbars"):
            opts.add_argument(a)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    except Exception as e:  # noqa: BLE001 — any failure to start is the same answer
        not_ok("headless Chromium starts", repr(e)[:300])
        return 2
    try:
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
    except Exception as e:  # noqa: BLE001
        not_ok("the pages load in Chromium", repr(e)[:300])
        return 2
    finally:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
