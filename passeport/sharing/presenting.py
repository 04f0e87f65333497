"""What a third party sees of a passport: entries grouped by section, with trust in words."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from passeport.passport.models import Entry

from .sections import SECTIONS, section_of_kind

SOURCE_NOTE = {
    Entry.Source.CERTIFIER_DEPOSIT: "transmise par l'organisme certificateur",
}


@dataclass
class SharedSection:
    code: str
    label: str
    entries: list = field(default_factory=list)


def verification_url(entry: Entry) -> str | None:
    """The public verification page of a guaranteed entry, once the proofs app serves one."""
    if not entry.is_guaranteed:
        return None
    try:
        return reverse("proofs:entry_verification", args=[entry.pk])
    except NoReverseMatch:
        return None


def group(entries) -> list[SharedSection]:
    sections = {s.code: SharedSection(s.code, s.label) for s in SECTIONS}
    for entry in entries:
        section = section_of_kind(entry.kind)
        if section is None:
            continue
        entry.verification_url = verification_url(entry)
        entry.source_label = entry.get_source_display()
        sections[section.code].entries.append(entry)
    return [s for s in sections.values() if s.entries]


def entries_for_display(queryset):
    return group(queryset.order_by(*Entry._meta.ordering))
