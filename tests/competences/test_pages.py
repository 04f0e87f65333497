"""The public fiches (HTML and JSON), « Mes compétences », « Mon avenir », the passport's goal
panel and the GDPR export's sections, through Django's test client on the demo referential."""

import html as html_module
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from passeport.competences import profiles
from passeport.competences.deduction import bloc_key
from passeport.competences.models import AppellationChoice, CompetenceChoice, ProfessionalGoal
from passeport.franceconnect.identities import BY_KEY, ensure_in_register
from passeport.passport.models import Entry
from passeport.testing import factories


@pytest.fixture
def antoine(loaded):
    holder = factories.HolderFactory(name="antoine", linked=True)
    factories.CertificationFactory(person=holder.person)  # RNCP35340, the BTS SIO
    factories.EntryFactory(holder=holder, kind=Entry.Kind.EXPERIENCE, title="Technicien support")
    return holder


def text(response) -> str:
    return html_module.unescape(response.content.decode())


@pytest.fixture
def client_of(client):
    def login(holder):
        client.force_login(holder.user)
        return client

    return login


def test_fiche_metier_in_html_and_json(client, loaded):
    page = client.get("/metiers/M1805/")
    assert page.status_code == 200
    html = text(page)
    assert "Développeur / Développeuse informatique" in html
    assert "Compétences cœur de métier (10)" in html  # the 10 « Principale » of M1805
    assert html.index("Concevoir une application web") < html.index("Savoir-être professionnels")
    data = client.get("/metiers/M1805.json").json()
    assert (data["code_rome"], data["version"]) == ("M1805", "v460")
    first = data["competences"][0]
    assert set(first) == {"code_ogr", "libelle", "categorie", "coeur_metier", "macro"}
    assert first == {
        "code_ogr": "109846",
        "libelle": "Concevoir une application web",
        "categorie": "savoir-faire",
        "coeur_metier": "principale",
        "macro": {
            "code_ogr": "300195",
            "libelle": "Concevoir un logiciel, un système d'informations, une application",
        },
    }
    assert {c["categorie"] for c in data["competences"]} == {
        "savoir-faire",
        "savoir-etre",
        "savoir",
    }
    assert all(c["macro"] is None for c in data["competences"] if c["categorie"] != "savoir-faire")
    assert [m["ordre"] for m in data["mobilites"]] == list(range(1, 11))
    assert data["mobilites"][0] == {
        "ordre": 1,
        "code_rome": "M1802",
        "libelle": "Expert / Experte systèmes et réseaux informatiques",
    }
    bts = next(c for c in data["certifications"] if c["code"] == "RNCP40792")
    assert bts["actif"] is True and bts["intitule"].startswith(
        "Services informatiques aux organisations"
    )
    # The JSON is reference data, cacheable; the page shows who is logged in: never stored.
    assert client.get("/metiers/M1805.json")["Cache-Control"] == "public, max-age=3600"
    assert "no-store" in page["Cache-Control"]


def test_fiche_certification_in_html_and_json(client, loaded):
    data = client.get("/certifications/RNCP35340.json").json()
    assert (data["code"], data["type"], data["actif"], data["statut"]) == (
        "RNCP35340",
        "RNCP",
        False,
        "inactive",
    )
    assert data["successeur_actif"]["code"] == "RNCP40792"
    assert [r["code_rome"] for r in data["romes"]] == ["M1810", "M1801", "M1805"]
    assert [b["code"] for b in data["blocs"]] == [f"RNCP35340BC0{i}" for i in range(1, 6)]
    new = client.get("/certifications/RNCP40792.json").json()
    assert new["anciennes"][0]["code"] == "RNCP35340" and new["successeur_actif"] is None
    items = new["blocs"][0]["competences"]
    assert items[1] == {
        "position": 2,
        "niveau": 2,
        "parent": 1,
        "libelle": "Recenser et identifier les ressources numériques",
    }
    html = text(client.get("/certifications/RNCP35340/"))
    assert "Cette certification est remplacée" in html and "/certifications/RNCP40792/" in html


@pytest.mark.parametrize(
    "url",
    [
        "/metiers/Z9999/",
        "/metiers/M1805x.json",
        "/certifications/RNCP1/",
        "/certifications/ABC.json",
    ],
)
def test_unknown_codes_answer_404(client, loaded, url):
    assert client.get(url).status_code == 404


def test_holder_pages_need_a_login(client, loaded):
    for name in ("competences:mine", "competences:avenir"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/franceconnect/" in response["Location"]


def test_my_competences_map_table_and_actions(antoine, client_of):
    client = client_of(antoine)
    html = text(client.get("/passeport/competences/"))
    assert "174 compétences déduites" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="group"' in html
    assert "Savoir-être professionnels" in html and "Compétences de vos certifications" in html
    assert "RNCP35340BC03" in html  # a provenance chain down to the bloc…
    assert "lu dans ROME v460" in html  # … and to the referential's release
    assert "« Technicien support »" in html  # the declared job's appellation to choose
    assert html.count('value="confirm"') == 174  # every deduced one can be confirmed

    response = client.post(
        "/passeport/competences/choix/", {"action": "confirm", "key": "rome:115552"}
    )
    assert response.status_code == 302
    assert CompetenceChoice.objects.get(holder=antoine, key="rome:115552").status == "confirmee"
    client.post(
        "/passeport/competences/choix/",
        {"action": "hide", "key": bloc_key("Travailler en mode projet")},
    )
    html = text(client.get("/passeport/competences/"))
    assert "173 compétences" in html and "Compétences masquées (1)" in html
    # An action the status does not allow is refused with the reason.
    response = client.post(
        "/passeport/competences/choix/", {"action": "confirm", "key": "rome:115552"}, follow=True
    )
    assert "Impossible : cette compétence est « confirmée par vous »." in text(response)
    response = client.post(
        "/passeport/competences/choix/", {"action": "confirm", "key": "rome:1"}, follow=True
    )
    assert "ne fait pas partie de votre carte" in text(response)
    client.post(
        "/passeport/competences/ajouter/",
        {"libelle": "Parler en public", "categorie": "savoir-etre"},
    )
    choice = CompetenceChoice.objects.get(holder=antoine, status="declaree")
    assert choice.libelle == "Parler en public"
    html = text(client.get("/passeport/competences/?q=sauvegarde"))
    assert "Mettre en place des solutions de sauvegarde" in html


def test_an_appellation_answered_on_the_page(antoine, client_of):
    client = client_of(antoine)
    entry = Entry.objects.get(holder=antoine, kind="experience")
    response = client.post(
        f"/passeport/competences/appellations/{entry.pk}/", {"appellation": "489106"}, follow=True
    )
    assert "« Technicien / Technicienne support informatique » est appliquée" in text(response)
    choice = AppellationChoice.objects.get(holder=antoine, entry=entry)
    assert (choice.status, choice.fiche_code) == ("confirmee", "I1404")
    client.post(f"/passeport/competences/appellations/{entry.pk}/", {"appellation": "reprendre"})
    assert not AppellationChoice.objects.filter(holder=antoine).exists()
    other = factories.HolderFactory(name="eve", linked=True)
    response = client_of(other).post(
        f"/passeport/competences/appellations/{entry.pk}/", {"appellation": "489106"}, follow=True
    )
    assert "ne fait pas partie de votre passeport" in text(response)


def test_mon_avenir_ranks_and_sets_a_goal_shown_on_the_passport(antoine, client_of):
    client = client_of(antoine)
    html = text(client.get("/passeport/avenir/"))
    assert "Des métiers à votre portée" in html and "Mobilités depuis vos métiers" in html
    assert "Certifications qui préparent à ce métier" in html
    response = client.post("/passeport/avenir/objectif/", {"fiche": "M1812"}, follow=True)
    assert (
        "Votre objectif est « Responsable de la Sécurité des Systèmes d'Information (RSSI) »"
        in (text(response))
    )
    assert ProfessionalGoal.objects.get(user=antoine.user).fiche_code == "M1812"
    home = text(client.get("/passeport/"))
    assert "Mon objectif professionnel" in home and "Responsable de la Sécurité" in home
    before = profiles.avenir_view(profiles.state_of(antoine))["objectif"]["couverture"]
    Entry.objects.create(
        person_id=antoine.person_id,
        kind="experience",
        trust="garantie",
        source="dsn_rgcu",
        source_reference="DSN-RSSI",
        title="RSSI",
        details={"code_rome": "M1812"},
    )
    after = profiles.avenir_view(profiles.state_of(antoine))["objectif"]["couverture"]
    assert before < after == 100
    assert "100 %" in text(client.get("/passeport/"))
    client.post("/passeport/avenir/objectif/", {"action": "clear"})
    assert not ProfessionalGoal.objects.filter(user=antoine.user).exists()
    assert "Mon objectif professionnel" not in text(client.get("/passeport/"))


def test_the_gdpr_export_has_competences_and_avenir_with_their_field_names(antoine, client_of):
    client = client_of(antoine)
    client.post("/passeport/competences/choix/", {"action": "confirm", "key": "rome:115552"})
    data = json.loads(client.get(reverse("passport:export_json")).content)
    competence = next(c for c in data["competences"] if c["code_ogr"] == "115552")
    assert {"code_ogr", "libelle", "categorie", "force", "statut", "provenances"} <= set(competence)
    assert (competence["statut"], competence["force"]) == ("confirmee", 3)
    provenance = competence["provenances"][0]
    assert {"entree", "type", "rome", "bloc", "coeur_metier"} <= set(provenance)
    assert provenance["type"] == "rome_certification" and provenance["coeur_metier"] == "principale"
    assert {c["statut"] for c in data["competences"]} <= {
        "deduite",
        "confirmee",
        "masquee",
        "declaree",
    }
    avenir = data["avenir"]
    metier = avenir["metiers"][0]
    assert {
        "code_rome",
        "libelle",
        "couverture",
        "manquantes",
        "emergentes_manquantes",
        "certifications",
    } <= set(metier)
    assert "mobilites" in avenir and avenir["mobilites"][0]["vers"][0]["ordre"] == 1
    html = text(client.get(reverse("passport:export_html")))
    assert "Mes compétences (174)" in html and "Mon avenir" in html


def test_export_passport_command_has_the_same_sections(loaded):
    (person,) = ensure_in_register(BY_KEY["camille"])
    factories.CertificationFactory(person=person)
    out = io.StringIO()
    call_command("export_passport", "--nir", "288047511204519", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["competences"]) == 174  # the BTS alone: 156 ROME items + 18 bloc wordings
    assert all(c["statut"] == "deduite" for c in data["competences"])  # no account, no choice
    assert data["avenir"]["objectif"] is None and data["avenir"]["metiers"]
