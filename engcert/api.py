"""The JSON API under /api/v1 (django-ninja), with its OpenAPI document at /api/v1/openapi.json.
Each app adds its router here.

Every error has one body: {"detail": <for people>, "code": <for programs>}, and for a request
that does not validate also "errors": [{"loc", "msg", "type"}, ...]."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from engcert.apiclients.api_support import ApiError, ErrorOut, FieldErrorOut, ValidationErrorOut
from engcert.applications.api import router as candidates_router
from engcert.batches.api import router as batches_router
from engcert.certificates.api import router as certificates_router
from engcert.registration.api import router as registrations_router


def _can_fail(schema: dict[str, Any]) -> bool:
    """Whether a parameter's value can fail validation (any text passes a plain string)."""
    plain_text = schema.get("type") == "string" and not {"pattern", "enum", "format", "maxLength"} & set(
        schema
    )
    return not plain_text


class EngcertAPI(NinjaAPI):
    """The document says, for every operation that takes input, that input which does not
    validate is answered 422 (and a body that is not JSON 400) with the one error body: ninja
    answers so for every router, also for routers that did not list it."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("FieldErrorOut", FieldErrorOut.model_json_schema())
        components.setdefault(
            "ValidationErrorOut",
            ValidationErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"),
        )
        components["ValidationErrorOut"].pop("$defs", None)
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())

        def answer(description: str, component: str) -> dict[str, Any]:
            return {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
            }

        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                # Ninja keys the answers by number.
                responses = operation.setdefault("responses", {})
                if operation.get("requestBody") or any(
                    _can_fail(parameter.get("schema", {})) for parameter in operation.get("parameters", [])
                ):
                    responses.setdefault(422, answer("Unprocessable Content", "ValidationErrorOut"))
                if operation.get("requestBody"):
                    # A body that is not JSON at all.
                    responses.setdefault(400, answer("Bad Request", "ErrorOut"))
        return schema


api = EngcertAPI(
    title="engcert API",
    version="1",
    description=(
        "Engineering-competency evaluation and member registration. Public: certificate "
        "verification and the register. For the societies' and the alliance's systems, with a "
        "bearer token (`Authorization: Bearer engcert_…`) whose client has the scope an operation "
        "names: batches, candidates' evaluation records, and the alliance's registration decisions. "
        "Errors have one body: `detail` (for people), `code` (for programs) and, when the request "
        "does not validate, `errors`. Lists are paginated with `page` and `page_size`."
    ),
    urls_namespace="api-1",
)

# The codes of errors that ninja raises itself (e.g. a body that is not JSON is 400).
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


def _error(request: HttpRequest, status: int, code: str, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ApiError)
def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.detail, **exc.extra)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return _error(request, 422, "invalid", _("The request is not valid; see errors."), errors=errors)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    presented = bool(request.headers.get("Authorization"))
    response = _error(
        request,
        401,
        "invalid_token" if presented else "not_authenticated",
        _("This token is not valid: it is unknown, revoked or expired.")
        if presented
        else _("This operation needs a bearer token: Authorization: Bearer <token>."),
    )
    challenge = 'Bearer realm="engcert"'
    response["WWW-Authenticate"] = f'{challenge}, error="invalid_token"' if presented else challenge
    return response


@api.exception_handler(AuthorizationError)
def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, "forbidden", _("This client may not do this."))


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, 429, "throttled", _("Too many requests; please wait a minute."))
    response["Retry-After"] = str(max(1, int(exc.wait or 60)))
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja raises 400 itself for a body it cannot read; say so in the reader's language.
    detail = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return _error(request, exc.status_code, STATUS_CODES.get(exc.status_code, "error"), detail)


# Certificates: /api/v1/certificates/{number} and /api/v1/register (public).
api.add_router("/", certificates_router)
# For token-authenticated clients: batches, candidates' records, registration decisions.
api.add_router("/", batches_router)
api.add_router("/", candidates_router)
api.add_router("/", registrations_router)
