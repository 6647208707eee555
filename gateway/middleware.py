"""Cross-cutting HTTP concerns: request ids, metrics and access logs, body size, API version."""

import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse

from gateway.context import REQUEST_ID_HEADER, request_id_clean, request_id_var, ticket_id_var
from gateway.errors import error_body, is_api_path
from gateway.metrics import HTTP_LATENCY, HTTP_REQUESTS

access_logger = logging.getLogger("gateway.access")


class RequestIdMiddleware:
    """Take the client's X-Request-ID (or make one), bind it for the logs and tasks, echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_clean(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        # Set, not reset afterwards: Django logs the response (django.request) after the
        # middleware returns, and that line should carry the id too. The next request on
        # this thread sets both again.
        request_id_var.set(request_id)
        ticket_id_var.set(None)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class MetricsMiddleware:
    """Count and time every request, and write one JSON access-log line for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        # The view name, not the path: /api/tickets/1 and /api/tickets/2 are one series.
        route = match.view_name if match and match.view_name else "unmatched"
        HTTP_REQUESTS.labels(method=request.method, route=route, status=str(response.status_code)).inc()
        HTTP_LATENCY.labels(method=request.method, route=route).observe(elapsed)
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 2),
            },
        )
        return response


def payload_too_large(request) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than the limit of {limit} bytes."
    if is_api_path(request.path):
        return JsonResponse(error_body(code="payload_too_large", message=message), status=413)
    return HttpResponse(message, status=413, content_type="text/plain")


class BodySizeLimitMiddleware:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, before any parser reads it.

    Django enforces the limit only for form data; DRF's JSON parser reads the stream
    directly, so the declared Content-Length is checked here for every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return payload_too_large(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return payload_too_large(request)
        return None


class ApiVersionMiddleware:
    """Versioning policy: /api/v1/ is canonical, /api/ is an alias of the current version.

    Every API response names the version that answered in an ``API-Version`` header;
    a request that asks for another version with that header is refused with a 400.
    """

    header = "API-Version"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path):
            return self.get_response(request)
        wanted = request.headers.get(self.header)
        if wanted is not None and wanted.strip().lstrip("vV") != settings.API_VERSION:
            response = JsonResponse(
                error_body(
                    code="unsupported_version",
                    message=f"API version {wanted!r} is not served; this server answers version {settings.API_VERSION}.",
                    fields={self.header: [f"Supported: {settings.API_VERSION}."]},
                ),
                status=400,
            )
        else:
            response = self.get_response(request)
        response[self.header] = settings.API_VERSION
        return response
