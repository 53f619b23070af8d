"""What every router of the JSON API shares: bearer-token authentication, scope checks, the one
error body and one style of pagination.

Errors: {"detail": <for people>, "code": <for programs>}, with "errors": [...] for validation.
Lists: {"count", "page", "pages", "page_size", "next", "previous", "items"} (as the public
register's, with links to the neighbouring pages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from engcert.apiclients.domain import api_token_authenticate
from engcert.apiclients.enums import ApiScope
from engcert.apiclients.models import ApiClient, ApiToken

T = TypeVar("T")

# Ids in paths are database integers: a larger number can name nothing (and must not reach the database).
MAX_ID = 2_147_483_647
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
# Each token may call this often; a client over it waits (429 with Retry-After).
RATE_LIMIT = "600/m"


class ApiError(Exception):
    """An answer other than success, with the one error body."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


class ErrorOut(Schema):
    detail: str = Field(..., examples=["Not found."])
    code: str = Field(..., examples=["not_found"])


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


class ScopeErrorOut(ErrorOut):
    scope: str = Field(..., examples=["evaluations:read"])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer engcert_<prefix>_<secret>`; the request's `auth` is the token."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(raw=token.strip())


token_auth = TokenAuth()


class TokenThrottle(SimpleRateThrottle):
    """Per token, not per address: a client's servers may share one address with others."""

    scope = "api_token"

    def __init__(self) -> None:
        super().__init__(rate=RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read on each call, so that the setting ENGCERT_API_RATE (e.g. "600/m") applies at once.
        self.rate = getattr(settings, "ENGCERT_API_RATE", RATE_LIMIT)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.prefix}


token_throttle = TokenThrottle()

# The answers every token-authenticated operation may give besides its own.
AUTH_ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ScopeErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


def client_with_scope(request: HttpRequest, scope: ApiScope) -> ApiClient:
    """The calling client, if its token carries the scope (403 "scope_missing" otherwise)."""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    client = token.client
    if not client.has_scope(scope):
        raise ApiError(
            403,
            "scope_missing",
            _("This client is not allowed to do this: it needs the scope “%(scope)s”.")
            % {"scope": scope.value},
            scope=scope.value,
        )
    return client


def calling_token(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


class PageQuery(Schema):
    page: int = Field(1, description="The page, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}.")


def page_of(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], *, page: int, page_size: int
) -> tuple[dict[str, Any], list[Any]]:
    """The page's envelope (without items) and its rows; 400 "bad_page" for a page that is not there."""
    if page < 1:
        raise ApiError(400, "bad_page", _("Pages are numbered from 1."))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ApiError(400, "bad_page_size", _("A page holds 1 to %(most)s items.") % {"most": MAX_PAGE_SIZE})
    paginator = Paginator(rows, page_size)
    if page > max(paginator.num_pages, 1):
        raise ApiError(400, "bad_page", _("There is no page with this number."))
    current = paginator.page(page)

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    envelope = {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "next": link(current.number + 1) if current.has_next() else None,
        "previous": link(current.number - 1) if current.has_previous() else None,
    }
    return envelope, list(current.object_list)


class PageOut(Schema):
    count: int = Field(..., description="Items on all pages.")
    page: int
    pages: int
    page_size: int
    next: str | None = Field(None, description="The next page's address, or null on the last page.")
    previous: str | None = Field(None, description="The previous page's address, or null on the first page.")
