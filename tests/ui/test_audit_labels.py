"""Every audit action the services record has words on the audit page: the services' source is
read (every `action=` given to a call, every action string handed to a domain's `_audit`
helper or assigned to `action`), and each one found must be in `ACTION_WORDS`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from travelcrm.rates.models import RestrictionKind
from travelcrm.ui.pages.audit.words import ACTION_WORDS, action_words

ROOT = Path(__file__).resolve().parents[2] / "travelcrm"
ACTION = re.compile(r"^[a-z]+\.[a-z_]+$")
# actions built from a value (f-strings), with every value they can take
BUILT = {
    "rates.{}_added": {f"rates.{kind.value}_added" for kind in RestrictionKind},
    "supplier.{}_updated": {"supplier.contact_updated", "supplier.service_updated"},
}


def _strings(node: ast.AST | None) -> set[str]:
    """The action strings an expression can be: a constant, either side of `a if c else b`,
    and an f-string listed in `BUILT` (`f"rates.{data.kind.value}_added"`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value} if ACTION.match(node.value) else set()
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        assert text in BUILT, f"an audit action built as {text!r}: list its values"
        return BUILT[text]
    return set()


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "ui" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found |= _strings(keyword.value)
                name = node.func.attr if isinstance(node.func, ast.Attribute) else None
                name = node.func.id if isinstance(node.func, ast.Name) else name
                if name == "_audit":
                    for arg in node.args:
                        found |= _strings(arg)
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "action" for t in node.targets
            ):
                found |= _strings(node.value)
    return found


def test_every_recorded_action_has_words() -> None:
    recorded = recorded_actions()
    # the scan sees the actions of each domain that records any
    assert {"supplier.updated", "supplier.restored", "rates.stop_sale_added"} <= recorded
    assert {"auth.sign_in", "user.invited", "tenant.settings_changed"} <= recorded
    assert sorted(recorded - ACTION_WORDS.keys()) == []


def test_the_words_are_words() -> None:
    for action, words in ACTION_WORDS.items():
        assert "." not in words and "_" not in words and words[0].isupper(), action
    assert action_words("supplier.updated") == "Changed a supplier"
    assert action_words("thing.got_lost") == "Thing got lost"
