#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare a build's tests with ci/expected-tests, so that a test count
can never drop silently (ci/quickstart test runs this).

  check-tests.py defined BUILD SUITE...   every expected test of SUITEs is
                                          defined in BUILD (meson introspect)
  check-tests.py suites                   print the suites of the list
  check-tests.py ran BUILD SUITE...       every expected test of SUITEs ran
                                          and passed in BUILD's last
                                          meson test (testlog.json); a skip
                                          is not a pass

Prints one line per missing test and a summary; the last line of "ran" is
"MISSING N", N the expected tests that did not run or were skipped (for
ci/quickstart's count). Exit 0 when nothing is missing, 1
otherwise, 2 on bad usage.
"""
import json
import os
import sys

PASS = ("OK", "EXPECTEDFAIL")


def expected(suites):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "expected-tests")
    names = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            suite = line.split(" / ", 1)[0]
            if suites is None or suite in suites:
                names.append(line)
    return names


def strip(name):
    # meson names a test "project:suite / name"
    return name.split(":", 1)[1] if ":" in name.split(" / ")[0] else name


def defined(build):
    with open(os.path.join(build, "meson-info", "intro-tests.json")) as f:
        tests = json.load(f)
    have = set()
    for t in tests:
        for s in t["suite"]:
            have.add(strip(s) + " / " + t["name"])
    return have


def ran(build):
    results = {}
    with open(os.path.join(build, "meson-logs", "testlog.json")) as f:
        for line in f:
            r = json.loads(line)
            results[strip(r["name"])] = r["result"]
    return results


def main(argv):
    if argv[1:] == ["suites"]:
        every = expected(None)
        print(" ".join(sorted({n.split(" / ")[0] for n in every})))
        return 0
    if len(argv) < 4 or argv[1] not in ("defined", "ran"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    mode, build, suites = argv[1], argv[2], set(argv[3:])
    want = expected(suites)
    missing = 0
    try:
        got = defined(build) if mode == "defined" else ran(build)
    except (OSError, ValueError) as e:
        print(f"check-tests: {build}: cannot read meson's test list: {e}")
        got = {}
    for name in want:
        if mode == "defined" and name not in got:
            print(f"check-tests: {build}: expected test '{name}' is not "
                  "defined (its component was not built)")
            missing += 1
        elif mode == "ran" and got.get(name) not in PASS:
            what = got.get(name, "did not run")
            print(f"check-tests: {build}: expected test '{name}': {what}")
            if what in ("did not run", "SKIP"):
                missing += 1
    if mode == "ran":
        listed = set(expected(None))
        extra = sorted(n for n in got if n not in listed)
        for name in extra:
            print(f"check-tests: {build}: '{name}' ran but is not in "
                  "ci/expected-tests (add it)")
        ok = sum(1 for n in want if got.get(n) in PASS)
        print(f"check-tests: {build}: {ok} of {len(want)} expected tests "
              f"passed (suites: {' '.join(sorted(suites))})")
        print(f"MISSING {missing}")
    return 1 if missing or (mode == "ran" and ok < len(want)) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
