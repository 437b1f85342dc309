"""URL rules shared by the API and the pages."""

from __future__ import annotations


def safe_local_path(value: str | None, default: str = "/") -> str:
    """Only same-site paths: never send a signed-in user to another host (`//evil`, `/\\evil`)."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default
