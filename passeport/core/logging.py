"""Logging formatter that masks NIR-looking numbers and bearer secrets carried in URLs (share
links' tokens, `sh_…`): identity data and secrets must never reach the logs."""

import logging
import re

# A NIR: sex digit, year, month, department (2A/2B for Corsica), commune, order, optional key.
_NIR = re.compile(
    r"\b[1-478]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b"
)


# A share link's token (passeport/sharing/links.py): its readable prefix is kept.
_SHARE_TOKEN = re.compile(r"\b(sh_[0-9a-f]{8})_[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    return _SHARE_TOKEN.sub(r"\1_[jeton masqué]", _NIR.sub("[NIR masqué]", text))


class RedactingFormatter(logging.Formatter):
    """Masks the whole formatted record — the message with its arguments, and the traceback of
    an exception whose text carries a NIR (a `ValueError` quoting a bad line, say), which a filter
    on the message alone would let through (CNIL: the NIR is never written to a log)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class ClientErrorsOnOneLine(logging.Filter):
    """`django.request` logs a refused request (403, 404…) with the exception that made it:
    a whole traceback for what is a normal answer. Those records keep their one line; server
    errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
