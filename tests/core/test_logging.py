"""Identity data and bearer secrets never reach the logs, whatever writes them."""

import subprocess
import sys
from pathlib import Path

from passeport.core.logging import redact

ROOT = Path(__file__).resolve().parents[2]
NIR = "1 85 05 78 006 084 36"

SCRIPT = f"""
import logging
log = logging.getLogger("passeport.test")
log.warning("passage refusé pour %s", "{NIR}")
log.warning("NIR collé : 185057800608436")
try:
    raise ValueError("ligne 4 : NIR {NIR} inconnu")
except ValueError:
    log.exception("import interrompu")
"""


def _logged_by(script: str) -> str:
    """What the project's configured logging prints while `manage.py shell` runs `script`."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_the_configured_logging_masks_nirs_in_messages_arguments_and_tracebacks(tmp_path):
    output = _logged_by(SCRIPT)
    assert "ValueError" in output and "import interrompu" in output
    assert output.count("[NIR masqué]") == 3, output
    assert "185057800608436" not in output and NIR not in output


def test_redact_keeps_what_is_not_a_nir():
    assert redact("dépôt 1234 de 600 passages, SIRET 13002526500013") == (
        "dépôt 1234 de 600 passages, SIRET 13002526500013"
    )
    assert redact("NIR 2 69 05 2A 123 456 78") == "NIR [NIR masqué]"


def test_a_refused_request_is_logged_on_one_line_a_crash_with_its_traceback():
    script = """
import logging
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils.log import log_response
from django.http import HttpResponse
request = RequestFactory().get("/depots/x/")
try:
    raise PermissionDenied("Votre rôle ne permet pas de déposer")
except PermissionDenied as exc:
    log_response("Forbidden (Permission denied): %s", request.path, response=HttpResponse(status=403), request=request, exception=exc)
try:
    raise RuntimeError("boom")
except RuntimeError as exc:
    log_response("Internal Server Error: %s", request.path, response=HttpResponse(status=500), request=request, exception=exc)
"""
    output = _logged_by(script)
    forbidden = [line for line in output.splitlines() if "Forbidden (Permission denied)" in line]
    assert len(forbidden) == 1
    assert "PermissionDenied" not in output  # no traceback for the 403
    assert "Traceback" in output and "RuntimeError: boom" in output  # the 500 keeps its own
