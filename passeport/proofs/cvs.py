"""« Mes CV »: what a CV shows, assembled from the holder's passport.

A CV keeps the holder's choices (entries, sections in order, contact details, template); its
content is read from the passport when it is previewed or signed, so a CV always shows the
entries as they are, each with its trust level in words.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import formats, timezone

from passeport.core.models import AuditEvent
from passeport.passport.models import Entry, Holder

from . import referentials
from .models import CV, SignedDocument

SECTION_OF_KIND = {
    Entry.Kind.CERTIFICATION: "certifications",
    Entry.Kind.EXPERIENCE: "experiences",
    Entry.Kind.TRAINING: "formations",
    Entry.Kind.VOLUNTEERING: "engagements",
    Entry.Kind.LICENCE: "permis",
    Entry.Kind.PREVENTION: "prevention",
    Entry.Kind.OTHER: "autres",
}
CONTACT_FIELDS = {
    "email": "Courriel",
    "phone": "Téléphone",
    "city": "Ville",
    "website": "Site ou profil en ligne",
}


def trust_words(entry: Entry) -> str:
    """The trust level of an entry, in words, as printed on a CV."""
    if entry.is_guaranteed:
        source = entry.organisation or entry.get_source_display()
        return f"Donnée garantie — transmise par {source}"
    if entry.trust == Entry.Trust.DECLARED_WITH_PROOF:
        return "Déclarée par le titulaire, avec justificatif"
    return "Déclarée par le titulaire"


def _month(day) -> str:
    return formats.date_format(day, "F Y") if day else ""


def period(entry: Entry) -> str:
    if entry.award_date:
        return f"Obtenu en {_month(entry.award_date)}"
    if entry.start_date and entry.end_date:
        return f"{_month(entry.start_date)} – {_month(entry.end_date)}"
    if entry.start_date:
        return f"Depuis {_month(entry.start_date)}"
    return ""


@dataclass
class Line:
    entry: Entry
    title: str
    organisation: str
    period: str
    trust: str
    trust_words: str
    code: str = ""
    details: list[str] = field(default_factory=list)

    def snapshot(self) -> dict:
        return {
            "entry": str(self.entry.pk),
            "title": self.title,
            "organisation": self.organisation,
            "period": self.period,
            "trust": self.trust,
            "code": self.code,
        }


@dataclass
class Section:
    key: str
    label: str
    lines: list[Line] = field(default_factory=list)
    competences: list = field(default_factory=list)


@dataclass
class Content:
    full_name: str
    headline: str
    summary: str
    contact: list[tuple[str, str]]
    sections: list[Section]
    guaranteed: list[Entry]


def full_name(holder: Holder) -> str:
    pivot = holder.pivot
    name = " ".join(p for p in (pivot.get("given_name", ""), pivot.get("family_name", "")) if p)
    return name or holder.user.display_name


def line(entry: Entry) -> Line:
    details = [
        f"Mention {entry.details['mention']}" if entry.details.get("mention") else "",
        entry.details.get("job_title", ""),
        entry.details.get("description", ""),
    ]
    return Line(
        entry=entry,
        title=entry.title,
        organisation=entry.organisation,
        period=period(entry),
        trust=entry.trust,
        trust_words=trust_words(entry),
        code=entry.certification_code,
        details=[d for d in details if d],
    )


def choosable_entries(holder: Holder) -> list[Entry]:
    """Every entry the holder may put on a CV (provisional guaranteed ones are left out)."""
    return [e for e in Entry.objects.of_holder(holder) if not (e.is_guaranteed and e.provisional)]


def selected_entries(holder: Holder, entry_ids) -> list[Entry]:
    wanted = {str(i) for i in entry_ids}
    return [entry for entry in choosable_entries(holder) if str(entry.pk) in wanted]


def content(cv: CV) -> Content:
    entries = selected_entries(cv.holder, cv.entry_ids)
    by_section: dict[str, list[Line]] = {}
    for entry in entries:
        by_section.setdefault(SECTION_OF_KIND.get(entry.kind, "autres"), []).append(line(entry))
    sections = []
    for key in cv.ordered_sections():
        if key == "competences":
            competences = referentials.cv_competences(cv.holder, entries)
            if competences:
                sections.append(Section(key, CV.SECTIONS[key], competences=competences))
        elif by_section.get(key):
            sections.append(Section(key, CV.SECTIONS[key], by_section[key]))
    contact = [
        (label, str(cv.contact.get(name, "")).strip())
        for name, label in CONTACT_FIELDS.items()
        if str(cv.contact.get(name, "")).strip()
    ]
    return Content(
        full_name=full_name(cv.holder),
        headline=cv.headline,
        summary=cv.summary,
        contact=contact,
        sections=sections,
        guaranteed=[e for e in entries if e.is_guaranteed],
    )


def snapshot(cv_content: Content) -> dict:
    return {
        "titulaire": cv_content.full_name,
        "titre": cv_content.headline,
        "entrees": [line.snapshot() for section in cv_content.sections for line in section.lines],
    }


@transaction.atomic
def revoke(cv: CV, *, actor) -> int:
    """The holder revokes a CV: every PDF signed from it now verifies as « révoqué par son
    titulaire »; returns how many PDFs were revoked."""
    now = timezone.now()
    if cv.revoked_at is None:
        cv.revoked_at = now
        cv.save(update_fields=["revoked_at", "updated_at"])
    count = SignedDocument.objects.filter(cv=cv, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    AuditEvent.record("proofs.cv_revoked", actor=actor, target=cv, documents=count)
    return count
