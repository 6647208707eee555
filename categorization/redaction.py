"""Redact personal data before ticket text leaves the system (the stored ticket keeps the original).

Each kind is a pattern and a placeholder; the order matters (an IBAN is matched before its digits
could look like a phone number, a card before a phone).
"""

import re

_CARD_CANDIDATE = re.compile(r"(?<![\w])(?:\d[ -]?){12,18}\d(?![\w])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _redact_cards(text: str) -> str:
    def replace(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "[CARD]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)

    return _CARD_CANDIDATE.sub(replace, text)


PATTERNS: dict[str, tuple[re.Pattern, str]] = {
    "email": (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), "[EMAIL]"),
    # IBAN: country code, check digits, 11-30 alphanumerics, optionally grouped by spaces.
    "iban": (re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b"), "[IBAN]"),
    # National-ID-like: US SSN, UK National Insurance number, German tax id (11 digits), French INSEE
    # (13 digits + key), Spanish DNI/NIE.
    "national_id": (
        re.compile(
            r"\b\d{3}-\d{2}-\d{4}\b"
            r"|\b[A-CEGHJ-PR-TW-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]\b"
            r"|\b[12][ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{3}[ ]?\d{3}(?:[ ]?\d{2})?\b"
            r"|\b[XYZ]?\d{7,8}[A-Z]\b"
            r"|\b\d{11}\b",
            re.IGNORECASE,
        ),
        "[NATIONAL_ID]",
    ),
    # Phones: international (+49 ..., 0044 ...), North American (555) 123-4567, and national
    # numbers that start with 0 and have at least 8 digits in groups.
    "phone": (
        re.compile(
            r"(?<![\w+])(?:\+|00)\d{1,3}(?:[ .\-/]?\(?\d{1,4}\)?){2,5}\d(?!\w)"
            r"|(?<![\w])\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}(?!\w)"
            r"|(?<![\w.,])0\d{2,4}(?:[ \-/]\d{2,8}){1,3}(?![\w.,]\d)"
        ),
        "[PHONE]",
    ),
}
KINDS = ("email", "iban", "card", "national_id", "phone")


def text_redact(*, text: str, kinds: tuple[str, ...] | list[str] = KINDS) -> str:
    """Replace personal data of the given kinds with placeholders such as [EMAIL]."""
    for kind in KINDS:
        if kind not in kinds:
            continue
        if kind == "card":
            text = _redact_cards(text)
            continue
        pattern, placeholder = PATTERNS[kind]
        text = pattern.sub(placeholder, text)
    return text
