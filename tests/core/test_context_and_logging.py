from __future__ import annotations

import io
import json
import logging

import pytest

from travelcrm.core.context import bound, new_request_id, request_id_var, valid_request_id
from travelcrm.core.logging import configure_logging, redact


@pytest.mark.parametrize(
    "value",
    ["abc", "A1-b2_c3.d4:e5/f6+g7=h8", "x" * 128, "0d4e2c9b-7a57-4b8e-9f43-3c8a3e0c1b2f"],
)
def test_valid_request_ids_are_kept(value: str) -> None:
    assert valid_request_id(value)


@pytest.mark.parametrize(
    "value", [None, "", "x" * 129, "has space", "new\nline", "<script>", "ünïcode", "-leading"]
)
def test_invalid_request_ids_are_refused(value: str | None) -> None:
    assert not valid_request_id(value)


def test_generated_request_ids_are_valid_and_unique() -> None:
    ids = {new_request_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(valid_request_id(i) for i in ids)


def test_bound_restores_previous_values() -> None:
    with bound(request_id="outer"):
        with bound(request_id="inner", tenant_id="t1"):
            assert request_id_var.get() == "inner"
        assert request_id_var.get() == "outer"
    assert request_id_var.get() is None


def test_json_log_lines_carry_request_tenant_and_user_and_hide_passwords() -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=stream)
    try:
        with bound(request_id="req-1", tenant_id="tenant-9", user_id="user-3"):
            logging.getLogger("travelcrm.test").info(
                "connecting to %s", "postgresql://app:pa55@db/crm", extra={"rows": 3}
            )
        lines = stream.getvalue().strip().splitlines()
        assert len(lines) == 1
        record = json.loads(lines[0])
        assert record["request_id"] == "req-1"
        assert record["tenant_id"] == "tenant-9"
        assert record["user_id"] == "user-3"
        assert record["rows"] == 3
        assert record["level"] == "info"
        assert "pa55" not in lines[0]
        assert "postgresql://app:***@db/crm" in record["msg"]
    finally:
        configure_logging(level="WARNING", fmt="text")


def test_text_log_lines_are_readable_with_ids() -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="text", stream=stream)
    try:
        with bound(request_id="req-2"):
            logging.getLogger("travelcrm.test").warning("hello")
        line = stream.getvalue()
        assert "WARNING" in line
        assert "req=req-2" in line
        assert "hello" in line
        assert not line.startswith("{")
    finally:
        configure_logging(level="WARNING", fmt="text")


def test_redact_handles_several_urls() -> None:
    text = "a redis://:tok@r:6379/0 b postgresql+psycopg://u:p@h/d"
    assert redact(text) == "a redis://:***@r:6379/0 b postgresql+psycopg://u:***@h/d"


@pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "lone\udc8fsurrogate", "del\x7f"])
def test_clean_text_refuses_what_cannot_be_stored(bad: str) -> None:
    from travelcrm.core.text import clean_text

    with pytest.raises(ValueError):
        clean_text(bad)
    assert clean_text("Goa,\tKerala\r\nमुंबई ✈") == "Goa,\tKerala\r\nमुंबई ✈"
