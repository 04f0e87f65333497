"""Logging filter that masks NIR-looking numbers: identity data must never reach the logs."""

import logging
import re

# A NIR: sex digit, year, month, department (2A/2B for Corsica), commune, order, optional key.
_NIR = re.compile(
    r"\b[1-478]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b"
)


def redact(text: str) -> str:
    return _NIR.sub("[NIR masqué]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
