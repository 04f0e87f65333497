"""JSON Resume and Europass CV exports: valid, complete, and the trust levels kept."""

import jsonschema

from passeport.flux import safexml
from passeport.interop import exporting
from passeport.passport.models import Entry

NS = {"e": exporting.EUROPASS_NS}


def _trusts(resume):
    return {
        item["passeport"]["id"]: item["passeport"]["niveau_de_confiance"]
        for section in ("work", "volunteer", "education", "certificates", "awards")
        for item in resume[section]
    }


def test_json_resume_validates_against_the_published_schema(rich_holder, json_resume_schema):
    resume = exporting.json_resume(rich_holder)
    jsonschema.Draft7Validator(
        json_resume_schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(resume)
    assert resume["basics"]["email"] == rich_holder.user.email
    assert [w["position"] for w in resume["work"]] == ["Technicienne support"]
    assert resume["work"][0]["startDate"] == "2021-03-01"
    assert {c["name"] for c in resume["certificates"]} == {"BTS Services informatiques", "Permis B"}


def test_the_schema_refuses_what_it_should(json_resume_schema):
    # The fixture is the real schema: a wrongly typed field fails.
    validator = jsonschema.Draft7Validator(json_resume_schema)
    assert not validator.is_valid({"basics": {"name": 3}})


def test_json_resume_keeps_every_entry_with_its_trust_level(rich_holder):
    resume = exporting.json_resume(rich_holder)
    entries = Entry.objects.filter(holder=rich_holder) | Entry.objects.filter(
        person=rich_holder.person
    )
    assert _trusts(resume) == {str(e.pk): e.trust for e in entries}
    assert sorted(_trusts(resume).values()).count("garantie") == 1


def test_europass_cv_holds_every_entry_and_its_trust_level(rich_holder):
    root = safexml.fromstring(exporting.europass_xml(rich_holder))
    assert root.tag == f"{{{exporting.EUROPASS_NS}}}SkillsPassport"
    assert root.findtext("e:DocumentInfo/e:XSDVersion", namespaces=NS) == "V3.4.0"
    assert (
        root.findtext(
            "e:LearnerInfo/e:Identification/e:ContactInfo/e:Email/e:Contact", namespaces=NS
        )
        == rich_holder.user.email
    )
    works = root.findall("e:LearnerInfo/e:WorkExperienceList/e:WorkExperience", NS)
    educations = root.findall("e:LearnerInfo/e:EducationList/e:Education", NS)
    assert len(works) == 2 and len(educations) == 4
    job = next(
        w
        for w in works
        if w.findtext("e:Position/e:Label", namespaces=NS) == "Technicienne support"
    )
    assert job.findtext("e:Employer/e:Name", namespaces=NS) == "Mairie de Lyon"
    assert job.find("e:Period/e:From", NS).attrib == {
        "year": "2021",
        "month": "--03",
        "day": "---01",
    }
    activities = [item.findtext("e:Activities", namespaces=NS) for item in works + educations]
    assert sum("(garantie;" in text for text in activities) == 1
    assert sum("(declaree;" in text for text in activities) == 5
