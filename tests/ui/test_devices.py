"""User agents in words, for My sessions."""

from __future__ import annotations

import pytest

from travelcrm.ui.components.devices import describe_user_agent

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/126.0.0.0 Safari/537.36"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
CHROME_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"
)
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0"
SAMSUNG_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36"
)
OPERA_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
CHROMEBOOK = (
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "label", "kind"),
    [
        (CHROME_LINUX, "Chrome on Linux", "desktop"),
        (HEADLESS, "Headless Chrome on Linux", "desktop"),
        (EDGE_WINDOWS, "Edge on Windows", "desktop"),
        (SAFARI_MAC, "Safari on macOS", "desktop"),
        (SAFARI_IPHONE, "Safari on iPhone", "mobile"),
        (CHROME_IPAD, "Chrome on iPad", "tablet"),
        (FIREFOX_ANDROID, "Firefox on Android", "mobile"),
        (SAMSUNG_TABLET, "Samsung Internet on Android", "tablet"),
        (OPERA_WINDOWS, "Opera on Windows", "desktop"),
        (FIREFOX_LINUX, "Firefox on Linux", "desktop"),
        (CHROMEBOOK, "Chrome on ChromeOS", "desktop"),
        ("curl/8.5.0", "curl", "unknown"),
        ("python-httpx/0.28.1", "Python script", "unknown"),
        ("", "Unknown device", "unknown"),
        (None, "Unknown device", "unknown"),
        ("SomethingElse/1.0", "Unknown device", "unknown"),
    ],
)
def test_user_agents_read_as_browser_on_system(
    user_agent: str | None, label: str, kind: str
) -> None:
    device = describe_user_agent(user_agent)
    assert (device.label, device.kind) == (label, kind)
