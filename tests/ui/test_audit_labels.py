"""Every audit action the services record has words on the audit page."""

from __future__ import annotations

import re
from pathlib import Path

from travelcrm.ui.pages.audit.state import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2] / "travelcrm"


def test_every_recorded_action_has_a_label() -> None:
    recorded: set[str] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', text))
        recorded |= set(re.findall(r'^\s+"(supplier\.[a-z_]+)"', text, flags=re.MULTILINE))
        if 'action=f"rates.{data.kind.value}_added"' in text:
            recorded |= {"rates.blackout_added", "rates.stop_sale_added"}
    assert recorded, "the scan found no audit actions"
    assert sorted(recorded - ACTION_LABELS.keys()) == []
