"""requirements.lock is what `make install` and CI install (with hashes): every dependency
pinned in pyproject.toml must stand in it at the same version, or the lock is stale (`make
lock` makes it again)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_pins_every_dependency_of_pyproject_at_its_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    locked = {
        match.group(1).lower().replace("_", "-"): match.group(2)
        for match in re.finditer(
            r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+) \\$",
            (ROOT / "requirements.lock").read_text(),
            re.M,
        )
    }
    assert len(locked) > len(wanted)  # the lock also pins what they need
    stale = []
    for requirement in wanted:
        pinned = re.search(r"==([^;,\s]+)", requirement)
        if pinned is None:
            stale.append(f"{requirement} (not pinned in pyproject.toml)")
        elif locked.get(_name(requirement)) != pinned.group(1):
            stale.append(f"{requirement} (lock: {locked.get(_name(requirement))})")
    assert stale == [], f"requirements.lock is stale, run `make lock`: {stale}"
