"""Uploaded sheets are removed once no import needs them: a committed import's an hour after
the commit, an unused one after UPLOAD_RETENTION_DAYS (its import then asks for the file
again), a file no import names after a day; a queued import's file and another agency's files
stay. Runs on SQLite and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.ratesheets.test_import import Target, _run, _stage, _staged_path, _target
from travelcrm.core.clock import utcnow
from travelcrm.core.errors import ConflictError
from travelcrm.db import tenant_scope
from travelcrm.ratesheets import retention
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus, RateImport
from travelcrm.ratesheets.schemas import ImportMapping
from travelcrm.settings import get_settings

FX = MANIFEST["transport_rajasthan.xlsx"]


def _forget(target: Target, *, days: float) -> retention.Forgotten:
    with tenant_scope(target.ctx) as session:
        return retention.forget_uploads(session, target.ctx, now=utcnow() + timedelta(days=days))


def _import(target: Target, import_id: uuid.UUID) -> RateImport:
    with tenant_scope(target.ctx) as session:
        item = sheets.get_import(session, target.ctx, import_id=import_id)
        session.expunge(item)
        return item


def _orphan(target: Target, name: str, *, age: timedelta) -> Path:
    folder = get_settings().data_dir / "imports" / str(target.ctx.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"left by an upload whose transaction failed")
    stamp = (utcnow() - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def target(migrated_engine) -> Target:
    return _target(FX)


def test_a_committed_imports_file_goes_an_hour_after_the_commit(
    target: Target, tmp_path: Path
) -> None:
    mapping = ImportMapping.model_validate(FX.mapping)
    import_id = _stage(target, FX, tmp_path)
    staged = _staged_path(target, import_id)
    assert _run(target, import_id, mapping, dry_run=False).status == ImportStatus.COMMITTED
    assert _forget(target, days=0).files == 0  # just committed
    assert staged.exists()
    done = _forget(target, days=1 / 24 + 0.001)
    assert not staged.exists()
    assert done.files == 1 and done.bytes == FX.path.stat().st_size
    # the history keeps what it recorded
    item = _import(target, import_id)
    assert item.status == ImportStatus.COMMITTED and item.checksum
    assert item.stage.startswith("stored")


def test_an_unused_upload_goes_after_the_retention_and_its_import_asks_for_it_again(
    target: Target, tmp_path: Path
) -> None:
    mapping = ImportMapping.model_validate(FX.mapping)
    import_id = _stage(target, FX, tmp_path)
    assert _run(target, import_id, mapping, dry_run=True).status == ImportStatus.CHECKED
    staged = _staged_path(target, import_id)
    kept = Path(f"{staged}.checked")
    assert kept.exists()
    assert _forget(target, days=6.9).files == 0
    assert staged.exists() and kept.exists()
    assert _forget(target, days=7.1).files == 2  # the upload and its kept dry run
    assert not staged.exists() and not kept.exists()
    assert "upload it again" in _import(target, import_id).stage
    with pytest.raises(ConflictError, match="upload it again"):
        _run(target, import_id, mapping, dry_run=False)


def test_a_queued_imports_file_stays_whatever_its_age(target: Target, tmp_path: Path) -> None:
    import_id = _stage(target, FX, tmp_path)
    with tenant_scope(target.ctx) as session:
        item = sheets.get_import(session, target.ctx, import_id=import_id)
        item.status = ImportStatus.QUEUED.value
        session.add(item)
    assert _forget(target, days=400).files == 0
    assert _staged_path(target, import_id).exists()


def test_a_file_no_import_names_goes_after_a_day(target: Target, tmp_path: Path) -> None:
    old = _orphan(target, f"{uuid.uuid4()}.xlsx", age=timedelta(days=2))
    kept_old = _orphan(target, f"{uuid.uuid4()}.xlsx.checked", age=timedelta(days=2))
    fresh = _orphan(target, f"{uuid.uuid4()}.csv", age=timedelta(hours=2))
    done = retention.forget_all_uploads()  # the hourly job: every agency
    assert done.files >= 2
    assert not old.exists() and not kept_old.exists()
    assert fresh.exists()


def test_another_agencys_uploads_are_not_touched(target: Target, tmp_path: Path) -> None:
    theirs = _target(FX)
    their_import = _stage(theirs, FX, tmp_path)
    their_orphan = _orphan(theirs, f"{uuid.uuid4()}.xlsx", age=timedelta(days=30))
    _stage(target, FX, tmp_path)
    assert _forget(target, days=30).files == 1  # ours
    assert _staged_path(theirs, their_import).exists()
    assert their_orphan.exists()
