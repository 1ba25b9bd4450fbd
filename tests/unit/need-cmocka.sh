#!/bin/sh
# need-cmocka.sh — stands in for the unit tests when configure found no
# cmocka: skipped (exit 77), with the reason in the log and on the terminal.
echo "the unit tests need cmocka: install the Debian package libcmocka-dev and run configure again" >&2
echo "SKIP: unit tests (no cmocka)"
exit 77
