"""tests/browser/browser_tap.py — the TAP lines a browser test prints, as
tests/integration/lib.sh's checks do: "ok - what", or "not ok - what" with
"#   why" lines under it. The shell test pipes them through lib.sh's tap,
which counts them. A test exits 0 when it ran to its end, whatever its
checks said, and 2 when it had to stop early (abort, or an exception).
"""

import sys

# Every check that failed, in whichever module it was printed: a counter
# here, read through failures(), since a name imported from this module
# would be a copy of the count at the time of the import.
_failures = 0


def failures():
    return _failures


def ok(what):
    print("ok - " + what, flush=True)


def not_ok(what, *why):
    global _failures
    _failures += 1
    print("not ok - " + what, flush=True)
    for w in why:
        for line in str(w).splitlines() or [""]:
            print("#   " + line, flush=True)


def check(what, cond, *why):
    """ok or not ok as cond says (why is shown for a failure); returns cond."""
    if cond:
        ok(what)
    else:
        not_ok(what, *why)
    return cond


def abort(what, *why):
    """A failed check the rest depends on: the test stops here."""
    not_ok(what, *why)
    sys.exit(2)


def run_test(main, what):
    """Runs main() and exits with what it returns (None: 0). An exception it
    did not expect is one failed check, "WHAT ran without an unexpected
    error", and exit 2: the test stopped early."""
    try:
        rc = main()
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 — whatever it is, the run stopped there
        abort(what + " ran without an unexpected error",
              "%s: %s" % (type(e).__name__, "\n".join(str(e).splitlines()[:3])))
    sys.exit(rc or 0)
