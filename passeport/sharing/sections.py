"""The sections of a passport a holder grants (consents, OAuth scopes, share links).

One list, read by the consent form, the agent's pages, the OAuth scopes and the API: a section
is a set of entry kinds (`passport.Entry.Kind`), or a capability of a higher app (competences,
CVs) named here so that a consent or a scope can already grant it.
"""

from dataclasses import dataclass

from passeport.passport.models import Entry

K = Entry.Kind


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    kinds: tuple[str, ...] = ()
    # Part of an organisation's consent (CVs are shared by link or by an application's scope).
    consentable: bool = True

    @property
    def scope(self) -> str:
        return f"passeport.{self.code}:lecture"


SECTIONS = (
    Section("certifications", "Certifications et diplômes", (K.CERTIFICATION, K.LICENCE)),
    Section("formations", "Formations", (K.TRAINING,)),
    Section(
        "experiences",
        "Expériences professionnelles et engagements",
        (K.EXPERIENCE, K.VOLUNTEERING, K.OTHER),
    ),
    Section("competences", "Compétences et « Mon avenir »"),
    Section("prevention", "Passeport de prévention", (K.PREVENTION,)),
    Section("cv", "CV", consentable=False),
)
BY_CODE = {section.code: section for section in SECTIONS}
CONSENTABLE = tuple(section for section in SECTIONS if section.consentable)


def kinds_of(codes) -> set[str]:
    """The entry kinds the given sections cover."""
    return {kind for code in codes if code in BY_CODE for kind in BY_CODE[code].kinds}


def section_of_kind(kind: str) -> Section | None:
    for section in SECTIONS:
        if kind in section.kinds:
            return section
    return None


def labels(codes) -> list[str]:
    return [BY_CODE[code].label for code in codes if code in BY_CODE]
