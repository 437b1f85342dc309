"""Process start-up shared by the web app, the worker and the CLI: settings and logging."""

from __future__ import annotations

import logging

from travelcrm.core.logging import configure_logging
from travelcrm.settings import Settings, get_settings


def configure() -> Settings:
    settings = get_settings()  # raises SettingsError listing every bad value
    configure_logging(level=settings.log_level, fmt=settings.effective_log_format)
    logging.getLogger("travelcrm").debug(
        "configured: env=%s database=%s queue=%s",
        settings.app_env,
        settings.safe_database_url,
        settings.queue_kind,
    )
    return settings
