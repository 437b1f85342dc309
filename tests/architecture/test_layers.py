"""The layers that import-linter cannot see (the import contract itself is `make lint`):

- screens, routes and jobs reach the database only through services: no session calls there;
- no domain writes another domain's tables: a domain's code never builds another's rows nor
  runs INSERT/UPDATE/DELETE on another's models; it asks that domain's services.

Both read the source (ast), so they cover code no test happens to run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "travelcrm"
DOMAINS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "models.py").exists())
SESSION_CALLS = {
    "exec",
    "execute",
    "get",
    "add",
    "add_all",
    "delete",
    "merge",
    "scalar",
    "scalars",
    "query",
    "flush",
    "connection",
}
DML = {"insert", "update", "delete", "insert_for"}


def _python_files(*folders: Path) -> list[Path]:
    return sorted(f for folder in folders for f in folder.rglob("*.py"))


def _delivery_files() -> list[Path]:
    files = _python_files(PACKAGE / "ui", ROOT / "tasks")
    files += [
        PACKAGE / domain / "api.py" for domain in DOMAINS if (PACKAGE / domain / "api.py").exists()
    ]
    return files


def _session_calls(tree: ast.AST) -> list[tuple[int, str]]:
    return [
        (node.lineno, f"{node.func.value.id}.{node.func.attr}(...)")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SESSION_CALLS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"session", "db_session", "db"}
    ]


@pytest.mark.parametrize("path", _delivery_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_delivery_code_queries_only_through_services(path: Path) -> None:
    calls = _session_calls(ast.parse(path.read_text(), str(path)))
    assert calls == [], f"{path.relative_to(ROOT)} works the session itself: {calls}"


def _foreign_models(tree: ast.AST, domain: str) -> dict[str, str]:
    """Names bound to another domain's models module or its classes: name -> owning domain."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        parts = node.module.split(".")
        if parts[0] != "travelcrm" or len(parts) < 2 or parts[1] == domain:
            continue
        if parts[1] in DOMAINS and parts[-1] == "models":
            for alias in node.names:
                names[alias.asname or alias.name] = parts[1]
    return names


def _writes(tree: ast.AST, foreign: dict[str, str]) -> list[tuple[int, str]]:
    def model_name(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name) and node.id in foreign:
            return node.id
        if isinstance(node, ast.Attribute):  # Model.__table__
            return model_name(node.value)
        return None

    def mentions_foreign(node: ast.AST) -> str | None:
        for inner in ast.walk(node):
            name = model_name(inner) if isinstance(inner, ast.Name) else None
            if name:
                return name
        return None

    # rows of another domain read into a name (`for q in session.exec(select(Query))`,
    # `q = session.get(Query, id)`): changing their attributes writes that domain's table
    loaded: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            name = mentions_foreign(node.iter)
            if name:
                loaded[node.target.id] = name
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            name = mentions_foreign(node.value)
            if name and not (isinstance(node.value.func, ast.Name) and node.value.func.id == name):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        loaded[target.id] = name

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in loaded
                ):
                    model = loaded[target.value.id]
                    found.append(
                        (node.lineno, f"sets {model}.{target.attr} ({foreign[model]}'s table)")
                    )
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = model_name(func) if isinstance(func, ast.Name) else None
        if name and name[:1].isupper() and not name.isupper():
            found.append((node.lineno, f"builds a {name} row ({foreign[name]}'s table)"))
            continue
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called in DML:
            for arg in node.args:
                target = model_name(arg)
                if target:
                    found.append((node.lineno, f"{called}({target}) on {foreign[target]}'s table"))
    return found


def _domain_files() -> list[tuple[str, Path]]:
    return [
        (domain, path)
        for domain in DOMAINS
        for path in _python_files(PACKAGE / domain)
        if path.name != "api.py"
    ]


@pytest.mark.parametrize(
    ("domain", "path"), _domain_files(), ids=lambda v: v if isinstance(v, str) else v.name
)
def test_no_domain_writes_another_domains_tables(domain: str, path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    writes = _writes(tree, _foreign_models(tree, domain))
    assert writes == [], f"{path.relative_to(ROOT)} writes another domain's tables: {writes}"


def test_the_checks_see_a_write_and_a_session_call() -> None:
    """The detectors themselves: a foreign row built, a foreign UPDATE, a session call."""
    source = (
        "from travelcrm.queries.models import Query, QueryStatus\n"
        "from sqlmodel import update\n"
        "def f(session):\n"
        "    session.add(Query(number=1))\n"
        "    session.exec(update(Query).values(status=QueryStatus.NEW))\n"
        "    for query in session.exec(select(Query)):\n"
        "        query.customer_id = None\n"
    )
    tree = ast.parse(source)
    writes = _writes(tree, _foreign_models(tree, "customers"))
    assert sorted(line for line, _ in writes) == [4, 5, 7]
    assert _writes(tree, _foreign_models(tree, "queries")) == []
    assert [line for line, _ in _session_calls(tree)] == [4, 5, 6]


# pages anyone may open (signing in, links from email, the development outbox)
PUBLIC_PAGES = {"auth", "outbox"}


def test_every_staff_page_is_registered_through_staff_page() -> None:
    """`staff_page` checks the session first and lights the sidebar; a page registered with
    `rx.page` directly skips both. Only the public pages may."""
    direct = []
    for path in _python_files(PACKAGE / "ui" / "pages"):
        if path.relative_to(PACKAGE / "ui" / "pages").parts[0] in PUBLIC_PAGES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            func = node.func if isinstance(node, ast.Call) else None
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "page"
                and isinstance(func.value, ast.Name)
                and func.value.id == "rx"
            ):
                direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert direct == [], f"registered with rx.page, not staff_page: {direct}"
