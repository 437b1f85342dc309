"""The OpenAPI document, finished once for every route: what the conventions do on each request
(middleware, problem handlers, ETags, idempotency) is declared here, so a route added later is
documented by what it already uses, without per-route code.

- Security: a route that depends on `current_identity` or `current_person` takes the bearer
  token or the session cookie; every other route is public (`security: []`). A route may set
  its own `security` in `openapi_extra` (e.g. sign-out, which reads the cookie when present).
- Headers: `X-Request-ID` on every request and response; `Idempotency-Key` on every write, whose
  responses may carry `Idempotent-Replayed`; `ETag` (and, on reads, `If-None-Match` with its
  304) where the route answers through `etag.resource_response` or `etag.conditional_bytes`;
  `If-Match` (412) where it calls `etag.check_if_match`; `Location` on 201 and 202.
- Problems: every 4xx/5xx is `application/problem+json` (`Problem`); 503 `server_busy` with
  `Retry-After` wherever admission control or a busy database can answer it; `Retry-After` on
  429 and 409 (a retry of a write still in progress).
- Names: operation ids are short (`customers_list`, `queries_create`); schemas that share a class
  name across domains get the domain in front (`SupplierContactIn`), so each title is unique.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, get_args

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.api import etag
from travelcrm.api.auth import current_identity, current_person
from travelcrm.api.envelope import PROBLEM_MEDIA_TYPE, Problem
from travelcrm.api.idempotency import MAX_KEY_LENGTH, METHODS, REPLAYED_HEADER

REF = "#/components/{kind}/{name}"
BEARER = "bearerAuth"
COOKIE = "sessionCookie"
SIGNED_IN: list[dict[str, list[str]]] = [{BEARER: []}, {COOKIE: []}]
# `openapi_extra` of a route that uses the session cookie when sent and answers without it too
# (sign-out)
SESSION_WHEN_PRESENT: dict[str, Any] = {"security": [{}, {COOKIE: []}]}
# Never queued by admission control and no database work: no 503 `server_busy` there.
NEVER_BUSY = frozenset({"/api/health"})

SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "`access_token` from `POST /api/auth/token` (refresh it with "
        "`POST /api/auth/refresh`).",
    },
    COOKIE: {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The browser session set by `POST /api/auth/login`.",
    },
}

PARAMETERS: dict[str, Any] = {
    "XRequestId": {
        "name": "X-Request-ID",
        "in": "header",
        "required": False,
        "description": "Your id for this call, echoed back: up to 128 characters, a letter or "
        "digit first, then letters, digits or `._:-/+=@`. Another value is not refused; the "
        "server makes a new id instead.",
        "schema": {"type": "string"},
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Send the same key with the same request to retry it safely: within "
        "24 hours the first response is replayed (`Idempotent-Replayed: true`).",
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_KEY_LENGTH,
            "pattern": "^[!-~]+$",
        },
    },
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The ETag you read; 412 `precondition_failed` when the resource changed "
        "since.",
        "schema": {"type": "string"},
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "The ETag you hold; 304 without a body when it is still current.",
        "schema": {"type": "string"},
    },
}

HEADERS: dict[str, Any] = {
    "XRequestId": {
        "description": "The request's id (yours when valid); quote it to support.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "The representation's version; send it as If-Match or If-None-Match.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "Where the created (or queued) resource is read.",
        "schema": {"type": "string"},
    },
    "IdempotentReplayed": {
        "description": "`true` when this is the stored response of an earlier request with the "
        "same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "RetryAfter": {
        "description": "Seconds to wait before sending the same request again.",
        "schema": {"type": "integer", "minimum": 0},
    },
}

_HEADER_NAMES = {
    "XRequestId": "X-Request-ID",
    "ETag": "ETag",
    "Location": "Location",
    "IdempotentReplayed": REPLAYED_HEADER,
    "RetryAfter": "Retry-After",
}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": REF.format(kind=kind, name=name)}


# ---- what a route uses ------------------------------------------------------------------------


def _depends_on(dependant: Dependant, calls: tuple[object, ...]) -> bool:
    return any(d.call in calls or _depends_on(d, calls) for d in dependant.dependencies)


def _codes(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _reached(fn: Callable[..., Any], depth: int = 4) -> set[Callable[..., Any]]:
    """The project's functions `fn` calls by name, and theirs, a few levels down (its own
    helpers such as `_resource(...)` end in `resource_response`)."""
    seen: set[Callable[..., Any]] = set()
    todo = [(inspect.unwrap(fn), depth)]
    while todo:
        current, left = todo.pop()
        code = getattr(current, "__code__", None)
        namespace = getattr(current, "__globals__", {})
        if code is None:
            continue
        for inner in _codes(code):
            for name in inner.co_names:
                found = namespace.get(name)
                if not inspect.isfunction(found) or found in seen:
                    continue
                if not found.__module__.startswith("travelcrm."):
                    continue
                seen.add(found)
                if left > 0:
                    todo.append((found, left - 1))
    return seen


class _Uses:
    def __init__(self, route: Any) -> None:  # an APIRoute, or FastAPI's context of one
        reached = _reached(route.endpoint)
        self.signed_in = _depends_on(route.dependant, (current_identity, current_person))
        self.etag = bool(reached & {etag.resource_response, etag.conditional_bytes})
        self.if_match = etag.check_if_match in reached


# ---- operation ids -----------------------------------------------------------------------------


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def operation_id(route: Any) -> str:
    """`<tag>_<what the function does>`: `list_customers` under `customers` is
    `customers_list`; `query_timeline` under `queries` is `queries_timeline`."""
    tag = route.tags[0] if route.tags else route.path_format.strip("/").split("/")[1]
    group = re.sub(r"[^a-z0-9]+", "_", str(tag).lower()).strip("_")
    words = route.name.lower().split("_")
    names = {group, _singular(group)}
    if len(words) > 1 and words[-1] in names:
        words = words[:-1]
    elif len(words) > 1 and words[0] in names:
        words = words[1:]
    return f"{group}_{'_'.join(words)}"


# ---- the document ------------------------------------------------------------------------------


def _unique_schema_names(schema: dict[str, Any]) -> None:
    """FastAPI names two models of one class name by their module path
    (`travelcrm__suppliers__schemas__ContactIn`) and leaves both titled `ContactIn`; generated
    clients then drop one. Name each by its domain (`SupplierContactIn`)."""
    components = schema["components"]["schemas"]
    renames: dict[str, str] = {}
    for key in list(components):
        parts = key.split("__")
        if len(parts) < 3 or parts[0] != "travelcrm":
            continue
        new = _singular(parts[1]).title().replace("_", "") + parts[-1]
        if new in components or new in renames.values():
            new = "".join(p.title().replace("_", "") for p in parts[1:-1]) + parts[-1]
        renames[key] = new
    for old, new in renames.items():
        body = components.pop(old)
        body["title"] = new
        components[new] = body
    if renames:
        refs = {
            REF.format(kind="schemas", name=o): REF.format(kind="schemas", name=n)
            for o, n in renames.items()
        }

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref in refs:
                    node["$ref"] = refs[ref]
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(schema)


DECIMAL: dict[str, Any] = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
    "description": "An exact decimal number written as a string (never a float).",
    "examples": ["1250.00"],
}
MONEY: dict[str, Any] = {
    "type": "object",
    "title": "Money",
    "description": "An amount in a currency. A response that shows money as a `Decimal` field "
    "names its currency in the field's `x-currency` (a sibling such as `currency`).",
    "properties": {
        "amount": _ref("schemas", "Decimal"),
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217"},
    },
    "required": ["amount", "currency"],
}


NOT_MONEY = frozenset({"quantity", "hours"})  # decimals that are not amounts (nor `*_pct`)


def _models() -> dict[str, list[type[BaseModel]]]:
    found: dict[str, list[type[BaseModel]]] = {}
    todo: list[type[BaseModel]] = [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("travelcrm."):
                found.setdefault(sub.__name__, []).append(sub)
    return found


def _is_decimal(annotation: Any) -> bool:
    if annotation is Decimal:
        return True
    return any(_is_decimal(arg) for arg in get_args(annotation))


def _declare_decimals(schemas: dict[str, Any]) -> None:
    """Our models' Decimal fields are strings in responses: declare them as the `Decimal`
    format, an amount with its currency field named (requests, which also take numbers, keep
    their own schema)."""
    models = _models()
    for key, component in schemas.items():
        name = key.removesuffix("-Output")
        if len(models.get(name, ())) != 1 or key.endswith("-Input"):
            continue
        model = models[name][0]
        properties = component.get("properties", {})
        currency = next((f for f in ("currency", "price_currency") if f in properties), None)
        for field_name, field in model.model_fields.items():
            if not _is_decimal(field.annotation) or field_name not in properties:
                continue
            prop = properties[field_name]
            branches = prop.get("anyOf", [prop])
            if any(b.get("type") == "number" for b in branches):
                continue  # a request's field: it takes numbers and strings as they are
            for i, branch in enumerate(branches):
                if branch.get("type") == "string" and "format" not in branch:
                    replaced = {"$ref": REF.format(kind="schemas", name="Decimal")}
                    if branch is prop:
                        keep = {k: v for k, v in prop.items() if k not in ("type",)}
                        prop.clear()
                        prop.update(replaced | keep)
                    else:
                        branches[i] = replaced
            own = f"{field_name.split('_')[0]}_currency"
            if field_name.endswith("_pct") or field_name in NOT_MONEY:
                continue
            if own in properties:
                prop["x-currency"] = own
            elif currency:
                prop["x-currency"] = currency


def _problem(description: str, **headers: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("schemas", "Problem")}},
    }
    if headers:
        response["headers"] = {name: _ref("headers", ref) for name, ref in headers.items()}
    return response


def _add_parameter(operation: dict[str, Any], name: str) -> None:
    wanted = PARAMETERS[name]["name"].lower()
    parameters = operation.setdefault("parameters", [])
    for parameter in parameters:
        if parameter.get("in") == "header" and parameter.get("name", "").lower() == wanted:
            return  # the route declares its own (e.g. a required If-Match)
    parameters.append(_ref("parameters", name))


def _add_header(response: dict[str, Any], name: str) -> None:
    response.setdefault("headers", {}).setdefault(_HEADER_NAMES[name], _ref("headers", name))


def _finish_operation(path: str, method: str, operation: dict[str, Any], uses: _Uses) -> None:
    write = method.upper() in METHODS
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if "security" not in operation:
        operation["security"] = [dict(s) for s in SIGNED_IN] if uses.signed_in else []

    _add_parameter(operation, "XRequestId")
    if write:
        _add_parameter(operation, "IdempotencyKey")
    if uses.if_match:
        _add_parameter(operation, "IfMatch")
        responses.setdefault("412", _problem("The resource changed since you read it"))
    if uses.etag and method == "get":
        _add_parameter(operation, "IfNoneMatch")
        responses.setdefault(
            "304", {"description": "Not modified: the ETag you sent is still current"}
        )

    if uses.signed_in:
        responses.setdefault("401", _problem("Sign in required"))
    if write:
        # the Idempotency-Key's own refusals: a malformed key, a key reused with another
        # request, the first request with this key still running
        responses.setdefault("400", _problem("Bad request (e.g. a malformed Idempotency-Key)"))
        responses.setdefault("409", _problem("Conflict (e.g. `idempotency_in_progress`)"))
        responses.setdefault("422", _problem("Validation failed"))
    if path not in NEVER_BUSY:
        responses.setdefault(
            "503", _problem("`server_busy`: send the same request again after Retry-After")
        )

    for status, response in responses.items():
        _add_header(response, "XRequestId")
        if status in {"429", "503", "409"}:
            _add_header(response, "RetryAfter")
        if status.startswith("2") and status != "204":
            if uses.etag:
                _add_header(response, "ETag")
            if status in {"201", "202"}:
                _add_header(response, "Location")
        if write and status[0] in "24":
            _add_header(response, "IdempotentReplayed")
        if status == "304":
            _add_header(response, "ETag")


def build_openapi(api: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=api.title,
        version=api.version,
        description=api.description,
        routes=api.routes,
        tags=api.openapi_tags,
        servers=[{"url": "/", "description": "This server"}],
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template=REF.format(kind="schemas", name="{model}"))
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Decimal"] = DECIMAL
    schemas["Money"] = MONEY
    _declare_decimals(schemas)
    components["securitySchemes"] = SECURITY_SCHEMES
    components["parameters"] = PARAMETERS
    components["headers"] = HEADERS

    content = {PROBLEM_MEDIA_TYPE: {"schema": _ref("schemas", "Problem")}}
    routes = {
        (context.path_format, method.lower()): context
        for context in routing.iter_route_contexts(api.routes)
        if isinstance(context.original_route, APIRoute) and context.include_in_schema
        for method in context.methods or ()
    }
    tags: list[str] = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status == "default" or status[0] in "45":
                    response["content"] = content
            responses.setdefault(
                "default", {"description": "Problem details (RFC 9457)", "content": content}
            )
            route = routes.get((path, method))
            if route is not None:
                _finish_operation(path, method, operation, _Uses(route))
            tags.extend(t for t in operation.get("tags", ()) if t not in tags)
    known = {t["name"] for t in schema.get("tags", [])}
    schema.setdefault("tags", []).extend({"name": t} for t in tags if t not in known)
    _unique_schema_names(schema)
    return schema
