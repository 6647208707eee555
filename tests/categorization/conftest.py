import json

import httpx2
import pytest

from categorization import ai
from ticketsystem.celery import app as celery_app

MODEL_ID = "claude-haiku-5-5"


def message_body(text: str, *, stop_reason: str = "end_turn") -> dict:
    """A response shaped like the real Messages API."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": MODEL_ID,
        "content": [{"type": "text", "text": text}] if text is not None else [],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 412,
            "output_tokens": 17,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 3120,
        },
    }


def answer(department: str, confidence: int) -> httpx2.Response:
    return httpx2.Response(
        200, json=message_body(json.dumps({"department": department, "confidence": confidence})),
        headers={"request-id": "req_011CTest"},
    )


def api_error(status: int, kind: str, message: str, headers: dict | None = None) -> httpx2.Response:
    return httpx2.Response(
        status, json={"type": "error", "error": {"type": kind, "message": message}}, headers=headers or {}
    )


class FakeAnthropic:
    """The real anthropic client on an httpx2.MockTransport: scripted responses, recorded requests."""

    def __init__(self) -> None:
        self.script: list = []
        self.requests: list[dict] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append({"url": str(request.url), "headers": dict(request.headers), "json": json.loads(request.content)})
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        if callable(step):
            return step(request)
        return step

    def then(self, *steps) -> "FakeAnthropic":
        self.script = list(steps)
        return self

    def sent_text(self, index: int = -1) -> str:
        return self.requests[index]["json"]["messages"][0]["content"]


@pytest.fixture
def ai_settings(settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.ANTHROPIC_BASE_URL = ""
    settings.ANTHROPIC_MODEL = MODEL_ID
    settings.ANTHROPIC_MAX_RETRIES = 1
    settings.CATEGORIZATION_AI_TASK_RETRIES = 2
    settings.CATEGORIZATION_AI_BREAKER_THRESHOLD = 3
    settings.CATEGORIZATION_AI_BREAKER_COOLDOWN_SECONDS = 60
    settings.CATEGORIZATION_REDACT = True
    return settings


@pytest.fixture
def fake_anthropic(ai_settings, monkeypatch):
    fake = FakeAnthropic()
    real_build = ai.client_build

    def build(**overrides):
        return real_build(http_client=httpx2.Client(transport=httpx2.MockTransport(fake.handler)), **overrides)

    monkeypatch.setattr(ai, "client_build", build)
    # Run task retries the way a worker does: an eager task that calls self.retry() is applied
    # again (with retries + 1) only when eager exceptions do not propagate.
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield fake
    celery_app.conf.task_eager_propagates = previous
