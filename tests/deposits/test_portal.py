"""Portal pages of the deposits: dashboard, upload, deposit page, exports, online entry and
correction, rights."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from passeport.deposits.models import Deposit, PassageOutcome
from passeport.flux.samples import sample_passage
from passeport.passport.models import Entry
from passeport.testing import factories, tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(client):
    certifier = factories.CertifierFactory(sample=True)
    user = factories.MemberFactory(
        certifier=certifier, email="depositaire@example.fr", depositor=True
    )
    factories.verified_client(client, user)
    return {"certifier": certifier, "user": user, "base": f"/depots/{certifier.pk}/"}


def upload(client, base, *files, json=False):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(
        base + "deposer/",
        {"fichier": [SimpleUploadedFile(name, data, "application/xml") for name, data in files]},
        **headers,
    )


def processed_deposit(client, setup, passages=10, skip=(0, 1, 2)):
    # The holders of the first passages are missing from the register: they come back KO.
    factories.register_holders(passages, skip=skip)
    response = upload(client, setup["base"], ("promo.xml", factories.sample_flux(passages)))
    assert response.status_code == 302
    tasks.run_worker()
    return Deposit.objects.get()


def test_upload_several_files_json_then_status(client, setup):
    response = upload(
        client,
        setup["base"],
        ("a.xml", factories.sample_flux(3, seed=1)),
        ("b.xml", factories.sample_flux(3, seed=2)),
        json=True,
    )
    assert response.status_code == 200
    body = response.json()
    assert [d["nomFichier"] for d in body["depots"]] == ["a.xml", "b.xml"]
    assert body["erreurs"] == []
    status = client.get(body["depots"][0]["liens"]["etat"]).json()
    assert status["statut"] == "recu" and status["passages"]["total"] == 3
    assert Deposit.objects.filter(channel=Deposit.Channel.PORTAL).count() == 2


def test_upload_without_js_redirects_with_messages(client, setup):
    response = upload(client, setup["base"], ("bad.xml", b"pas du xml"))
    deposit = Deposit.objects.get()
    assert response.url == f"{setup['base']}{deposit.pk}/"
    page = client.get(response.url).content.decode()
    assert "rejeté à la réception" in page
    assert "Motifs du rejet" in page
    assert "le fichier n&#x27;est pas un XML bien formé" in page or "bien formé" in page
    empty = client.post(setup["base"] + "deposer/", {}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400
    assert "Aucun fichier reçu" in empty.json()["erreurs"][0]


def test_deposit_page_explains_ko_and_exports(client, setup):
    deposit = processed_deposit(client, setup)
    assert deposit.passages_ko >= 1
    page_response = client.get(f"{setup['base']}{deposit.pk}/")
    page = page_response.content.decode()
    assert "Passages rejetés" in page
    assert "Aucun titulaire ne correspond aux critères obligatoires" in page
    assert "Comment corriger" in page and "nom de naissance" in page
    assert "Corriger en ligne" in page
    # Support tickets (certifiers app) open prefilled with the deposit and the passage.
    assert f"/support/nouvelle/?deposit_id={deposit.pk}&amp;deposit_label=" in page
    assert "&amp;id_technique=" in page

    accuse = client.get(f"{setup['base']}{deposit.pk}/accuse-traitement/")
    assert accuse.status_code == 200
    assert "Accus%C3%A9%20de%20traitement_promo.xml_" in accuse["Content-Disposition"]

    xlsx = client.get(f"{setup['base']}{deposit.pk}/passages-rejetes.xlsx")
    assert xlsx.status_code == 200
    # Personal data (holders' names, birth dates): never kept by a cache, the browser's included.
    for response in (page_response, accuse, xlsx):
        assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][:5] == (
        "idTechnique",
        "Certification",
        "Message d'erreur",
        "Explication",
        "Comment corriger",
    )
    assert len(rows) - 1 == deposit.passages_ko
    names = {row[rows[0].index("Nom de naissance (nomNaissance)")] for row in rows[1:]}
    expected = {
        sample_passage(i, 1)["identificationTitulaire"].get("titulaire", {}).get("nomNaissance")
        for i in (0, 1, 2)
    }
    assert names & {n for n in expected if n}


def test_dashboard_counts_charts_and_deadlines(client, setup):
    deposit = processed_deposit(client, setup)
    page = client.get(setup["base"]).content.decode()
    assert "Tableau de bord des dépôts" in page
    assert "promo.xml" in page
    assert 'role="img"' in page and "Passages acceptés et rejetés par mois" in page
    assert "Passages rejetés par motif" in page
    # The sample awards are from late 2025: past the 3-month deadline today.
    assert "dépassée de" in page
    assert re.search(rf">\s*{deposit.passages_ok}\s*<", page)


def test_dashboard_accessibility(client, setup):
    processed_deposit(client, setup)
    html = client.get(setup["base"]).content.decode()
    # The two actions keep their text on narrow screens (DSFR: icon-only without the group's
    # --icon-left modifier).
    group = re.search(r'<ul class="([^"]*)">\s*<li><a [^>]*>Déposer des fichiers', html).group(1)
    assert "fr-btns-group--icon-left" in group.split()
    # Every sideways-scrolling table container is a focusable, named region (RGAA 7.3, 12.13).
    containers = re.findall(r'<div class="fr-table__container"[^>]*>', html)
    assert len(containers) >= 3
    for tag in containers:
        assert 'tabindex="0"' in tag and 'role="region"' in tag
        assert re.search(r'aria-label="[^"]+"', tag)
    # Chart text: the DSFR text colour through a class, no hard-coded black.
    svg = html.split('<svg class="pp-chart"', 1)[1].split("</svg>", 1)[0]
    assert "<text " in svg
    assert all('class="pp-chart__text"' in tag for tag in re.findall(r"<text [^>]*>", svg))
    assert "#000" not in svg and "black" not in svg
    css = (settings.BASE_DIR / "passeport/deposits/static/deposits/deposits.css").read_text()
    assert re.search(r"\.pp-chart__text\s*\{\s*fill:\s*var\(--text-default-grey\)", css)
    # Rejected bars differ from accepted ones by a pattern and a dashed border, not hue alone.
    assert 'fill="url(#chart-acceptance-ko)"' in svg and "stroke-dasharray" in svg
    assert '<pattern id="chart-acceptance-ko"' in svg


def test_online_correction_redeposits_the_passage(client, setup):
    deposit = processed_deposit(client, setup)
    outcome = (
        PassageOutcome.objects.filter(
            deposit=deposit, status="ko", message__startswith="Aucun titulaire"
        )
        .order_by("position")
        .first()
    )
    url = f"{setup['base']}{deposit.pk}/passages/{outcome.pk}/corriger/"
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Pourquoi ce passage a été rejeté" in html
    values = sample_passage(outcome.position - 1, 1)
    holder = values["identificationTitulaire"]["titulaire"]
    assert f'value="{holder["nomNaissance"]}"' in html
    # The certifier fixes the birth name to the register's spelling… which we add now.

    from passeport.identity.models import Person

    Person.objects.bulk_create(
        [
            factories.PersonFactory.build(
                **{**factories.titulaire_fields(holder), "birth_name": "Nouveau-Nom"}
            )
        ]
    )
    data = {key: value for key, value in form.context["form"].initial.items()}
    data["nomNaissance"] = "Nouveau-Nom"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    correction = Deposit.objects.exclude(pk=deposit.pk).get()
    assert correction.channel == Deposit.Channel.CORRECTION
    assert correction.correction_of_id == outcome.pk
    tasks.run_worker()
    correction.refresh_from_db()
    assert correction.passages_ok == 1, correction.rejection_reasons
    entry = Entry.objects.get(deposit_id=correction.pk)
    assert entry.id_technique == outcome.id_technique
    outcome.refresh_from_db()
    assert outcome.corrected_by_id == correction.pk
    page = client.get(f"{setup['base']}{deposit.pk}/").content.decode()
    assert f"dépôt n° {correction.number}" in page


def test_online_entry_reports_builder_anomalies_then_deposits(client, setup):
    url = setup["base"] + "saisir/"
    page = client.get(url)
    html = page.content.decode()
    assert "Nom de naissance (8.1)" in html and "Mode d&#x27;obtention (4.4)" in html
    assert '<option value="PAR_ADMISSION">' in html
    assert 'data-check="date"' in html and 'data-check="insee"' in html
    assert "deposits/entry.js" in html
    bad = client.post(url, {"code": "RNCP35185", "nomNaissance": "Durand"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Le passage n'a pas pu être déposé" in html
    assert 'aria-invalid="true"' in html
    assert "Premier prénom" in html
    assert Deposit.objects.count() == 0
    good = {
        "type": "RNCP",
        "code": "RNCP35185",
        "idTechnique": "SAISIE-0001",
        "obtentionCertification": "PAR_ADMISSION",
        "donneeCertifiee": "true",
        "dateDebutValidite": "2026-10-01",
        "presenceNiveauLangueEuro": "false",
        "presenceNiveauNumeriqueEuro": "false",
        "modaliteAcces": "VAE",
        "nomNaissance": "Durand",
        "prenom1": "Paul",
        "anneeNaissance": "1990",
        "moisNaissance": "5",
        "jourNaissance": "17",
        "sexe": "M",
        "codeInsee": "31555",
    }
    response = client.post(url, good)
    assert response.status_code == 302, response.context["form"].errors
    deposit = Deposit.objects.get()
    assert deposit.channel == Deposit.Channel.ONLINE and deposit.status == "recu"
    assert deposit.passages_total == 1


def field_tag(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select)[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"pas de champ {field_id}"
    return match.group(0)


def assert_field_in_error(html: str, key: str) -> None:
    """RGAA 11.10: the field says it is invalid and is described by its (existing) message."""
    tag = field_tag(html, f"id_{key}")
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert f"id_{key}-desc-error" in described
    for target in described:
        assert f'id="{target}"' in html
    # The error summary links to the field.
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#id_{key}"' in summary


@pytest.mark.parametrize("sent", ["empty", "nothing"])
def test_online_entry_sent_empty_says_what_each_field_needs(client, setup, sent):
    url = setup["base"] + "saisir/"
    names = client.get(url).context["form"].fields
    data = {name: "" for name in names} if sent == "empty" else {}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "n&#x27;a pas pu être construit" not in html
    assert "<title>Erreur : Saisir un passage" in html
    assert re.search(r'id="error-summary"[^>]*>', html)
    summary_tag = re.search(r'<div[^>]*id="error-summary"[^>]*>', html).group(0)
    assert 'role="alert"' in summary_tag and 'tabindex="-1"' in summary_tag
    assert "autofocus" in summary_tag
    for key in ("code", "obtentionCertification", "donneeCertifiee", "dateDebutValidite"):
        assert_field_in_error(html, key)
    for key in ("nomNaissance", "prenom1", "anneeNaissance", "sexe"):
        assert_field_in_error(html, key)
    assert 'aria-invalid="true"' not in field_tag(html, "id_urlPreuve")
    assert Deposit.objects.count() == 0


def test_online_entry_wrong_value_is_shown_under_its_field(client, setup):
    url = setup["base"] + "saisir/"
    response = client.post(
        url, {"code": "RNCP35185", "anneeNaissance": "abc", "dateDebutValidite": "2026-99-99"}
    )
    html = response.content.decode()
    assert "<title>Erreur : " in html
    assert_field_in_error(html, "anneeNaissance")
    assert "n&#x27;est pas un nombre" in html.split('id="id_anneeNaissance-desc-error"', 1)[1]
    assert_field_in_error(html, "dateDebutValidite")


def test_online_entry_marks_the_required_fields(client, setup):
    html = client.get(setup["base"] + "saisir/").content.decode()
    assert "Les champs marqués d&#x27;un astérisque" in html
    assert "<title>Saisir un passage" in html
    for key in ("code", "dateDebutValidite", "nomNaissance", "sexe"):
        assert 'aria-required="true"' in field_tag(html, f"id_{key}")
        label = re.search(rf'<label[^>]*for="id_{key}"[^>]*>(.*?)</label>', html, re.S).group(1)
        assert '<span aria-hidden="true">*</span>' in label
    for key in ("urlPreuve", "libelleOption", "nomUsage"):
        assert "aria-required" not in field_tag(html, f"id_{key}")


def test_online_correction_sent_wrong_shows_errors_per_field(client, setup):
    deposit = processed_deposit(client, setup)
    outcome = PassageOutcome.objects.filter(deposit=deposit, status="ko").first()
    url = f"{setup['base']}{deposit.pk}/passages/{outcome.pk}/corriger/"
    data = dict(client.get(url).context["form"].initial)
    data["dateDebutValidite"] = "31/02/2025"
    html = client.post(url, data).content.decode()
    assert "<title>Erreur : Corriger le passage" in html
    assert_field_in_error(html, "dateDebutValidite")


def test_builder_errors_name_their_field(setup):
    from passeport.deposits.single_passage import deposit_row

    # A row without some columns: the builder answers with errors naming each missing column.
    reception, problems = deposit_row(
        {"code": "RNCP35185", "nomNaissance": "Durand"},
        certifier=setup["certifier"],
        user=setup["user"],
        version="1.1.2",
    )
    assert reception is None
    assert {"obtentionCertification", "donneeCertifiee"} <= {p.field for p in problems}


def test_rights(client, setup):
    other = factories.CertifierFactory(sample=True, id_client="CD456EFG", name="Autre")
    assert client.get(f"/depots/{other.pk}/").status_code == 404
    reader = factories.MemberFactory(
        certifier=setup["certifier"], email="lecteur@example.fr", read_only=True
    )
    factories.verified_client(client, reader)
    assert client.get(setup["base"]).status_code == 200
    assert client.get(setup["base"] + "deposer/").status_code == 403
    assert client.get(setup["base"] + "saisir/").status_code == 403
    client.logout()
    response = client.get(setup["base"])
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_ko_export_writes_a_typed_formula_as_text(client, setup):
    """A birth name typed as a formula comes back as text in the KO export (OWASP CSV
    injection), readable as typed."""
    evil = '=HYPERLINK("http://evil.example","Voir")'
    data = factories.sample_flux(3).replace(
        b"<cpf:nomNaissance>Dupont</cpf:nomNaissance>",
        b"<cpf:nomNaissance>" + evil.replace('"', "&quot;").encode() + b"</cpf:nomNaissance>",
        1,
    )
    assert evil.replace('"', "&quot;").encode() in data
    response = upload(client, setup["base"], ("formule.xml", data))
    assert response.status_code == 302
    tasks.run_worker()  # nobody is in the register: every passage is rejected
    deposit = Deposit.objects.get()
    assert deposit.passages_ko == 3
    xlsx = client.get(f"{setup['base']}{deposit.pk}/passages-rejetes.xlsx").content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    rows = list(load_workbook(io.BytesIO(xlsx)).active.values)
    names = [row[rows[0].index("Nom de naissance (nomNaissance)")] for row in rows[1:]]
    assert evil in names


def test_a_trusted_third_party_enters_a_passage_for_a_certifier_that_mandated_it(client):
    """Its « Saisir un passage » offers the mandating certifiers and their certifications; the
    passage is deposited for the chosen one (certificateur, natureDeposant TIERS_CONFIANCE)."""
    univ = factories.CertifierFactory(
        id_client="UNIVAAAA", name="Université A", codes=("RNCP35185",)
    )
    third = factories.CertifierFactory(
        id_client="TIERSAAA", name="Tiers", trusted_third_party=True, codes=(), mandators=[univ]
    )
    member = factories.MemberFactory(certifier=third, depositor=True)
    factories.verified_client(client, member)
    url = f"/depots/{third.pk}/saisir/"
    html = client.get(url).content.decode()
    assert "Organisme certificateur" in html and "Université A (UNIVAAAA)" in html
    assert '<option value="RNCP35185">' in html
    row = {
        "type": "RNCP", "code": "RNCP35185", "idTechnique": "TIERS-0001",
        "obtentionCertification": "PAR_ADMISSION", "donneeCertifiee": "true",
        "dateDebutValidite": "2026-10-01", "presenceNiveauLangueEuro": "false",
        "presenceNiveauNumeriqueEuro": "false", "modaliteAcces": "VAE", "nomNaissance": "Durand",
        "prenom1": "Paul", "anneeNaissance": "1990", "moisNaissance": "5", "jourNaissance": "17",
        "sexe": "M", "codeInsee": "31555",
    }  # fmt: skip
    missing = client.post(url, row)
    assert missing.status_code == 200 and Deposit.objects.count() == 0
    assert "Choisissez l&#x27;organisme pour lequel vous déposez." in missing.content.decode()
    response = client.post(url, {**row, "certificateur": "UNIVAAAA"})
    assert response.status_code == 302, response.context["form"].errors
    deposit = Deposit.objects.get()
    assert deposit.status == "recu", deposit.rejection_reasons  # accepted at reception
    data = deposit.file.open("rb").read().decode()
    assert "<cpf:idClient>UNIVAAAA</cpf:idClient>" in data
    assert "<cpf:natureDeposant>TIERS_CONFIANCE</cpf:natureDeposant>" in data
