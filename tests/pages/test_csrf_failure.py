"""A form refused by the CSRF check: a DSFR page in French, reload offered, CSP-clean."""

import re

import pytest
from django.test import Client

from passeport.testing.browser import assert_no_console_errors

LOGIN = "/compte/connexion/"


def assert_clean_french_page(response):
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="fr"' in html and 'class="fr-header"' in html
    assert "<h1>Formulaire expiré</h1>" in html
    assert "DEBUG" not in html and "CSRF" not in html
    # Nothing our Content-Security-Policy blocks: no inline style, scripts only with the nonce.
    assert "style=" not in html and "<style" not in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    for script in re.findall(r"<script[^>]*>", html):
        assert f'nonce="{nonce}"' in script or "src=" in script
    return html


@pytest.mark.django_db
def test_a_stale_token_gets_the_explanation_and_a_reload_link():
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)  # sets the CSRF cookie
    response = client.post(
        LOGIN,
        {"username": "a@example.org", "password": "x", "csrfmiddlewaretoken": "périmé" * 8},
        HTTP_REFERER="http://testserver/compte/connexion/?next=/depots/",
    )
    html = assert_clean_french_page(response)
    assert "n’est plus valable : rien n’a été enregistré" in html
    assert (
        'href="http://testserver/compte/connexion/?next=/depots/">Recharger le formulaire' in html
    )


@pytest.mark.django_db
def test_no_cookie_says_to_allow_cookies_and_an_outside_referer_is_not_offered():
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "a"}, HTTP_REFERER="https://evil.example/")
    html = assert_clean_french_page(response)
    assert "Autorisez les cookies pour ce site" in html
    assert 'href="/compte/connexion/">Recharger le formulaire' in html
    assert "evil.example" not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_in_a_browser_then_reload_and_send_again(page, django_user_model):
    django_user_model.objects.create_user("agent@example.org", "Mot-de-passe-solide-42")
    page.goto(LOGIN)
    page.context.clear_cookies()  # the session and its token are gone (as after a long pause)
    page.get_by_label("Adresse électronique").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill("Mot-de-passe-solide-42")
    with page.expect_response(f"**{LOGIN}") as answer:
        page.get_by_role("button", name="Se connecter").click()
    assert answer.value.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Formulaire expiré"
    page.wait_for_function("document.documentElement.hasAttribute('data-fr-js')")
    # The 403 itself is logged by the browser; anything else (a CSP violation) is an error.
    page.console_errors[:] = [e for e in page.console_errors if "status of 403" not in e]
    assert_no_console_errors(page)
    page.get_by_role("link", name="Recharger le formulaire").click()
    page.get_by_label("Adresse électronique").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill("Mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
