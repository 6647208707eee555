import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from categorization.ai import AITransientError, ClaudeCategorizer, ai_configured
from categorization.base import Categorization, Categorizer
from categorization.keywords import KeywordCategorizer
from categorization.models import AttemptOutcome, CategorizationAttempt, CircuitBreaker
from categorization.offline import ModelCategorizer
from tickets.models import Department, EventKind, PipelineState, Ticket, pipeline_reached
from tickets.services import event_record

logger = logging.getLogger(__name__)


def categorizer_chain(*, ticket_id: int | None = None, retry_transient: bool = False) -> list[Categorizer]:
    """The categorizers to try, best first; the last one always answers.

    Claude when ANTHROPIC_API_KEY is set, then the offline model, then the keyword rules.
    """
    chain: list[Categorizer] = []
    if ai_configured():
        chain.append(ClaudeCategorizer(ticket_id=ticket_id, retry_transient=retry_transient))
    if settings.CATEGORIZATION_MODEL_ENABLED:
        chain.append(ModelCategorizer())
    chain.append(KeywordCategorizer())
    return chain


@dataclass(frozen=True)
class CategorizationDecision:
    result: Categorization
    needs_review: bool
    second_opinion: Categorization | None = None
    disagreement: bool = False


def _model_name(categorizer: Categorizer) -> str:
    return getattr(categorizer, "model_name", "rules" if categorizer.method == "keywords" else "")


def _second_opinion(*, title: str, description: str) -> Categorization | None:
    if not settings.CATEGORIZATION_MODEL_ENABLED:
        return None
    try:
        return ModelCategorizer().categorize(title=title, description=description)
    except Exception:  # noqa: BLE001 -- a broken model only loses the cross-check
        logger.warning("offline model unavailable for the AI cross-check", exc_info=True)
        return None


def decision_review(*, result: Categorization, second_opinion: Categorization | None) -> CategorizationDecision:
    """Apply the review rules: a self-reported AI confidence is trusted only when the offline model
    agrees; on disagreement it is capped and the ticket is flagged; below the threshold, review."""
    confidence = result.confidence
    disagreement = False
    if result.method == "ai":
        if second_opinion is None:
            confidence = min(confidence, settings.CATEGORIZATION_AI_SOLO_CONFIDENCE_CAP)
        elif second_opinion.department != result.department:
            disagreement = True
            confidence = min(confidence, settings.CATEGORIZATION_DISAGREEMENT_CONFIDENCE_CAP)
    final = Categorization(department=result.department, confidence=confidence, method=result.method)
    needs_review = disagreement or final.confidence < settings.CATEGORIZATION_REVIEW_THRESHOLD
    return CategorizationDecision(
        result=final, needs_review=needs_review, second_opinion=second_opinion, disagreement=disagreement
    )


def text_categorize(
    *, title: str, description: str, ticket_id: int | None = None, retry_transient: bool = False, record: bool = False
) -> CategorizationDecision:
    """Ask each categorizer in turn; the first that answers wins, then the review rules apply.

    Raises AITransientError when the AI was busy and ``retry_transient`` asks for a later retry.
    With ``record`` the offline and keyword attempts get rows too (the AI always records its own).
    """
    for categorizer in categorizer_chain(ticket_id=ticket_id, retry_transient=retry_transient):
        started = timezone.now()
        try:
            result = categorizer.categorize(title=title, description=description)
        except AITransientError:
            raise
        except Exception as error:  # noqa: BLE001 -- one broken categorizer must not stop the chain
            logger.warning("categorizer %s failed; trying the next one", categorizer.method, exc_info=True)
            if record:
                attempt_record(
                    ticket_id=ticket_id, method=categorizer.method, model=_model_name(categorizer),
                    outcome=AttemptOutcome.UNAVAILABLE, error=f"{type(error).__name__}: {error}"[:2000],
                )
            continue
        if record and categorizer.method != "ai":
            latency_ms = round((timezone.now() - started).total_seconds() * 1000)
            attempt_record(
                ticket_id=ticket_id, method=categorizer.method, model=_model_name(categorizer),
                outcome=AttemptOutcome.SUCCESS if result else AttemptOutcome.UNAVAILABLE,
                department=result.department if result else "", confidence=result.confidence if result else None,
                latency_ms=latency_ms,
            )
        if result is not None:
            second = _second_opinion(title=title, description=description) if result.method == "ai" else None
            return decision_review(result=result, second_opinion=second)
    raise RuntimeError("the categorizer chain ended without an answer")


def ticket_categorize(*, ticket_id: int, retry_transient: bool = False) -> Ticket | None:
    """Categorize a ticket once. Safe to run twice: a categorized ticket is left as is.

    The categorizers run outside the transaction (the AI may take seconds); the row
    is locked only to apply the answer. With ``retry_transient`` a busy AI raises
    AITransientError for the task to retry; without it the chain falls back at once.
    """
    ticket = Ticket.objects.filter(pk=ticket_id).only("title", "description", "pipeline_state").first()
    if ticket is None or pipeline_reached(ticket.pipeline_state, PipelineState.CATEGORIZED):
        return ticket
    decision = text_categorize(
        title=ticket.title, description=ticket.description, ticket_id=ticket_id,
        retry_transient=retry_transient, record=True,
    )
    result = decision.result
    department = Department.objects.get(slug=result.department)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        if pipeline_reached(ticket.pipeline_state, PipelineState.CATEGORIZED):
            return ticket
        ticket.suggested_department = department
        ticket.confidence = result.confidence
        ticket.categorization_method = result.method
        ticket.needs_review = decision.needs_review
        ticket.categorized_at = timezone.now()
        ticket.pipeline_state = PipelineState.CATEGORIZED
        ticket.save(
            update_fields=[
                "suggested_department", "confidence", "categorization_method", "needs_review",
                "categorized_at", "pipeline_state", "updated_at",
            ]
        )
        payload = {
            "department": result.department,
            "confidence": result.confidence,
            "method": result.method,
            "needs_review": ticket.needs_review,
        }
        if decision.second_opinion is not None:
            payload["second_opinion"] = {
                "method": decision.second_opinion.method,
                "department": decision.second_opinion.department,
                "confidence": decision.second_opinion.confidence,
            }
            payload["disagreement"] = decision.disagreement
        event_record(ticket=ticket, kind=EventKind.CATEGORIZED, payload=payload, dedupe_key="categorized")
    return ticket


def attempt_record(
    *,
    ticket_id: int | None,
    method: str,
    model: str,
    outcome: str,
    department: str = "",
    confidence: int | None = None,
    latency_ms: int = 0,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cache_creation_input_tokens: int = 0,
    cache_read_input_tokens: int = 0,
    cost_usd: Decimal = Decimal(0),
    request_id: str = "",
    error: str = "",
) -> CategorizationAttempt:
    """Record one categorizer attempt (audit and cost analytics), and count its tokens for /metrics."""
    if input_tokens or output_tokens or cache_creation_input_tokens or cache_read_input_tokens:
        from gateway.metrics import AI_TOKENS

        AI_TOKENS.labels(direction="input").inc(input_tokens + cache_creation_input_tokens + cache_read_input_tokens)
        AI_TOKENS.labels(direction="output").inc(output_tokens)
    return CategorizationAttempt.objects.create(
        ticket_id=ticket_id, method=method, model=model[:100], outcome=outcome, department=department,
        confidence=confidence, latency_ms=max(0, latency_ms), input_tokens=input_tokens, output_tokens=output_tokens,
        cache_creation_input_tokens=cache_creation_input_tokens, cache_read_input_tokens=cache_read_input_tokens,
        cost_usd=cost_usd, request_id=request_id[:100], error=error,
    )


def _breaker_row(*, name: str) -> CircuitBreaker:
    breaker, _ = CircuitBreaker.objects.get_or_create(name=name)
    return breaker


def breaker_allows(*, name: str) -> bool:
    """May a worker call the API now? No while the breaker is open. When the cool-down has passed
    one worker gets a trial call; the others keep skipping until it reports back."""
    now = timezone.now()
    breaker = CircuitBreaker.objects.filter(name=name).only("consecutive_failures", "open_until").first()
    if breaker is None or breaker.consecutive_failures < settings.CATEGORIZATION_AI_BREAKER_THRESHOLD:
        return True
    if breaker.open_until and breaker.open_until > now:
        return False
    with transaction.atomic():
        breaker = CircuitBreaker.objects.select_for_update().get(name=name)
        if breaker.open_until and breaker.open_until > now:
            return False  # another worker took the trial
        # Half-open: this worker tries; the others skip while it does.
        trial_seconds = settings.ANTHROPIC_TIMEOUT_SECONDS * (settings.ANTHROPIC_MAX_RETRIES + 1) + 5
        breaker.open_until = now + timedelta(seconds=trial_seconds)
        breaker.save(update_fields=["open_until", "updated_at"])
    return True


def breaker_record(*, name: str, success: bool, error: str = "") -> None:
    """Count a failure (opening the breaker at the threshold) or close it after a success."""
    if success:
        CircuitBreaker.objects.filter(name=name).exclude(consecutive_failures=0, open_until=None).update(
            consecutive_failures=0, open_until=None, updated_at=timezone.now()
        )
        return
    _breaker_row(name=name)
    now = timezone.now()
    with transaction.atomic():
        breaker = CircuitBreaker.objects.select_for_update().get(name=name)
        breaker.consecutive_failures += 1
        breaker.last_failure_at = now
        breaker.last_error = error[:2000]
        if breaker.consecutive_failures >= settings.CATEGORIZATION_AI_BREAKER_THRESHOLD:
            breaker.open_until = now + timedelta(seconds=settings.CATEGORIZATION_AI_BREAKER_COOLDOWN_SECONDS)
            logger.warning("AI circuit breaker open for %ss after %s failures", 
                           settings.CATEGORIZATION_AI_BREAKER_COOLDOWN_SECONDS, breaker.consecutive_failures)
        breaker.save(update_fields=["consecutive_failures", "last_failure_at", "last_error", "open_until", "updated_at"])


def ai_retry_countdown(*, retries: int) -> float:
    """Seconds before the task's next try: exponential backoff with jitter, capped."""
    delay = min(settings.CATEGORIZATION_AI_RETRY_MAX_SECONDS, settings.CATEGORIZATION_AI_RETRY_BASE_SECONDS * 2**retries)
    return delay * (0.5 + random.random() / 2)
