"""OpenAPI description helpers: the shared error shape and the canonical-path filter."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. invalid, not_found, throttled.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per-field messages for invalid input; empty otherwise.",
    )
    details = serializers.DictField(required=False, help_text="Extra context, e.g. the allowed status moves.")


class ErrorSerializer(serializers.Serializer):
    """Every error response of the API has this shape."""

    error = ErrorBodySerializer()


_ERROR_TEXT = {
    400: "Invalid input or malformed JSON (`fields` names each bad field).",
    401: "No or invalid credentials.",
    403: "Authenticated but not allowed.",
    404: "No such resource (or one you may not see).",
    405: "Method not allowed on this path.",
    409: "The request conflicts with the resource's state.",
    413: "Body larger than 1 MB.",
    415: "Unsupported Content-Type (send application/json).",
    429: "Too many requests; retry after the `Retry-After` seconds.",
    500: "Unexpected server error.",
    503: "A dependency (database, broker) is unavailable; retry shortly.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """``responses=`` entries for the given error statuses, all with the shared ErrorSerializer."""
    return {code: OpenApiResponse(response=ErrorSerializer, description=_ERROR_TEXT[code]) for code in statuses}


# Errors any endpoint may answer.
COMMON_ERRORS = (405, 429, 500)
BODY_ERRORS = (400, 413, 415)
AUTH_ERRORS = (401, 403)


HEALTH_RESPONSE = inline_serializer(
    "HealthReport",
    {
        "status": serializers.ChoiceField(choices=["ok", "error"]),
        "failed": serializers.ListField(child=serializers.CharField(), help_text="Names of the failed checks."),
        "checks": serializers.DictField(help_text='Per check: "ok", "error: <message>", or a dict of details.'),
        "checked_at": serializers.FloatField(help_text="Unix time the checks ran (results are cached briefly)."),
    },
)
HEALTH_EXAMPLE = OpenApiExample(
    "Everything up",
    value={
        "status": "ok",
        "failed": [],
        "checks": {
            "database": "ok",
            "broker": "ok",
            "result_backend": "ok",
            "workers": {"ok": True, "queues": {"categorization": ["categorization@host"]}},
            "queues": {"categorization": {"messages": 0, "consumers": 1}},
        },
        "checked_at": 1767225600.0,
    },
    response_only=True,
)


def canonical_paths_only(endpoints, **kwargs):
    """/api/ is an alias of /api/v1/: describe each operation once, under its canonical path."""
    canonical = []
    for path, path_regex, method, callback in endpoints:
        if not path.startswith("/api/v1/"):
            continue
        # Paths answer with and without the trailing slash; describe the form reverse() links use.
        if path != "/api/v1/":
            path = path.rstrip("/")
        canonical.append((path, path_regex, method, callback))
    return canonical


def paginated_lists_document_invalid_pages(result, generator, request, public):
    """A page number past the end (or 0), or a bad cursor, is a 404 from the paginator: say so on every paged list."""
    not_found = {
        "description": _ERROR_TEXT[404],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if any(parameter.get("name") in ("page", "cursor") for parameter in operation.get("parameters", [])):
                operation.setdefault("responses", {}).setdefault("404", not_found)
    return result
