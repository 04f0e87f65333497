"""The « Exporter / importer » panel of the passport page and its downloads."""

import json

import pytest

from passeport.testing import factories


def test_passport_page_offers_the_exports(client, rich_holder):
    client.force_login(rich_holder.user)
    html = client.get("/passeport/").content.decode()
    assert "Exporter / importer" in html
    for href in ("exporter/json-resume.json", "exporter/europass.xml", "exporter/passeport.json"):
        assert f"/passeport/{href}" in html


@pytest.mark.parametrize(
    ("url", "stem", "kind"),
    [
        ("/passeport/exporter/json-resume.json", "mon-cv-json-resume-", "application/json"),
        ("/passeport/exporter/europass.xml", "mon-cv-europass-", "application/xml"),
        ("/passeport/exporter/passeport.json", "mon-passeport-complet-", "application/json"),
    ],
)
def test_downloads_are_named_in_french(client, rich_holder, url, stem, kind):
    client.force_login(rich_holder.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    assert f'filename="{stem}' in response["Content-Disposition"]


def test_full_passport_json_is_the_gdpr_export(client, rich_holder):
    client.force_login(rich_holder.user)
    data = json.loads(client.get("/passeport/exporter/passeport.json").content)
    assert data["format"].startswith("passeport-export/")
    assert {e["niveau_de_confiance"] for e in data["entrees"]} == {"garantie", "declaree"}


def test_exports_show_only_the_signed_in_holders_record(client, rich_holder):
    bob = factories.HolderFactory(name="bob", linked=True)
    client.force_login(bob.user)
    resume = json.loads(client.get("/passeport/exporter/json-resume.json").content)
    assert resume["work"] == [] and resume["certificates"] == []


def test_exports_need_a_signed_in_holder(client, db):
    response = client.get("/passeport/exporter/europass.xml")
    assert response.status_code in (302, 403, 404)
