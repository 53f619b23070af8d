"""Every URL pattern of the project and every operation of the JSON API, as the matrix names them.

A route is named by its URL name (with its namespace, e.g. ``applications:detail``); a pattern
without a name is named by its path pattern, and a name that a later pattern repeats (and that
the earlier one shadows) by ``<name> (shadowed)``. An API operation is ``<METHOD> <path>`` as
the OpenAPI document writes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from engcert.api import api


@dataclass(frozen=True)
class Route:
    key: str
    pattern: str
    view: str


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
) -> list[tuple[str, str | None, str]]:
    found: list[tuple[str, str | None, str]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            found.extend(_walk(pattern.url_patterns, route, joined))
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            callback = pattern.callback
            view = f"{callback.__module__}.{getattr(callback, '__qualname__', type(callback).__name__)}"
            found.append((route, name, view))
    return found


def project_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for pattern, name, view in _walk(get_resolver().url_patterns, "", None):
        key = name or pattern
        if key in routes:
            key = f"{key} (shadowed)"
        routes[key] = Route(key=key, pattern=pattern, view=view)
    return routes


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}
