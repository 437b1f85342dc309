"""The API conventions every later route follows, exercised on a router that exists only here."""

from __future__ import annotations

import threading
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.core.clock import utcnow
from travelcrm.core.idempotency import IdempotencyRecord, purge_expired


def _post(client: TestClient, key: str | None, body: dict, **headers: str):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/test-widgets", json=body, headers=headers)


# ---- Idempotency-Key ----------------------------------------------------------------------


def test_same_key_and_body_replays_the_stored_response(client: TestClient, store) -> None:
    first = _post(client, "key-replay-1", {"name": "Deluxe", "price": 10})
    second = _post(client, "key-replay-1", {"name": "Deluxe", "price": 10})
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.json()["data"] == first.json()["data"]
    assert second.headers["location"] == first.headers["location"]
    assert store.creates == 1
    # each delivery still gets its own request id
    assert second.headers["x-request-id"] != first.headers["x-request-id"]


def test_without_a_key_every_post_runs(client: TestClient, store) -> None:
    _post(client, None, {"name": "A", "price": 1})
    _post(client, None, {"name": "A", "price": 1})
    assert store.creates == 2


def test_same_key_different_body_is_422(client: TestClient, store) -> None:
    assert _post(client, "key-reuse-1", {"name": "A", "price": 1}).status_code == 201
    response = _post(client, "key-reuse-1", {"name": "B", "price": 1})
    assert_problem(response, 422, "idempotency_key_reused")
    assert store.creates == 1


def test_keys_are_scoped_to_the_caller(client: TestClient, store) -> None:
    _post(client, "shared-key", {"name": "A", "price": 1}, Authorization="Bearer alice")
    other = _post(client, "shared-key", {"name": "A", "price": 1}, Authorization="Bearer bob")
    assert "Idempotent-Replayed" not in other.headers
    assert store.creates == 2


def test_second_request_while_first_runs_is_409(migrated_engine, store) -> None:
    from tests.api.conftest import make_widget_router
    from travelcrm.api.app import create_api

    app = create_api(extra_routers=[make_widget_router(store)])
    store.gate.clear()
    results: dict[str, object] = {}

    def first() -> None:
        with TestClient(app) as c:
            results["first"] = _post(c, "key-busy-1", {"name": "Slow", "price": 5})

    thread = threading.Thread(target=first)
    thread.start()
    assert store.entered.wait(timeout=10)
    with TestClient(app) as c:
        busy = _post(c, "key-busy-1", {"name": "Slow", "price": 5})
    store.gate.set()
    thread.join(timeout=10)
    assert_problem(busy, 409, "idempotency_in_progress")
    assert busy.headers["retry-after"] == "1"
    assert results["first"].status_code == 201  # type: ignore[attr-defined]
    with TestClient(app) as c:
        replay = _post(c, "key-busy-1", {"name": "Slow", "price": 5})
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert store.creates == 1


def test_server_errors_are_not_stored_so_retries_run_again(client: TestClient, store) -> None:
    for _ in range(2):
        response = client.post("/api/test-widgets/explode", headers={"Idempotency-Key": "k-500"})
        assert response.status_code == 500
        assert "Idempotent-Replayed" not in response.headers
    assert store.creates == 2


def test_invalid_key_is_400(client: TestClient) -> None:
    response = _post(client, "x" * 256, {"name": "A", "price": 1})
    assert_problem(response, 400, "invalid_idempotency_key")


def test_expired_records_are_ignored_and_purged(
    client: TestClient, store, session: Session
) -> None:
    _post(client, "key-old-1", {"name": "A", "price": 1})
    for record in session.exec(select(IdempotencyRecord)).all():
        record.expires_at = utcnow() - timedelta(seconds=1)
        session.add(record)
    session.commit()
    again = _post(client, "key-old-1", {"name": "A", "price": 1})
    assert "Idempotent-Replayed" not in again.headers
    assert store.creates == 2
    for record in session.exec(select(IdempotencyRecord)).all():
        record.expires_at = utcnow() - timedelta(seconds=1)
        session.add(record)
    session.commit()
    assert purge_expired(session) >= 1
    session.commit()
    assert session.exec(select(IdempotencyRecord)).all() == []


# ---- cursor pagination ----------------------------------------------------------------------


def test_cursor_pagination_walks_every_row_once(client: TestClient, store) -> None:
    for i in range(7):
        _post(client, None, {"name": f"W{i}", "price": i})
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/test-widgets", params=params).json()
        seen += [w["id"] for w in body["data"]]
        pages += 1
        cursor = body["meta"]["next_cursor"]
        assert body["meta"]["limit"] == 3
        if cursor is None:
            break
    assert seen == list(range(1, 8))
    assert pages == 3


def test_limit_is_capped_at_the_server_maximum(client: TestClient, store) -> None:
    body = client.get("/api/test-widgets", params={"limit": 100_000}).json()
    assert body["meta"]["limit"] == 200


def test_tampered_cursor_is_refused(client: TestClient, store) -> None:
    for i in range(3):
        _post(client, None, {"name": f"W{i}", "price": i})
    cursor = client.get("/api/test-widgets", params={"limit": 1}).json()["meta"]["next_cursor"]
    forged = "WzBd." + cursor.split(".")[1]  # base64 of [0] with the old signature
    body = assert_problem(
        client.get("/api/test-widgets", params={"cursor": forged}), 422, "validation_failed"
    )
    assert body["errors"][0]["field"] == "cursor"
    assert_problem(
        client.get("/api/test-widgets", params={"cursor": "%%%"}), 422, "validation_failed"
    )


# ---- ETag / If-Match ------------------------------------------------------------------------


def test_etag_and_conditional_get(client: TestClient, store) -> None:
    _post(client, None, {"name": "A", "price": 1})
    response = client.get("/api/test-widgets/1")
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert client.get("/api/test-widgets/1", headers={"If-None-Match": etag}).status_code == 304


def test_if_match_refuses_a_stale_update(client: TestClient, store) -> None:
    _post(client, None, {"name": "A", "price": 1})
    etag = client.get("/api/test-widgets/1").headers["etag"]
    ok = client.patch("/api/test-widgets/1", json={"price": 2}, headers={"If-Match": etag})
    assert ok.status_code == 200
    assert ok.headers["etag"] != etag
    stale = client.patch("/api/test-widgets/1", json={"price": 3}, headers={"If-Match": etag})
    body = assert_problem(stale, 412, "precondition_failed")
    assert body["current_etag"] == ok.headers["etag"]
    assert store.rows[1].price == 2
    fresh = client.patch(
        "/api/test-widgets/1", json={"price": 3}, headers={"If-Match": ok.headers["etag"]}
    )
    assert fresh.status_code == 200
