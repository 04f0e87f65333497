"""The holder's record in the formats other services read: JSON Resume and Europass CV XML.

Every entry keeps its trust level in the exported file (an extension property in JSON Resume,
whose schema allows additional properties; a `Passeport` note in Europass), so that a declared
entry can never come back as guaranteed.
"""

import json
import xml.etree.ElementTree as ET

from passeport.passport.export import passport_data
from passeport.passport.models import Entry, Holder

JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
# Europass CV XML of the Europass SkillsPassport (Cedefop), version 3.4.
EUROPASS_NS = "http://europass.cedefop.europa.eu/Europass"
EUROPASS_VERSION = "V3.4.0"


def _trust(entry: Entry) -> dict:
    return {
        "id": str(entry.pk),
        "nature": entry.kind,
        "niveau_de_confiance": entry.trust,
        "niveau_de_confiance_libelle": entry.get_trust_display(),
        "source": entry.source,
    }


def _date(value):
    return value.isoformat() if value else None


def _clean(item: dict) -> dict:
    return {key: value for key, value in item.items() if value not in (None, "")}


def json_resume(holder: Holder) -> dict:
    """The holder's passport as a JSON Resume document (jsonresume.org schema)."""
    data = passport_data(holder=holder)
    account = data["compte"] or {}
    resume = {
        "$schema": JSON_RESUME_SCHEMA,
        "basics": _clean(
            {
                "name": " ".join(
                    part for part in (account.get("prenom"), account.get("nom")) if part
                ),
                "email": account.get("adresse_electronique"),
            }
        ),
        "work": [],
        "volunteer": [],
        "education": [],
        "certificates": [],
        "awards": [],
        "meta": {"passeport": {"format": data["format"], "genere_le": data["genere_le"]}},
    }
    entries = holder_entries(holder)
    for entry in entries:
        trust = {"passeport": _trust(entry)}
        start, end = _date(entry.start_date), _date(entry.end_date)
        if entry.kind == Entry.Kind.EXPERIENCE:
            resume["work"].append(
                _clean(
                    {
                        "name": entry.organisation,
                        "position": entry.title,
                        "startDate": start,
                        "endDate": end,
                    }
                )
                | trust
            )
        elif entry.kind == Entry.Kind.VOLUNTEERING:
            resume["volunteer"].append(
                _clean(
                    {
                        "organization": entry.organisation,
                        "position": entry.title,
                        "startDate": start,
                        "endDate": end,
                    }
                )
                | trust
            )
        elif entry.kind == Entry.Kind.TRAINING:
            resume["education"].append(
                _clean(
                    {
                        "institution": entry.organisation,
                        "area": entry.title,
                        "startDate": start,
                        "endDate": end,
                    }
                )
                | trust
            )
        elif entry.kind in (Entry.Kind.CERTIFICATION, Entry.Kind.LICENCE, Entry.Kind.PREVENTION):
            resume["certificates"].append(
                _clean(
                    {
                        "name": entry.title,
                        "issuer": entry.organisation,
                        "date": _date(entry.award_date) or start,
                    }
                )
                | trust
            )
        else:
            resume["awards"].append(
                _clean(
                    {
                        "title": entry.title,
                        "awarder": entry.organisation,
                        "date": _date(entry.award_date) or start,
                    }
                )
                | trust
            )
    return resume


def holder_entries(holder: Holder):
    entries = Entry.objects.filter(holder=holder)
    if holder.person_id:
        entries = entries | Entry.objects.filter(person_id=holder.person_id)
    return entries.filter(withdrawn_at__isnull=True).order_by("kind", "-award_date", "title")


def json_resume_text(holder: Holder) -> str:
    return json.dumps(json_resume(holder), ensure_ascii=False, indent=2)


def _europass_date(parent, tag, value):
    if value:
        ET.SubElement(
            parent,
            tag,
            {
                "year": f"{value.year:04d}",
                "month": f"--{value.month:02d}",
                "day": f"---{value.day:02d}",
            },
        )


def europass_xml(holder: Holder) -> bytes:
    """The holder's passport as a Europass CV (SkillsPassport XML, version 3.4)."""
    data = passport_data(holder=holder)
    account = data["compte"] or {}
    ET.register_namespace("", EUROPASS_NS)
    q = f"{{{EUROPASS_NS}}}"
    root = ET.Element(f"{q}SkillsPassport", {"locale": "fr"})
    document = ET.SubElement(root, f"{q}DocumentInfo")
    ET.SubElement(document, f"{q}DocumentType").text = "ECV"
    ET.SubElement(document, f"{q}CreationDate").text = data["genere_le"]
    ET.SubElement(document, f"{q}XSDVersion").text = EUROPASS_VERSION
    ET.SubElement(document, f"{q}Generator").text = "Passeport"
    learner = ET.SubElement(root, f"{q}LearnerInfo")
    identification = ET.SubElement(learner, f"{q}Identification")
    name = ET.SubElement(identification, f"{q}PersonName")
    ET.SubElement(name, f"{q}FirstName").text = account.get("prenom", "")
    ET.SubElement(name, f"{q}Surname").text = account.get("nom", "")
    if account.get("adresse_electronique"):
        contact = ET.SubElement(identification, f"{q}ContactInfo")
        email = ET.SubElement(contact, f"{q}Email")
        ET.SubElement(email, f"{q}Contact").text = account["adresse_electronique"]
    works = ET.SubElement(learner, f"{q}WorkExperienceList")
    educations = ET.SubElement(learner, f"{q}EducationList")
    for entry in holder_entries(holder):
        if entry.kind in (Entry.Kind.EXPERIENCE, Entry.Kind.VOLUNTEERING):
            item = ET.SubElement(works, f"{q}WorkExperience")
            period = ET.SubElement(item, f"{q}Period")
            _europass_date(period, f"{q}From", entry.start_date)
            _europass_date(period, f"{q}To", entry.end_date)
            position = ET.SubElement(item, f"{q}Position")
            ET.SubElement(position, f"{q}Label").text = entry.title
            if entry.organisation:
                employer = ET.SubElement(item, f"{q}Employer")
                ET.SubElement(employer, f"{q}Name").text = entry.organisation
        else:
            item = ET.SubElement(educations, f"{q}Education")
            period = ET.SubElement(item, f"{q}Period")
            _europass_date(period, f"{q}From", entry.start_date)
            _europass_date(period, f"{q}To", entry.end_date or entry.award_date)
            ET.SubElement(item, f"{q}Title").text = entry.title
            if entry.organisation:
                organisation = ET.SubElement(item, f"{q}Organisation")
                ET.SubElement(organisation, f"{q}Name").text = entry.organisation
        # Europass has no trust level: the passport's is kept in the item's activities text,
        # readable by a person and by our own import.
        ET.SubElement(
            item, f"{q}Activities"
        ).text = (
            f"Passeport : {entry.get_trust_display()} ({entry.trust}; {entry.kind}; {entry.pk})"
        )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
