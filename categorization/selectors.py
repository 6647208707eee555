from django.conf import settings
from django.utils import timezone

from categorization.ai import BREAKER_NAME, ai_configured
from categorization.models import CircuitBreaker


def ai_categorizer_state() -> dict:
    """For the health endpoint: is the AI configured, and is its circuit breaker open?"""
    breaker = CircuitBreaker.objects.filter(name=BREAKER_NAME).first()
    now = timezone.now()
    failures = breaker.consecutive_failures if breaker else 0
    open_until = breaker.open_until if breaker else None
    circuit_open = bool(
        failures >= settings.CATEGORIZATION_AI_BREAKER_THRESHOLD and open_until is not None and open_until > now
    )
    return {
        "configured": ai_configured(),
        "model": settings.ANTHROPIC_MODEL,
        "circuit_open": circuit_open,
        "consecutive_failures": failures,
        "open_until": open_until.isoformat() if circuit_open else None,
        "last_error": (breaker.last_error[:200] if breaker and failures else ""),
    }
