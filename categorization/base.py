"""The categorizer interface: every categorizer (AI, offline model, keyword rules)
answers with a department slug, a confidence 0-100 and its method, or None when it
cannot answer and the next one in the chain should try."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Categorization:
    department: str
    confidence: int
    method: str

    def __post_init__(self) -> None:
        # Confidence is clamped, never trusted to be in range.
        object.__setattr__(self, "confidence", max(0, min(100, int(self.confidence))))


class Categorizer(Protocol):
    method: str

    def categorize(self, *, title: str, description: str) -> Categorization | None: ...
