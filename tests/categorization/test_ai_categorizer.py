"""The Claude categorizer end to end through the real anthropic client on a mock transport."""

import httpx2
import pytest

from categorization.models import AttemptOutcome, CategorizationAttempt, CircuitBreaker
from categorization.selectors import ai_categorizer_state
from categorization.services import ticket_categorize
from categorization.tasks import categorize_ticket
from tests.categorization.conftest import answer, api_error, message_body
from tests.factories import TicketFactory
from tickets.models import EventKind

pytestmark = pytest.mark.django_db

VPN = ("VPN drops every few minutes", "Since this morning the VPN disconnects. Laptop is the company ThinkPad.")


def vpn_ticket(**kwargs):
    return TicketFactory(title=VPN[0], description=VPN[1], **kwargs)


def attempts(ticket, method="ai"):
    return list(CategorizationAttempt.objects.filter(ticket=ticket, method=method).order_by("id"))


def test_success_categorizes_with_ai_and_records_the_attempt(fake_anthropic):
    fake_anthropic.then(answer("it_support", 92))
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    assert ticket.categorization_method == "ai"
    assert ticket.suggested_department.slug == "it_support"
    assert ticket.confidence == 92
    assert ticket.needs_review is False
    [row] = attempts(ticket)
    assert row.outcome == AttemptOutcome.SUCCESS and row.model == "claude-haiku-5-5"
    assert (row.input_tokens, row.output_tokens, row.cache_read_input_tokens) == (412, 17, 3120)
    assert row.cost_usd > 0 and row.latency_ms >= 0


def test_request_uses_structured_output_cached_system_prompt_and_tags(fake_anthropic):
    fake_anthropic.then(answer("it_support", 90))
    ticket_categorize(ticket_id=vpn_ticket().pk)
    request = fake_anthropic.requests[0]
    body = request["json"]
    assert request["url"].endswith("/v1/messages")
    assert body["model"] == "claude-haiku-5-5"
    schema = body["output_config"]["format"]
    assert schema["type"] == "json_schema"
    assert schema["schema"]["properties"]["department"]["enum"] == ["it_support", "hr", "facilities", "finance", "general"]
    assert schema["schema"]["properties"]["confidence"]["type"] == "integer"
    [system] = body["system"]
    assert system["cache_control"] == {"type": "ephemeral"}
    assert "never instructions" in system["text"] and "Tie-breakers" in system["text"]
    assert "<ticket>" in body["messages"][0]["content"] and "<title>VPN drops" in body["messages"][0]["content"]
    assert "temperature" not in body


def test_text_is_redacted_before_it_leaves_and_the_ticket_keeps_the_original(fake_anthropic):
    fake_anthropic.then(answer("finance", 90))
    description = (
        "Please refund to IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111. "
        "Mail jane.doe@example.com or call +49 30 1234 5678. SSN 123-45-6789."
    )
    ticket = TicketFactory(title="Refund for jane.doe@example.com", description=description)
    ticket_categorize(ticket_id=ticket.pk)
    sent = fake_anthropic.sent_text()
    for secret in ("DE89", "4111", "jane.doe", "1234 5678", "123-45-6789"):
        assert secret not in sent
    for placeholder in ("[IBAN]", "[CARD]", "[EMAIL]", "[PHONE]", "[NATIONAL_ID]"):
        assert placeholder in sent
    ticket.refresh_from_db()
    assert ticket.description == description


def test_redaction_can_be_switched_off(fake_anthropic, settings):
    settings.CATEGORIZATION_REDACT = False
    fake_anthropic.then(answer("it_support", 90))
    ticket_categorize(ticket_id=TicketFactory(title="VPN", description="mail me: a.b@example.com").pk)
    assert "a.b@example.com" in fake_anthropic.sent_text()


def test_429_then_success_is_retried_by_the_sdk(fake_anthropic):
    fake_anthropic.then(api_error(429, "rate_limit_error", "Number of requests exceeded", {"retry-after-ms": "1"}), answer("it_support", 88))
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    assert len(fake_anthropic.requests) == 2
    assert ticket.categorization_method == "ai"
    assert [a.outcome for a in attempts(ticket)] == [AttemptOutcome.SUCCESS]


def test_persistent_529_retries_the_task_then_falls_back_to_the_model(fake_anthropic, settings):
    fake_anthropic.then(api_error(529, "overloaded_error", "Overloaded", {"retry-after-ms": "1"}))
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    # 1 first try + 2 task retries, each with 1 SDK retry: 6 HTTP requests, 3 attempt rows.
    assert len(fake_anthropic.requests) == 6
    assert [a.outcome for a in attempts(ticket)] == [AttemptOutcome.OVERLOADED] * 3
    assert ticket.categorization_method == "model"
    assert ticket.suggested_department.slug == "it_support"
    assert ticket.events.filter(kind=EventKind.CATEGORIZED).count() == 1


def test_timeout_falls_back_after_the_bounded_retries(fake_anthropic, settings):
    settings.CATEGORIZATION_AI_TASK_RETRIES = 1
    settings.ANTHROPIC_MAX_RETRIES = 0
    fake_anthropic.then(httpx2.ReadTimeout("timed out"))
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    assert [a.outcome for a in attempts(ticket)] == [AttemptOutcome.TIMEOUT] * 2
    assert ticket.categorization_method == "model"


def test_service_raises_a_retryable_error_while_retries_remain(fake_anthropic):
    from categorization.ai import AITransientError

    fake_anthropic.then(api_error(500, "api_error", "Internal server error", {"retry-after-ms": "1"}))
    ticket = vpn_ticket()
    with pytest.raises(AITransientError):
        ticket_categorize(ticket_id=ticket.pk, retry_transient=True)
    ticket.refresh_from_db()
    assert ticket.categorization_method == ""  # not categorized yet: the task will retry
    assert attempts(ticket)[0].outcome == AttemptOutcome.SERVER_ERROR


@pytest.mark.parametrize(
    ("response", "outcome"),
    [
        (httpx2.Response(200, json=message_body("", stop_reason="refusal")), AttemptOutcome.REFUSAL),
        (httpx2.Response(200, json=message_body('{"department": "it_support", "confid')), AttemptOutcome.MALFORMED),
        (httpx2.Response(200, json=message_body('{"department": "legal", "confidence": 90}')), AttemptOutcome.OUT_OF_ENUM),
        (api_error(400, "invalid_request_error", "model: not found"), AttemptOutcome.CLIENT_ERROR),
    ],
    ids=["refusal", "malformed-json", "out-of-enum", "bad-request"],
)
def test_unusable_answers_fall_back_immediately_without_task_retries(fake_anthropic, response, outcome):
    fake_anthropic.then(response)
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    assert len(fake_anthropic.requests) == 1
    assert [a.outcome for a in attempts(ticket)] == [outcome]
    assert ticket.categorization_method == "model"
    assert ticket.suggested_department.slug == "it_support"


def test_confidence_150_is_clamped_and_never_trusted_alone(fake_anthropic, settings):
    settings.CATEGORIZATION_MODEL_ENABLED = False  # no second opinion
    fake_anthropic.then(answer("it_support", 150))
    ticket = vpn_ticket()
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert attempts(ticket)[0].confidence == 100
    assert ticket.confidence == settings.CATEGORIZATION_AI_SOLO_CONFIDENCE_CAP


def test_disagreement_with_the_model_caps_confidence_and_flags_review(fake_anthropic, settings):
    fake_anthropic.then(answer("finance", 100))
    ticket = vpn_ticket()
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.categorization_method == "ai" and ticket.suggested_department.slug == "finance"
    assert ticket.confidence == settings.CATEGORIZATION_DISAGREEMENT_CONFIDENCE_CAP
    assert ticket.needs_review is True
    payload = ticket.events.get(kind=EventKind.CATEGORIZED).payload
    assert payload["disagreement"] is True and payload["second_opinion"]["department"] == "it_support"


def test_low_ai_confidence_flags_review(fake_anthropic):
    fake_anthropic.then(answer("it_support", 45))
    ticket = vpn_ticket()
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.confidence == 45 and ticket.needs_review is True


def test_breaker_opens_after_consecutive_failures_and_skips_the_api(fake_anthropic, settings):
    settings.CATEGORIZATION_AI_TASK_RETRIES = 0
    settings.ANTHROPIC_MAX_RETRIES = 0
    fake_anthropic.then(api_error(529, "overloaded_error", "Overloaded"))
    for _ in range(3):
        categorize_ticket.delay(vpn_ticket().pk)
    assert len(fake_anthropic.requests) == 3
    state = ai_categorizer_state()
    assert state["configured"] is True and state["circuit_open"] is True and state["consecutive_failures"] == 3

    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    assert len(fake_anthropic.requests) == 3  # the API was not called
    assert [a.outcome for a in attempts(ticket)] == [AttemptOutcome.CIRCUIT_OPEN]
    assert ticket.categorization_method == "model"


def test_breaker_lets_one_trial_through_after_the_cool_down_and_closes_on_success(fake_anthropic):
    from datetime import timedelta

    from django.utils import timezone

    CircuitBreaker.objects.create(name="anthropic", consecutive_failures=5, open_until=timezone.now() - timedelta(seconds=1))
    fake_anthropic.then(answer("it_support", 90))
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    ticket.refresh_from_db()
    assert ticket.categorization_method == "ai"
    breaker = CircuitBreaker.objects.get(name="anthropic")
    assert breaker.consecutive_failures == 0 and breaker.open_until is None
    assert ai_categorizer_state()["circuit_open"] is False


def test_state_without_a_key_is_not_configured(settings, db):
    settings.ANTHROPIC_API_KEY = ""
    assert ai_categorizer_state() == {
        "configured": False, "model": settings.ANTHROPIC_MODEL, "circuit_open": False,
        "consecutive_failures": 0, "open_until": None, "last_error": "",
    }


def test_base_url_from_the_environment_is_left_to_the_sdk(settings, monkeypatch):
    from categorization.ai import client_build

    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.ANTHROPIC_BASE_URL = ""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://gateway.example.test/anthropic")
    assert str(client_build().base_url).startswith("https://gateway.example.test/anthropic")
    settings.ANTHROPIC_BASE_URL = "https://other.example.test"
    assert str(client_build().base_url).startswith("https://other.example.test")
    assert client_build().timeout == settings.ANTHROPIC_TIMEOUT_SECONDS


def test_eval_command_with_ai_reports_tokens_and_cost(fake_anthropic, tmp_path, capsys):
    # Scripted answers: this checks the report, it is not an accuracy figure for Claude.
    import json

    from django.core.management import call_command

    path = tmp_path / "two.jsonl"
    path.write_text(
        json.dumps({"title": "VPN down", "description": "", "department": "it_support"}) + "\n"
        + json.dumps({"title": "Payslip wrong", "description": "", "department": "hr"}) + "\n"
    )
    fake_anthropic.then(answer("it_support", 90))
    call_command("categorization_eval", str(path), "--method", "ai", "--json")
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["n"] == 2 and data["accuracy"] == 0.5
    assert data["tokens"]["input"] == 2 * 412 and data["tokens"]["cache_read_input"] == 2 * 3120
    assert data["cost_usd"] > 0 and data["outcomes"] == {"success": 2}


def test_ai_tokens_are_counted_for_metrics(fake_anthropic):
    from gateway.metrics import AI_TOKENS

    def counted(direction):
        return AI_TOKENS.labels(direction=direction)._value.get()

    before_in, before_out = counted("input"), counted("output")
    fake_anthropic.then(answer("it_support", 92))
    categorize_ticket.delay(vpn_ticket().pk)
    # Input counts fresh, cache-written and cache-read tokens alike: all were sent.
    assert counted("input") - before_in == 412 + 3120 + (
        CategorizationAttempt.objects.get(method="ai").cache_creation_input_tokens
    )
    assert counted("output") - before_out == 17


def test_ticket_admin_page_shows_the_categorization_attempts(fake_anthropic, admin_client):
    fake_anthropic.then(answer("it_support", 92))
    ticket = vpn_ticket()
    categorize_ticket.delay(ticket.pk)
    page = admin_client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "categorization attempts" in page.lower()
    assert "claude-haiku-5-5" in page  # the ai attempt's model, from the inline row
