"""The one settings object. Every knob is read here, once, from the environment (and `.env`).

At start every invalid or missing value is reported together in one message that names the
variable, what is wrong and an example of a good value.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
MIN_SECRET_KEY_LENGTH = 32

Env = Literal["dev", "test", "prod"]


class SettingsError(RuntimeError):
    """Raised at start when the configuration is invalid; the message lists every problem."""


def _example(value: str) -> dict[str, Any]:
    return {"examples": [value]}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    app_env: Annotated[Env, Field(json_schema_extra=_example("prod"))] = "dev"
    secret_key: Annotated[
        SecretStr,
        Field(
            json_schema_extra=_example(
                "output of: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        ),
    ] = SecretStr(DEV_SECRET_KEY)
    data_dir: Annotated[Path, Field(json_schema_extra=_example("/var/lib/travelcrm"))] = (
        PROJECT_ROOT / "data"
    )
    database_url: Annotated[
        str,
        Field(
            json_schema_extra=_example("postgresql+psycopg://travelcrm:secret@db:5432/travelcrm")
        ),
    ] = ""
    # Per process: connections kept open, extra ones opened under load, and how long a unit
    # of work waits for a free one before the caller is told the server is busy (503).
    db_pool_size: Annotated[int, Field(ge=1, le=200, json_schema_extra=_example("10"))] = 10
    db_max_overflow: Annotated[int, Field(ge=0, le=200, json_schema_extra=_example("10"))] = 10
    db_pool_timeout: Annotated[float, Field(ge=0.01, le=60, json_schema_extra=_example("2"))] = 2.0
    # How long a statement waits for another transaction's lock (SQLite busy_timeout,
    # PostgreSQL lock_timeout of the app role) before the caller is told to retry (503).
    db_lock_timeout: Annotated[float, Field(ge=0.01, le=600, json_schema_extra=_example("10"))] = (
        10.0
    )
    # Admission control for /api, per web process: requests handled at once (unset: the pool
    # size, which leaves the overflow to page events, readiness and the job hooks), how long
    # an extra request may queue for a turn, and the Retry-After of a 503.
    web_max_inflight: Annotated[
        int | None, Field(ge=1, le=1000, json_schema_extra=_example("10"))
    ] = None
    web_queue_timeout: Annotated[float, Field(ge=0, le=30, json_schema_extra=_example("0.5"))] = 0.5
    web_retry_after_seconds: Annotated[
        int, Field(ge=1, le=300, json_schema_extra=_example("1"))
    ] = 1
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or
    # networks, comma-separated; "*" any). Unset: the headers are ignored.
    forwarded_allow_ips: Annotated[
        str | None, Field(json_schema_extra=_example("127.0.0.1,10.0.0.0/8"))
    ] = None
    redis_url: Annotated[
        str | None, Field(json_schema_extra=_example("redis://127.0.0.1:6379/0"))
    ] = None
    reflex_redis_url: Annotated[
        str | None, Field(json_schema_extra=_example("redis://127.0.0.1:6379/1"))
    ] = None
    # Web worker processes. Unset: one per CPU core when page state is kept in Redis
    # (REFLEX_REDIS_URL), else 1: without Redis a tab's page state lives in its worker's memory.
    web_workers: Annotated[int | None, Field(ge=1, le=64, json_schema_extra=_example("2"))] = None
    # A browser tab's page state idle this long is dropped (the tab then starts afresh).
    ui_state_idle_hours: Annotated[float, Field(gt=0, le=720, json_schema_extra=_example("8"))] = (
        8.0
    )
    huey_immediate: Annotated[bool, Field(json_schema_extra=_example("false"))] = False
    huey_name: Annotated[str, Field(min_length=1, json_schema_extra=_example("travelcrm"))] = (
        "travelcrm"
    )
    task_retries: Annotated[int, Field(ge=0, le=20, json_schema_extra=_example("3"))] = 3
    task_retry_delay: Annotated[float, Field(ge=0, le=3600, json_schema_extra=_example("10"))] = (
        10.0
    )
    task_retry_backoff: Annotated[float, Field(ge=1, le=10, json_schema_extra=_example("2"))] = 2.0
    worker_stale_after_seconds: Annotated[
        int, Field(ge=10, le=86400, json_schema_extra=_example("180"))
    ] = 180
    ready_cache_seconds: Annotated[float, Field(ge=0, le=60, json_schema_extra=_example("1"))] = 1.0
    # how long a cached price lookup may be reused at most (a change voids it at once); 0: off
    cache_ttl_seconds: Annotated[
        float, Field(ge=0, le=86400, json_schema_extra=_example("300"))
    ] = 300.0
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], Field(json_schema_extra=_example("INFO"))
    ] = "INFO"
    log_format: Annotated[
        Literal["json", "text"] | None, Field(json_schema_extra=_example("json"))
    ] = None
    host: Annotated[str, Field(min_length=1, json_schema_extra=_example("0.0.0.0"))] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535, json_schema_extra=_example("3000"))] = 3000
    api_page_limit_default: Annotated[int, Field(ge=1, le=1000)] = 50
    api_page_limit_max: Annotated[int, Field(ge=1, le=1000)] = 200
    idempotency_ttl_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 24
    # Argon2id: 64 MiB, 2 passes, 2 lanes is about 120 ms a hash on the reference machine.
    argon2_time_cost: Annotated[int, Field(ge=1, le=10)] = 2
    argon2_memory_kib: Annotated[int, Field(ge=8, le=1_048_576)] = 65_536
    argon2_parallelism: Annotated[int, Field(ge=1, le=16)] = 2
    login_max_failures: Annotated[int, Field(ge=1, le=100)] = 5
    login_lock_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    session_days: Annotated[int, Field(ge=1, le=365)] = 14
    # an uploaded rate sheet not run for this long is removed (a committed one an hour after)
    upload_retention_days: Annotated[int, Field(ge=1, le=3650)] = 7
    access_token_minutes: Annotated[int, Field(ge=1, le=60)] = 15
    refresh_token_days: Annotated[int, Field(ge=1, le=90)] = 30
    # Signing keys for API tokens, "kid:secret,kid:secret"; the first signs, all verify (rotation).
    # Unset: one key derived from SECRET_KEY.
    jwt_keys: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("2026-11:<48 random chars>"))
    ] = None
    # Keys that encrypt data at rest (bank details), "kid:secret,kid:secret": the first encrypts,
    # all decrypt; `manage rotate-keys` re-encrypts every stored value with the first. Unset:
    # one key, id "v1", derived from SECRET_KEY (to change SECRET_KEY, first list the old one
    # here as "v1:<old SECRET_KEY>" behind a new key, then rotate).
    data_keys: Annotated[
        SecretStr | None, Field(json_schema_extra=_example("2027-01:<48 random chars>"))
    ] = None
    # Outgoing mail. Unset: messages are kept in the outbox only (the dev outbox page lists them).
    smtp_url: Annotated[
        SecretStr | None,
        Field(json_schema_extra=_example("smtp+starttls://user:password@smtp.example.com:587")),
    ] = None
    mail_from: Annotated[
        str, Field(min_length=3, json_schema_extra=_example("Sunrise CRM <crm@example.com>"))
    ] = "TravelCRM <no-reply@travelcrm.localhost>"
    smtp_timeout_seconds: Annotated[float, Field(ge=1, le=120)] = 15.0
    # Where links in emails point; unset: http://HOST:PORT.
    public_url: Annotated[
        str | None, Field(json_schema_extra=_example("https://crm.example.com"))
    ] = None
    # Agencies on subdomains (acme.BASE_DOMAIN); unset: the /t/<slug>/ path prefix.
    base_domain: Annotated[str | None, Field(json_schema_extra=_example("example.com"))] = None
    git_commit: str | None = None
    build_time: str | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value:
            return value
        if not value.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError(
                "must start with sqlite:/// (embedded) or postgresql+psycopg:// (PostgreSQL)"
            )
        try:
            make_url(value)
        except Exception as exc:  # sqlalchemy raises ArgumentError with its own message
            raise ValueError(f"is not a valid database URL ({exc})") from None
        return value

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        secret = value.get_secret_value()
        if info.data.get("app_env") == "prod" and (
            secret == DEV_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH
        ):
            raise ValueError(
                f"the default or a key shorter than {MIN_SECRET_KEY_LENGTH} characters is "
                "refused when APP_ENV=prod"
            )
        return value

    @field_validator("data_keys")
    @classmethod
    def _check_data_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        ids = []
        for part in value.get_secret_value().split(","):
            kid, _, secret = part.strip().partition(":")
            if not kid or len(kid) > 20 or ":" in kid or len(secret) < 32:
                raise ValueError(
                    "entries are kid:secret (an id up to 20 characters, 32+ for the secret)"
                )
            ids.append(kid)
        if len(set(ids)) != len(ids):
            raise ValueError("each key id once")
        return value

    @field_validator("redis_url", "reflex_redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _check_forwarded(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        import ipaddress

        for item in (part.strip() for part in value.split(",")):
            if item == "*":
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an address or network; list them comma-separated, or *"
                ) from None
        return value.strip()

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not value.get_secret_value().startswith(("smtp://", "smtps://", "smtp+starttls://")):
            raise ValueError("must start with smtp://, smtp+starttls:// or smtps://")
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("base_domain")
    @classmethod
    def _check_base_domain(cls, value: str | None) -> str | None:
        if not value:
            return None
        value = value.strip().lower().lstrip(".")
        if not re.fullmatch(
            r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", value
        ):
            raise ValueError("must be a domain name such as example.com")
        return value

    @model_validator(mode="after")
    def _derive_and_check(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'travelcrm.db'}"
        elif self.database_url.startswith("sqlite://"):
            self.database_url = _absolute_sqlite_url(self.database_url)
        if self.api_page_limit_default > self.api_page_limit_max:
            raise ValueError("API_PAGE_LIMIT_DEFAULT must not exceed API_PAGE_LIMIT_MAX")
        if (self.web_workers or 1) > 1 and not self.reflex_redis_url:
            raise ValueError(
                "WEB_WORKERS above 1 needs REFLEX_REDIS_URL: without it a tab's page state "
                "lives in one worker's memory and the next event may reach another worker"
            )
        return self

    # ---- derived, read-only views -------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_kind(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @property
    def queue_kind(self) -> str:
        if self.huey_immediate:
            return "immediate"
        return "redis" if self.redis_url else "sqlite"

    @property
    def effective_web_workers(self) -> int:
        if self.web_workers:
            return self.web_workers
        return max(1, os.cpu_count() or 1) if self.reflex_redis_url else 1

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("json" if self.app_env == "prod" else "text")

    @property
    def safe_database_url(self) -> str:
        return mask_url(self.database_url)

    @property
    def link_base(self) -> str:
        """The absolute origin that links in emails start with."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::"} else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_max_inflight(self) -> int:
        """/api requests one web process handles at once (`WEB_MAX_INFLIGHT`, else the pool)."""
        return self.web_max_inflight or self.db_pool_size

    @property
    def huey_sqlite_path(self) -> Path:
        return self.data_dir / "huey.db"


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, safe to log or show."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable url>"


def _absolute_sqlite_url(url: str) -> str:
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:":
        return url
    path = Path(database).expanduser()
    if not path.is_absolute():
        path = (Path.cwd() / path).resolve()
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def _format_errors(exc: ValidationError) -> str:
    lines = ["TravelCRM cannot start: the configuration is invalid."]
    fields = Settings.model_fields
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        name = loc[0] if loc else ""
        message = error.get("msg", "invalid").removeprefix("Value error, ")
        value = error.get("input")
        if name in fields:
            extra = fields[name].json_schema_extra
            examples = extra.get("examples") if isinstance(extra, dict) else None
            example = str(examples[0]) if isinstance(examples, list) and examples else ""
            shown = "<hidden>" if name == "secret_key" else repr(value)
            if name == "smtp_url":
                shown = "<hidden>"
            if name in {"database_url", "redis_url", "reflex_redis_url"} and isinstance(value, str):
                shown = repr(mask_url(value))
            line = f"  - {name.upper()}={shown}: {message}"
            if example:
                line += f" (example: {example})"
        else:
            line = f"  - {message}"
        lines.append(line)
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, raising SettingsError with every problem at once."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_format_errors(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
