"""Coverage per package from the suite's runs, and the floors `make test` holds.

    python -m tests.coverage_report test-artifacts/.coverage.sqlite \
        test-artifacts/.coverage.postgres

Combines the data files given (SQLite and PostgreSQL runs), prints statements, missed and
percent per package (`travelcrm/<package>`, the top-level modules, `tasks`), then checks the
floors in pyproject's `[tool.travelcrm.coverage-floors]`: `services` is every domain's
`services.py` together; any other key is one file. Exits 1 when a floor is not met."""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[1]


def _package(path: str) -> str:
    parts = Path(path).parts
    if parts[0] == "travelcrm" and len(parts) > 2:
        return f"travelcrm/{parts[1]}"
    if parts[0] == "travelcrm":
        return "travelcrm (top level)"
    return parts[0]


def main(data_files: list[str]) -> int:
    present = [f for f in data_files if Path(f).exists()]
    if not present:
        print(f"no coverage data in {data_files}")
        return 1
    combined = ROOT / "test-artifacts" / ".coverage.combined"
    cov = coverage.Coverage(data_file=str(combined))
    cov.combine(present, keep=True)
    cov.save()
    cov.load()
    per_package: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_file: dict[str, tuple[int, int]] = {}
    for measured in sorted(cov.get_data().measured_files()):
        relative = Path(measured).resolve().relative_to(ROOT).as_posix()
        if not relative.endswith(".py"):
            continue  # Jinja templates are compiled under their own names: not Python
        _name, statements, _excluded, missing, _text = cov.analysis2(measured)
        per_file[relative] = (len(statements), len(missing))
        totals = per_package[_package(relative)]
        totals[0] += len(statements)
        totals[1] += len(missing)

    def percent(statements: int, missed: int) -> float:
        return 100.0 * (statements - missed) / statements if statements else 100.0

    print(f"\n{'package':<34}{'statements':>11}{'missed':>8}{'cover':>8}")
    all_statements = all_missed = 0
    for package, (statements, missed) in sorted(per_package.items()):
        all_statements += statements
        all_missed += missed
        print(f"{package:<34}{statements:>11}{missed:>8}{percent(statements, missed):>7.1f}%")
    print(
        f"{'total':<34}{all_statements:>11}{all_missed:>8}"
        f"{percent(all_statements, all_missed):>7.1f}%"
    )

    floors = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["travelcrm"][
        "coverage-floors"
    ]
    failed = []
    for key, floor in floors.items():
        if key == "services":
            chosen = [v for f, v in per_file.items() if f.endswith("/services.py")]
        else:
            chosen = [per_file[key]] if key in per_file else [(1, 1)]
        statements = sum(s for s, _ in chosen)
        missed = sum(m for _, m in chosen)
        got = percent(statements, missed)
        verdict = "ok" if got >= floor else "BELOW THE FLOOR"
        print(f"floor {key}: {got:.1f}% (at least {floor}%) {verdict}")
        if got < floor:
            failed.append(key)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
