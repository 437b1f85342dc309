"""Content library benchmark (issue 22's content), on PostgreSQL with row-level security.

Prints: `content_for` over the 70 services of a 14-day itinerary with 5 services a day (each
with a description and two photos), against `describe_services` on the same ids (the facts the
itinerary already reads for every service: the baseline, measured in the same run); reading one
photo's bytes (what the photo route serves); and `process_photo` of a 12-megapixel camera JPEG
against `process_avatar` of the same file.

Run: `make bench` (needs the local PostgreSQL; uses a fresh database, dropped after).
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from PIL import Image

from tests.bench.common import owner_agency, percentile, scratch_database

SERVICES = 70  # 14 days x 5 services
RUNS = 300


def _timed(fn: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(label: str, times: list[float], note: str = "") -> None:
    print(
        f"{label:<50}{statistics.median(times):>9.2f}{percentile(times, 95):>9.2f}   "
        f"{note}".rstrip()
    )


def main() -> None:
    with scratch_database():
        run()


def run() -> None:
    from travelcrm.core.images import process_avatar, process_photo
    from travelcrm.db import tenant_scope
    from travelcrm.suppliers import content
    from travelcrm.suppliers import services as suppliers
    from travelcrm.suppliers.schemas import ContentIn, ServiceIn, SupplierCreate

    ctx, _user = owner_agency("content", "Content Bench")
    small = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(small, format="PNG")
    with tenant_scope(ctx) as session:
        supplier = suppliers.create_supplier(
            session,
            ctx,
            data=SupplierCreate(
                name="Bench Resort", kind="hotel", country="IN", default_currency="INR"
            ),
        )
        ids = []
        for n in range(SERVICES):
            service = suppliers.add_service(
                session,
                ctx,
                supplier_id=supplier.id,
                data=ServiceIn(kind="other", name=f"Service {n:02d}"),
            )
            ids.append(service.id)
            content.set_content(
                session,
                ctx,
                supplier_id=supplier.id,
                service_id=service.id,
                data=ContentIn(description=f"**Service {n}**. A day out.", highlights=["One"]),
            )
            for _ in range(2):
                photo = content.add_photo(
                    session,
                    ctx,
                    supplier_id=supplier.id,
                    service_id=service.id,
                    data=small.getvalue(),
                )

    def blurbs() -> None:
        with tenant_scope(ctx) as session:
            found = suppliers.content_for(session, ctx, service_ids=ids)
        assert len(found) == SERVICES and all(len(b.photos) == 2 for b in found.values())

    def facts() -> None:
        with tenant_scope(ctx) as session:
            assert len(suppliers.describe_services(session, ctx, service_ids=ids)) == SERVICES

    def one_photo() -> None:
        with tenant_scope(ctx) as session:
            content.photo_bytes(
                session,
                ctx,
                supplier_id=supplier.id,
                service_id=ids[-1],
                photo_id=photo.id,
                size="large",
            )

    for _ in range(20):  # warm-up
        blurbs()
        facts()
        one_photo()
    content_times, facts_times, photo_times = [], [], []
    for _ in range(RUNS):
        content_times += _timed(blurbs, 1)
        facts_times += _timed(facts, 1)
        photo_times += _timed(one_photo, 1)

    camera = Image.new("RGB", (4000, 3000), (40, 120, 190))
    camera.paste((235, 210, 160), (0, 1800, 4000, 3000))
    jpeg = io.BytesIO()
    camera.save(jpeg, format="JPEG", quality=90)
    data = jpeg.getvalue()
    photo_proc = _timed(lambda: process_photo(data), 10)
    avatar_proc = _timed(lambda: process_avatar(data), 10)

    rule = "-" * 78
    print(rule)
    print(f"Content library benchmark (PostgreSQL + RLS, {SERVICES} services x 2 photos)")
    print(rule)
    print(f"{'':<50}{'p50 ms':>9}{'p95 ms':>9}")
    _line("content_for, 70 services (one query)", content_times)
    _line("describe_services, same ids (baseline)", facts_times, "(baseline)")
    ratio = percentile(content_times, 95) / percentile(facts_times, 95)
    print(f"{'  ratio p95 content_for / describe_services':<50}{ratio:>18.2f}")
    _line("one photo's bytes (1600px JPEG, tenant scope)", photo_times)
    print(f"camera JPEG {len(data) // 1024} KiB, 4000x3000:")
    _line("  process_photo (1600px + 400px thumbnail)", photo_proc)
    _line("  process_avatar, same file (baseline)", avatar_proc, "(baseline)")
    slower = statistics.median(photo_proc) / statistics.median(avatar_proc)
    print(f"{'  ratio p50 photo / avatar':<50}{slower:>18.2f}")


if __name__ == "__main__":
    main()
