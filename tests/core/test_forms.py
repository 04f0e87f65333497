"""Form fields in DSFR markup: hint and error linked to their field (RGAA 11.10)."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from passeport.core.forms import DsfrFormMixin


class SampleForm(DsfrFormMixin, forms.Form):
    email = forms.EmailField(label="Adresse électronique", help_text="Par exemple nom@example.fr")
    name = forms.CharField(label="Nom")


def ids_of(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


def test_hint_has_the_id_aria_describedby_points_at():
    form = SampleForm()
    html = render_to_string("core/form_field.html", {"field": form["email"]})
    described = ids_of(html, "aria-describedby")
    assert described == ["id_email_helptext"]
    assert 'id="id_email_helptext"' in html


def test_error_keeps_the_hint_and_adds_the_error():
    form = SampleForm({"email": "pas une adresse", "name": ""})
    assert not form.is_valid()
    html = render_to_string("core/form_field.html", {"field": form["email"]})
    assert 'aria-invalid="true"' in html
    described = ids_of(html, "aria-describedby")[0].split()
    assert described == ["id_email_helptext", "id_email-desc-error"]
    for target in described:
        assert f'id="{target}"' in html
    # Without a hint, the error alone.
    html = render_to_string("core/form_field.html", {"field": form["name"]})
    assert ids_of(html, "aria-describedby") == ["id_name-desc-error"]
    assert 'id="id_name-desc-error"' in html


def assert_describedby_targets_exist(html: str) -> None:
    ids = set(ids_of(html, "id"))
    for value in ids_of(html, "aria-describedby"):
        for target in value.split():
            assert target in ids, f"aria-describedby={target!r} : aucun élément ne porte cet id"


@pytest.mark.django_db
def test_pages_with_hints_link_them(client):
    page = client.get(reverse("proofs:verify")).content.decode()
    assert "_helptext" in page
    assert_describedby_targets_exist(page)
    sent = client.post(reverse("proofs:verify"), {}).content.decode()
    assert_describedby_targets_exist(sent)
