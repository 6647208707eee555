"""One JSON error shape for the whole API:

    {"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}

DRF exceptions pass through ``api_exception_handler``; Django's own 404 and 500
pages are replaced under ``/api/`` by ``handler404`` and ``handler500``.
"""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the resource's current state."

    def __init__(self, detail: str, *, code: str = "conflict", details: dict[str, Any] | None = None) -> None:
        super().__init__(detail=detail, code=code)
        self.details = details or {}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


def error_body(*, code: str, message: str, fields: dict | None = None, details: dict | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    if details:
        error["details"] = details
    return {"error": error}


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is unreachable (restart, failover): a retryable 503, not a 500.
        logger.warning("database unavailable: %s", exc)
        return Response(
            error_body(code="service_unavailable", message="The database is unavailable; retry shortly."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        if isinstance(exc, DatabaseError):
            logger.exception("database error")
        else:
            logger.exception("unhandled API error")
        return Response(
            error_body(code="server_error", message="An internal error occurred."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = error_body(code="invalid", message="The request has invalid fields.", fields=fields)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = error_body(
            code=_code_of(exc) if isinstance(exc, exceptions.APIException) else "error",
            message=str(detail),
            details=getattr(exc, "details", None),
        )
    return response


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def _is_api(request) -> bool:
    return is_api_path(request.path)


def handler404(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(code="not_found", message="No such endpoint or resource."), status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return JsonResponse(error_body(code="server_error", message="An internal error occurred."), status=500)
    return defaults.server_error(request)
