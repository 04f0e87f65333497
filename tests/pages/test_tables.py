"""Every table of a page sits in a focusable, named region (DSFR table layout): a keyboard user
can scroll one that overflows sideways (RGAA 7.3, 12.8). Printed documents (PDF templates, the
printable attestation, the standalone export, the agent's print view) do not scroll."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "passeport"
PRINTED = {
    "proofs/templates/proofs/pdf/attestation_certification.html",
    "proofs/templates/proofs/pdf/attestation_prevention.html",
    "passport/templates/passport/prevention_attestation.html",
    "passport/templates/passport/export_standalone.html",
    "sharing/templates/sharing/agent_print.html",
}
REGION = re.compile(
    r'<div class="fr-table__container" tabindex="0" role="region" aria-label="(?:[^"{]|\{[^}]*\})+">'
    r'<div class="fr-table__content">\s*<table'
)


def test_every_table_of_a_page_is_a_focusable_named_region():
    unnamed = []
    for path in sorted(ROOT.rglob("*.html")):
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        if relative in PRINTED or "<table" not in text:
            continue
        if text.count("<table") != len(REGION.findall(text)):
            unnamed.append(relative)
    assert unnamed == []
    assert len(PRINTED) == sum((ROOT / p).is_file() for p in PRINTED)
