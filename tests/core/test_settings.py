from __future__ import annotations

import pytest

from travelcrm.settings import DEV_SECRET_KEY, SettingsError, load_settings, mask_url


def _error(**overrides: object) -> str:
    with pytest.raises(SettingsError) as info:
        load_settings(**overrides)
    return str(info.value)


def test_every_bad_value_is_reported_at_once_with_name_problem_and_example() -> None:
    message = _error(
        app_env="prod",
        database_url="mysql://user:hunter2@db/app",
        port=0,
        log_level="loud",
        redis_url="http://cache:6379",
        worker_stale_after_seconds=1,
    )
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "PORT",
        "LOG_LEVEL",
        "REDIS_URL",
        "WORKER_STALE_AFTER_SECONDS",
    ):
        assert f"  - {name}=" in message, name
    assert "example: postgresql+psycopg://" in message
    assert "example: 3000" in message
    assert "hunter2" not in message  # passwords never printed
    assert message.count("\n  - ") == 6


def test_unknown_app_env_is_named() -> None:
    assert "APP_ENV='staging'" in _error(app_env="staging")


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "short-but-not-default"])
def test_production_refuses_default_or_short_secret(secret: str) -> None:
    message = _error(app_env="prod", secret_key=secret)
    assert "SECRET_KEY=<hidden>" in message
    assert secret not in message


def test_production_accepts_a_long_secret_and_dev_accepts_default() -> None:
    assert load_settings(app_env="prod", secret_key="x" * 40).app_env == "prod"
    assert load_settings(app_env="dev").secret_key.get_secret_value() == DEV_SECRET_KEY


def test_relative_sqlite_path_becomes_absolute(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(database_url="sqlite:///data/app.db")
    assert settings.database_url == f"sqlite:///{tmp_path}/data/app.db"
    assert settings.database_kind == "sqlite"


def test_default_database_lives_in_the_data_dir(tmp_path) -> None:
    settings = load_settings(data_dir=str(tmp_path), database_url="")
    assert settings.database_url == f"sqlite:///{tmp_path}/travelcrm.db"


def test_queue_kind_follows_redis_url() -> None:
    assert load_settings(huey_immediate=False, redis_url=None).queue_kind == "sqlite"
    assert load_settings(huey_immediate=False, redis_url="redis://r:6379/0").queue_kind == "redis"
    assert load_settings(huey_immediate=True).queue_kind == "immediate"


def test_database_password_is_masked() -> None:
    settings = load_settings(database_url="postgresql+psycopg://app:s3cret@db:5432/crm")
    assert settings.safe_database_url == "postgresql+psycopg://app:***@db:5432/crm"
    assert "s3cret" not in mask_url(settings.database_url)
    assert "s3cret" not in repr(settings.safe_database_url)


def test_secret_key_is_not_in_repr() -> None:
    settings = load_settings(secret_key="y" * 40)
    assert "y" * 40 not in repr(settings)


def test_log_format_defaults_by_environment() -> None:
    assert load_settings(app_env="dev").effective_log_format == "text"
    assert load_settings(app_env="prod", secret_key="z" * 40).effective_log_format == "json"
    assert load_settings(app_env="dev", log_format="json").effective_log_format == "json"


def test_web_workers_default_to_the_cores_with_redis_state_and_one_without(monkeypatch) -> None:
    import os

    from travelcrm.settings import Settings

    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    assert Settings(reflex_redis_url=None).effective_web_workers == 1
    shared = Settings(reflex_redis_url="redis://127.0.0.1:6379/1")
    assert shared.effective_web_workers == max(1, os.cpu_count() or 1)
    assert (
        Settings(reflex_redis_url="redis://127.0.0.1:6379/1", web_workers=3).effective_web_workers
        == 3
    )


def test_several_web_workers_without_redis_state_are_refused(monkeypatch) -> None:
    import pytest
    from pydantic import ValidationError

    from travelcrm.settings import Settings

    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    with pytest.raises(ValidationError, match="WEB_WORKERS above 1 needs REFLEX_REDIS_URL"):
        Settings(web_workers=2, reflex_redis_url=None)
