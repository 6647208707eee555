"""/api/schema: a valid OpenAPI 3 document covering every API URL; docs served offline."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

# The documentation endpoints describe the API; they are not part of it.
DOC_ROUTES = {"schema", "swagger-ui", "redoc"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def api_routes(prefix: str) -> dict[str, str]:
    """Every URL pattern under ``prefix`` as an OpenAPI path, by route name."""
    found: dict[str, str] = {}

    def walk(patterns, base: str) -> None:
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern if hasattr(pattern.pattern, "regex") else str(pattern.pattern)
            part = regex.lstrip("^").replace("\\Z", "").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, base + part)
            elif isinstance(pattern, URLPattern) and pattern.name:
                path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", base + part)
                path = "/" + path.replace("/?", "").rstrip("/")
                found[pattern.name] = path if path.rstrip("/") != prefix.rstrip("/") else prefix
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == prefix.lstrip("/"):
            walk(pattern.url_patterns, prefix.lstrip("/"))
    return found


def test_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_covers_every_url_under_api(schema):
    routes = api_routes("/api/v1/")
    assert {"ticket-list", "ticket-detail", "ticket-status", "health", "health-live", "health-ready"} <= set(routes)
    missing = {name: path for name, path in routes.items() if name not in DOC_ROUTES and path not in schema["paths"]}
    assert not missing, f"not in the schema: {missing}"
    # /api/ is the alias of /api/v1/: the same routes, described once under the canonical prefix.
    assert set(api_routes("/api/")) == set(routes)
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_error_response_uses_the_shared_error_shape(schema):
    error_ref = "#/components/schemas/Error"
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message", "fields"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"405", "500"} <= statuses, (path, method)
            for code, response in operation["responses"].items():
                if int(code) >= 400 and not (path.startswith("/api/v1/health") and code == "503"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == error_ref, (path, method, code)


def test_request_bodies_and_list_parameters_are_described(schema):
    create = schema["paths"]["/api/v1/tickets"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("TicketCreateRequest")
    assert {"201", "400", "413", "415", "429"} <= set(create["responses"])
    params = {param["name"] for param in schema["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert {
        "status", "department", "needs_review", "created_after", "created_before", "requester_email",
        "search", "ordering", "page", "page_size",
    } <= params


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/", "/api/docs", "/api/v1/redoc"])
def test_docs_pages_load_their_assets_locally(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert assets, html[:500]
    for asset in assets:
        assert asset.startswith("/static/"), f"external asset {asset}"
        assert client.get(asset).status_code == 200, asset
