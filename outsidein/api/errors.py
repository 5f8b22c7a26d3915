"""One error shape for every failure: {"error": {"code", "message", "fields"}}.

Messages go through gettext so they follow Accept-Language. Where a message already exists in
Django's own catalogue ("This field is required.", "Enter a valid date.") the same msgid is
used on purpose: it arrives in French without a project translation.
"""

import logging
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("outsidein.api")

# Error codes a client can branch on; the message is for people.
VALIDATION = "validation_error"
NOT_AUTHENTICATED = "not_authenticated"
PERMISSION_DENIED = "permission_denied"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
BAD_REQUEST = "bad_request"
CONFLICT = "conflict"
SERVER_ERROR = "server_error"


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    """The body of every error response."""

    error: ErrorBody


def error_payload(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """The error envelope as a plain dict."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None) -> HttpResponse:
    """A JSON error response outside an operation (router fallbacks, 405)."""
    return JsonResponse(error_payload(code, message, fields), status=status)


class Forbidden(Exception):
    """The caller can see the object but may not do this to it (403)."""

    def __init__(self, message: str | None = None):
        self.message = message
        super().__init__(message)


# Pydantic error types → a gettext message (Django's msgids where it has one).
def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"decimal_parsing", "decimal_type", "float_parsing", "float_type",
                "finite_number", "decimal_max_digits", "decimal_max_places",
                "decimal_whole_digits"}:
        return _("Enter a number.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a valid date.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt", ""))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt", ""))}
    if kind in {"enum", "literal_error"}:
        return _("Select a valid choice. That choice is not one of the available choices.")
    if kind == "null_character":
        return _("Null characters are not allowed.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in {"string_type", "bool_type", "bool_parsing", "list_type", "dict_type",
                "model_type", "model_attributes_type"}:
        return _("This value has the wrong type.")
    return str(error.get("msg", kind))


def _field_name(loc: tuple | list, names_to_drop: frozenset[str]) -> str:
    # ninja locations look like ("body", "payload", "name_en") or ("query", "q"): drop the
    # source and the operation's parameter name, keep the path inside the document.
    parts = [str(p) for p in loc[1:]]
    while parts and parts[0] in names_to_drop:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def fields_from_ninja(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Ninja/pydantic request errors as {field: [messages]}."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()), frozenset({"payload", "filters"}))
        fields.setdefault(name, []).append(_pydantic_message(error))
    return fields


def fields_from_django(exc: DjangoValidationError) -> tuple[str, dict[str, list[str]]]:
    """A Django ValidationError as (message, {field: [messages]})."""
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in DjangoValidationError(errs).messages]
                  for name, errs in exc.error_dict.items()}
    else:
        fields = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    general = fields.pop(NON_FIELD_ERRORS, [])
    message = " ".join(general) if general else _("Some fields are not valid.")
    return message, fields


def _respond(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
             fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, error_payload(code, message, fields), status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers by the structured ones."""

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request, exc):
        fields = fields_from_ninja(exc.errors)
        general = fields.pop(NON_FIELD_ERRORS, [])
        message = " ".join(general) if general else _("Some fields are not valid.")
        return _respond(api, request, 422, VALIDATION, message, fields)

    @api.exception_handler(DjangoValidationError)
    def domain_invalid(request, exc):
        message, fields = fields_from_django(exc)
        return _respond(api, request, 422, VALIDATION, message, fields)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        response = _respond(api, request, 401, NOT_AUTHENTICATED,
                            _("Authentication is required: send a valid API token."))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Forbidden)
    def forbidden(request, exc):
        return _respond(api, request, 403, PERMISSION_DENIED,
                        exc.message or _("You do not have permission to do this."))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return _respond(api, request, 403, PERMISSION_DENIED,
                        _("You do not have permission to do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _respond(api, request, 404, NOT_FOUND, _("Nothing was found at this address."))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        code = {401: NOT_AUTHENTICATED, 403: PERMISSION_DENIED, 404: NOT_FOUND,
                405: METHOD_NOT_ALLOWED, 409: CONFLICT}.get(exc.status_code, BAD_REQUEST)
        # ninja raises 400 when the body is not JSON; its message is English only.
        message = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
        return _respond(api, request, exc.status_code, code, message)

    @api.exception_handler(SuspiciousOperation)
    def bad_request(request, exc):
        # e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE; Django would answer 400 too.
        logger.warning("Suspicious API request: %s", exc)
        return _respond(api, request, 400, BAD_REQUEST, _("The request could not be read."))

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        # Services validate uniqueness first; this is two writers racing for the same code.
        logger.warning("API write conflict: %s", exc)
        return _respond(api, request, 409, CONFLICT,
                        _("The change conflicts with another one made at the same time; "
                          "try again."))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # Log the traceback for operators; the client only learns that it failed.
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return _respond(api, request, 500, SERVER_ERROR,
                        _("Something went wrong on our side; the error was logged."))


def json_errors_outside_operations(view):
    """Wrap a URL view so 404s and 405s raised before an operation runs are JSON too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_response(404, NOT_FOUND, _("Nothing was found at this address."))
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(405, METHOD_NOT_ALLOWED,
                                      _("This method is not allowed here."))
            response["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """Any /api/ address that names no operation."""
    return error_response(404, NOT_FOUND, _("Nothing was found at this address."))
