"""Uploaded rate sheets are kept under DATA_DIR only while an import may still need them.

A committed import's file goes an hour after the commit (its lines are stored; the history
keeps the file's name, checksum and counts), one not run for `UPLOAD_RETENTION_DAYS` goes (its
import then says to upload the file again), and so does a file no import names (an upload
whose transaction failed) once it is a day old. Run hourly by the job worker, agency by
agency, each in its own scope.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import session_scope, tenant_scope
from travelcrm.ratesheets import services
from travelcrm.ratesheets.models import ImportStatus, RateImport
from travelcrm.settings import get_settings
from travelcrm.tenants.models import Tenant

COMMITTED_KEPT_FOR = timedelta(hours=1)
# a file no import names is left this long: its upload's transaction may still be open
ORPHAN_AFTER = timedelta(days=1)
# what a run still needs: its file stays whatever its age
_IN_USE = frozenset({ImportStatus.QUEUED.value, ImportStatus.RUNNING.value})


@dataclass(frozen=True)
class Forgotten:
    files: int = 0
    bytes: int = 0

    def __add__(self, other: Forgotten) -> Forgotten:
        return Forgotten(self.files + other.files, self.bytes + other.bytes)


def _remove(path: Path) -> Forgotten:
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return Forgotten()
    return Forgotten(1, size)


def forget_uploads(
    session: Session, ctx: TenantContext, *, now: datetime | None = None
) -> Forgotten:
    """Remove the agency's uploads that no import needs any more (see the module); an import
    whose file went for its age says so in its stage."""
    require(ctx, Action.RATES_EDIT)
    now = now or utcnow()
    kept_for = timedelta(days=get_settings().upload_retention_days)
    imports = session.execute(
        sa_select(
            col(RateImport.id),
            col(RateImport.status),
            col(RateImport.stored_as),
            col(RateImport.checksum),
            col(RateImport.created_at),
            col(RateImport.finished_at),
        ).where(col(RateImport.tenant_id) == ctx.tenant_id, col(RateImport.stored_as) != "")
    ).all()  # (not the reports: an agency's history holds thousands)
    done = Forgotten()
    named: set[str] = set()  # file names (DATA_DIR may have moved since the upload)
    unused: list[uuid.UUID] = []
    for import_id, status, stored_as, checksum, created_at, finished_at in imports:
        files = services.upload_files(stored_as)
        upload = files[0]
        named.update(path.name for path in files)
        if status in _IN_USE or not upload.exists():
            continue
        committed = status == ImportStatus.COMMITTED.value
        last_used = as_utc(finished_at or created_at)
        if last_used > now - (COMMITTED_KEPT_FOR if committed else kept_for):
            continue
        services.forget_workbook(stored_as, checksum)
        for path in files:
            done += _remove(path)
        if not committed:
            unused.append(import_id)
    if unused:
        session.execute(
            update(RateImport)
            .where(col(RateImport.tenant_id) == ctx.tenant_id, col(RateImport.id).in_(unused))
            .values(stage=f"file removed after {kept_for.days} days unused; upload it again")
        )
    folder = services.upload_dir(ctx.tenant_id)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name in named or not path.is_file():
                continue
            changed = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if changed < now - ORPHAN_AFTER:
                done += _remove(path)
    return done


def forget_all_uploads(*, now: datetime | None = None) -> Forgotten:
    """`forget_uploads` for every agency, each in its own unit of work."""
    with session_scope() as session:
        agencies = session.exec(select(Tenant.id)).all()
    done = Forgotten()
    for tenant_id in agencies:
        ctx = TenantContext(tenant_id, None, Role.OWNER)  # the system, acting for the agency
        with tenant_scope(ctx) as session:
            done += forget_uploads(session, ctx, now=now)
    return done
