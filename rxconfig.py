"""Reflex configuration. Knobs come from travelcrm.settings (the one settings object)."""

import reflex as rx

from travelcrm.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="travelcrm",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_settings.port,
    backend_port=_settings.port,
    redis_url=_settings.reflex_redis_url,
    # a tab's page state is kept this long after its last event (in Redis, or in the one worker)
    redis_token_expiration=int(_settings.ui_state_idle_hours * 3600),
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="teal", gray_color="slate", radius="medium", scaling="100%")
        ),
    ],
    # Staff pages are private; the public sitemap arrives with the packages catalogue.
    disable_plugins=[rx.plugins.SitemapPlugin],
)
