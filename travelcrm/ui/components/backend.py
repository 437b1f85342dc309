"""Addresses on the backend (the REST API's pictures and photos) as the browser sees them:
the frontend may be served from another port in development, so a path like `/api/...` is put
behind the backend's origin, the same one the websocket and uploads use."""

from __future__ import annotations

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars import VarData

BACKEND_ORIGIN = rx.Var(
    _js_expr="getBackendURL(env.UPLOAD).origin",
    _var_data=VarData(
        imports={
            "$/utils/state": "getBackendURL",
            "$/env.json": ImportVar(tag="env", is_default=True),
        }
    ),
).to(str)

IMAGE_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}
"""What the file pickers of pictures and photos accept (the server checks the bytes)."""


def backend_url(path: rx.Var[str] | str) -> rx.Var[str]:
    """`path` (from the API, e.g. a photo's `thumb_url`) on the backend's origin."""
    return BACKEND_ORIGIN + rx.Var.create(path).to(str)
