"""A user agent string in words ("Chrome on Windows"), for the sessions list. Good enough to
recognise one's own devices; not a full parser."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS: tuple[tuple[str, str], ...] = (
    (r"\bEdg(?:e|A|iOS)?/", "Edge"),
    (r"\b(?:OPR|Opera)/", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\bYaBrowser/", "Yandex Browser"),
    (r"\bVivaldi/", "Vivaldi"),
    (r"\b(?:Firefox|FxiOS)/", "Firefox"),
    (r"\bHeadlessChrome/", "Headless Chrome"),
    (r"\b(?:Chrome|CriOS|Chromium)/", "Chrome"),
    (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
    (r"\bMSIE |\bTrident/", "Internet Explorer"),
    (r"^curl/", "curl"),
    (r"^python-(?:requests|httpx)/|^python-urllib|^Python-urllib", "Python script"),
    (r"^PostmanRuntime/", "Postman"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    (r"\b(?:iPhone|iPod)\b", "iPhone"),
    (r"\biPad\b", "iPad"),
    (r"\bAndroid\b", "Android"),
    (r"\bCrOS\b", "ChromeOS"),
    (r"\bWindows\b", "Windows"),
    (r"\bMac OS X\b|\bMacintosh\b", "macOS"),
    (r"\bLinux\b|\bX11\b", "Linux"),
)


@dataclass(frozen=True)
class Device:
    label: str  # "Chrome on Linux"
    kind: str  # "desktop", "mobile", "tablet" or "unknown" (picks the icon)


def describe_user_agent(user_agent: str | None) -> Device:
    ua = (user_agent or "").strip()
    if not ua:
        return Device("Unknown device", "unknown")
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, ua)), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, ua)), None)
    if system == "iPad" or (system == "Android" and "Mobile" not in ua):
        kind = "tablet"
    elif system in ("iPhone", "Android") or "Mobile" in ua:
        kind = "mobile"
    elif system is not None:
        kind = "desktop"
    else:
        kind = "unknown"
    if browser and system:
        label = f"{browser} on {system}"
    elif browser or system:
        label = browser or system or ""
    else:
        label = "Unknown device"
    return Device(label, kind)
