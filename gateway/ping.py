from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.schema import AUTH_ERRORS, BODY_ERRORS, COMMON_ERRORS, error_responses

_PONG = inline_serializer("Pong", {"pong": serializers.BooleanField()})


class PingApi(APIView):
    """Authenticated and trivial: authentication, parsing and rendering, no work. The intake benchmark's baseline."""

    @extend_schema(tags=["operations"], responses={200: _PONG, **error_responses(*AUTH_ERRORS, *COMMON_ERRORS)})
    def get(self, request):
        return Response({"pong": True})

    @extend_schema(
        tags=["operations"],
        request=None,
        responses={200: _PONG, **error_responses(*BODY_ERRORS, *AUTH_ERRORS, *COMMON_ERRORS)},
    )
    def post(self, request):
        request.data  # parse the body, as POST /api/tickets does, so the baseline pays for parsing too
        return Response({"pong": True})
