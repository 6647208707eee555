"""DRF throttles whose rates are read at request time from REST_FRAMEWORK settings
(``THROTTLE_ANON_RATE``, ``THROTTLE_TICKET_CREATE_RATE``), so tests and deploys can change them.

Counters live in the default cache, shared by all web workers. A throttled request is
a 429 in the error shape with a ``Retry-After`` header (seconds).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(_RateFromSettings, AnonRateThrottle):
    """Requests without credentials, per client IP."""

    scope = "anon"


class TicketCreateRateThrottle(_RateFromSettings, SimpleRateThrottle):
    """Ticket creation (POST only), per user; per IP for a request without a user."""

    scope = "ticket_create"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
