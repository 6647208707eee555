from rest_framework.response import Response
from rest_framework.views import APIView


class PingApi(APIView):
    """Authenticated and trivial: authentication, parsing and rendering, no work. The intake benchmark's baseline."""

    def get(self, request):
        return Response({"pong": True})

    def post(self, request):
        request.data  # parse the body, as POST /api/tickets does, so the baseline pays for parsing too
        return Response({"pong": True})
