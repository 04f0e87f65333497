"""Logging filter that masks NIR-looking numbers and bearer secrets carried in URLs (share
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


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
