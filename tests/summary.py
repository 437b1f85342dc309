"""Print one closing line over every pytest run of `make test` (SQLite, PostgreSQL, browser)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> int:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        for suite in suites:
            for key in totals:
                totals[key] += int(suite.get(key, 0))
    failed = totals["failures"] + totals["errors"]
    passed = totals["tests"] - failed - totals["skipped"]
    sys.stdout.write(
        f"{len(paths)} runs\ntotal: {passed} passed, {failed} failed, {totals['skipped']} skipped\n"
    )
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
