"""Rate sheet imports and exports over REST.

`POST /api/rate-lists/{id}/imports` takes the supplier's file (multipart, up to 50 MB, refused
by its Content-Length before the body is read), a mapping (or the supplier's saved template, or
the suggested one), a `sheet` and `dry_run`; small files answer with the report at once, large
ones with 202 and the import to poll (`GET /api/rate-imports/{id}`: status, progress, report).
When the mapping leaves a required field unmapped the file is still staged: 201 with the
preview, the suggested mapping and `unmapped_required`; `PUT /api/rate-imports/{id}/mapping`
completes it, then `POST .../dry-run` or `.../commit` (both 422 while fields are unmapped).
"""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, problem_responses
from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.core.jsondepth import check_depth
from travelcrm.db import tenant_scope
from travelcrm.ratesheets import export
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus, RateImport
from travelcrm.ratesheets.reading import MAX_FILE_BYTES, SheetRejectedError
from travelcrm.ratesheets.schemas import (
    ColumnPublic,
    CommitIn,
    DryRunIn,
    ImportMapping,
    RateImportPublic,
    SheetPreviewPublic,
    SheetScorePublic,
    StagedImportPublic,
)

router = APIRouter(prefix="/api", tags=["rate sheets"])
QUEUED: dict[int | str, dict[str, Any]] = {
    202: {"description": "Queued: poll the import", "model": Envelope[RateImportPublic]}
}
MULTIPART_OVERHEAD = 64 * 1024

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV, XLSX or XLS, up to 50 MB",
                        },
                        "mapping": {
                            "type": "string",
                            "description": "an ImportMapping as JSON; default: the supplier's "
                            "saved template, else the suggested mapping",
                        },
                        "sheet": {
                            "type": "string",
                            "maxLength": 100,
                            "description": "the workbook's sheet to read; default: the "
                            "mapping's, else the sheet that looks most like a rate table",
                        },
                        "dry_run": {"type": "boolean", "default": True},
                        "replace_draft": {"type": "boolean", "default": False},
                    },
                }
            }
        },
    }
}


def _public(item: RateImport) -> RateImportPublic:
    return RateImportPublic.model_validate(item)


def _started(done: RateImport, response: Response) -> dict[str, Any]:
    """A dry run or commit just started: the import, with 202 while a worker has it queued."""
    if done.status == ImportStatus.QUEUED.value:
        response.status_code = 202
    return envelope(_public(done))


def _flag(value: Any, name: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValidationFailedError(
        f"{name} must be true or false.", errors=[FieldError(name, "true or false", "bool")]
    )


def _mapping(value: Any) -> ImportMapping | None:
    if value is None or value == "":
        return None
    check_depth(str(value), field="mapping")  # json.loads recurses once per level
    try:
        return ImportMapping.model_validate(json.loads(str(value)))
    except (ValueError, ValidationError) as exc:
        raise ValidationFailedError(
            f"The mapping is not valid: {str(exc).splitlines()[0]}",
            errors=[FieldError("mapping", "not a valid mapping", "invalid")],
        ) from None


async def _receive(request: Request) -> tuple[Path, str, dict[str, Any]]:
    """The uploaded file in a temporary file (bounded: refused by Content-Length before the
    body is read, and by counting while it is copied) and the other form fields."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_FILE_BYTES + MULTIPART_OVERHEAD:
        raise SheetRejectedError(
            f"The file is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit.", code="too_large"
        )
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:
        raise ValidationFailedError(
            "Send the file as multipart/form-data with a 'file' field.",
            errors=[FieldError("file", "is required", "required")],
        ) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailedError(
                "Send the file as multipart/form-data with a 'file' field.",
                errors=[FieldError("file", "is required", "required")],
            )
        handle = tempfile.NamedTemporaryFile(prefix="travelcrm-upload-", delete=False)  # noqa: SIM115
        size = 0
        try:
            with handle:
                while chunk := await upload.read(1024 * 1024):
                    size += len(chunk)
                    if size > MAX_FILE_BYTES:
                        raise SheetRejectedError(
                            f"The file is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit.",
                            code="too_large",
                        )
                    handle.write(chunk)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        fields = {k: v for k, v in form.items() if k != "file" and isinstance(v, str)}
        return Path(handle.name), upload.filename or "upload", fields
    finally:
        await form.close()


def _sheet_name(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) > 100:
        raise ValidationFailedError(
            "The sheet name is too long.",
            errors=[FieldError("sheet", "at most 100 characters", "too_long")],
        )
    return text


def _preview_public(found: sheets.SheetPreview) -> SheetPreviewPublic:
    return SheetPreviewPublic(
        sheets=found.sheets,
        sheet=found.sheet,
        sheet_scores=[
            SheetScorePublic(
                name=s.name,
                score=s.score,
                header_row=s.header_row,
                known_headers=s.known_headers,
                numeric_share=s.numeric_share,
                data_rows=s.data_rows,
            )
            for s in found.scores
        ],
        header_row=found.header_row,
        rows=found.rows,
        columns=[
            ColumnPublic(index=c.index, header=c.header, samples=c.samples) for c in found.columns
        ],
        suggested=found.suggested,
        from_template=found.from_template,
        unmapped_required=found.unmapped_required,
        encoding=found.encoding,
        delimiter=found.delimiter,
    )


def _staged_public(staged: sheets.Staged) -> StagedImportPublic:
    return StagedImportPublic(
        **_public(staged.item).model_dump(),
        preview=_preview_public(staged.preview),
        mapping=staged.mapping,
        unmapped_required=staged.unmapped_required,
    )


@router.post(
    "/rate-lists/{rate_list_id}/imports",
    response_model=Envelope[StagedImportPublic],
    status_code=200,
    responses={
        201: {
            "description": "Staged: required fields are unmapped (see unmapped_required); "
            "complete the mapping, then dry-run or commit",
            "model": Envelope[StagedImportPublic],
        },
        202: {"description": "Queued: poll the import", "model": Envelope[StagedImportPublic]},
        **WRITE,
    },
    openapi_extra=_UPLOAD_BODY,
    summary="Import a supplier's sheet into a rate list (dry run by default)",
)
async def create_import(
    rate_list_id: uuid.UUID, request: Request, identity: Who, response: Response
) -> dict[str, Any]:
    path, file_name, fields = await _receive(request)
    dry_run = _flag(fields.get("dry_run"), "dry_run", True)
    replace_draft = _flag(fields.get("replace_draft"), "replace_draft", False)
    given = _mapping(fields.get("mapping"))
    sheet = _sheet_name(fields.get("sheet"))

    def run() -> StagedImportPublic:
        ctx = identity.context
        try:
            with tenant_scope(ctx) as session:
                staged = sheets.upload(
                    session,
                    ctx,
                    rate_list_id=rate_list_id,
                    source=path,
                    file_name=file_name,
                    mapping=given,
                    sheet=sheet,
                    dry_run=dry_run,
                    replace_draft=replace_draft,
                )
                return _staged_public(staged)
        finally:
            path.unlink(missing_ok=True)

    public = await run_in_threadpool(run)
    if public.status == ImportStatus.QUEUED.value:
        response.status_code = 202
        response.headers["Location"] = f"/api/rate-imports/{public.id}"
    elif public.status == ImportStatus.STAGED.value:
        response.status_code = 201
        response.headers["Location"] = f"/api/rate-imports/{public.id}"
    return envelope(public)


@router.get(
    "/rate-imports/{import_id}/mapping",
    response_model=Envelope[StagedImportPublic],
    responses=problem_responses(401, 403, 404, 409),
    summary="The mapping an import runs with, its preview and what is still unmapped",
)
def get_mapping(import_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    staged = sheets.mapping_state(session, identity.context, import_id=import_id)
    return envelope(_staged_public(staged))


@router.put(
    "/rate-imports/{import_id}/mapping",
    response_model=Envelope[StagedImportPublic],
    responses=WRITE,
    summary="Set the mapping of a staged import (it may still leave fields unmapped)",
)
def put_mapping(
    import_id: uuid.UUID, body: ImportMapping, identity: Who, session: Db
) -> dict[str, Any]:
    sheets.set_mapping(session, identity.context, import_id=import_id, mapping=body)
    staged = sheets.mapping_state(session, identity.context, import_id=import_id)
    return envelope(_staged_public(staged))


@router.post(
    "/rate-imports/{import_id}/dry-run",
    response_model=Envelope[RateImportPublic],
    responses={**QUEUED, **WRITE},
    summary="Check a staged import (nothing stored); 422 while required fields are unmapped",
)
def dry_run_import(
    import_id: uuid.UUID, body: DryRunIn, identity: Who, session: Db, response: Response
) -> dict[str, Any]:
    done = sheets.start(
        session, identity.context, import_id=import_id, mapping=body.mapping, dry_run=True
    )
    return _started(done, response)


@router.get(
    "/rate-lists/{rate_list_id}/imports",
    response_model=Envelope[list[RateImportPublic]],
    responses=READ,
    summary="The rate list's import history, newest first",
)
def list_imports(rate_list_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    items = sheets.list_imports(session, identity.context, rate_list_id=rate_list_id)
    return envelope([_public(i) for i in items])


@router.get(
    "/rate-imports/{import_id}",
    response_model=Envelope[RateImportPublic],
    responses=READ,
    summary="An import's status, progress and report",
)
def get_import(import_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(_public(sheets.get_import(session, identity.context, import_id=import_id)))


@router.get(
    "/rate-imports/{import_id}/preview",
    response_model=Envelope[SheetPreviewPublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="The first rows of a sheet, its header row and the suggested mapping",
)
def preview_import(
    import_id: uuid.UUID,
    identity: Who,
    session: Db,
    sheet: Annotated[str | None, Query(max_length=100)] = None,
    header_row: Annotated[int | None, Query(ge=0, le=1000)] = None,
) -> dict[str, Any]:
    found = sheets.preview(
        session, identity.context, import_id=import_id, sheet=sheet, header_row=header_row
    )
    return envelope(_preview_public(found))


@router.post(
    "/rate-imports/{import_id}/commit",
    response_model=Envelope[RateImportPublic],
    responses={**QUEUED, **WRITE},
    summary="Store a checked import as a new draft version (all or nothing)",
)
def commit_import(
    import_id: uuid.UUID, body: CommitIn, identity: Who, session: Db, response: Response
) -> dict[str, Any]:
    done = sheets.start(
        session,
        identity.context,
        import_id=import_id,
        mapping=body.mapping,
        dry_run=False,
        replace_draft=body.replace_draft,
    )
    return _started(done, response)


@router.get(
    "/rate-imports/{import_id}/failing-rows",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problem_responses(401, 403, 404, 409)},
    summary="The rows that failed, as in the file, with an 'error' column (CSV)",
)
def failing_rows(import_id: uuid.UUID, identity: Who, session: Db) -> Response:
    content = sheets.failing_rows_csv(session, identity.context, import_id=import_id)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="failing-rows-{import_id}.csv"'},
    )


@router.get(
    "/rate-lists/{rate_list_id}/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        },
        **problem_responses(401, 403, 404, 422),
    },
    summary="A version as XLSX or CSV, in our layout or the supplier's saved one",
)
def export_rate_list(
    rate_list_id: uuid.UUID,
    identity: Who,
    session: Db,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    layout: Annotated[Literal["ours", "supplier"], Query()] = "ours",
    sheet_per_season: bool = False,
) -> Response:
    found = export.export_version(
        session,
        identity.context,
        rate_list_id=rate_list_id,
        version_number=version,
        file_format=format,
        layout=layout,
        sheet_per_season=sheet_per_season,
    )
    return Response(
        found.content,
        media_type=found.media_type,
        headers={"Content-Disposition": f'attachment; filename="{found.file_name}"'},
    )
