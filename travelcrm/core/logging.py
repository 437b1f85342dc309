"""Logging: JSON lines in production, readable text in dev; every line carries the request,
tenant and user ids bound in `core.context`, and URLs never show their passwords."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from travelcrm.core.context import request_id_var, tenant_id_var, user_id_var

_URL_PASSWORD_RE = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)[^@\s]+@")
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)


def redact(text: str) -> str:
    """Hide the password part of any URL in the text (postgresql://user:***@host/db)."""
    return _URL_PASSWORD_RE.sub(r"\g<scheme>***@", text)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.tenant_id = tenant_id_var.get()
        record.user_id = user_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
            "tenant_id": getattr(record, "tenant_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in payload and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(ids)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = [
            f"{label}={value}"
            for label, value in (
                ("req", getattr(record, "request_id", None)),
                ("tenant", getattr(record, "tenant_id", None)),
                ("user", getattr(record, "user_id", None)),
            )
            if value
        ]
        record.ids = " ".join(ids) or "-"
        return redact(super().format(record))


def configure_logging(*, level: str, fmt: str, stream: Any = None) -> None:
    """Install one handler on the root logger (idempotent: replaces ours on a second call)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name("travelcrm")
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == "travelcrm":
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("sqlalchemy.engine", "alembic", "httpx", "httpcore", "watchfiles"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
