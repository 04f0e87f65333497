"""The public pages in a real browser (Debian's chromium through Playwright)."""

import pytest

from passeport.testing import factories
from passeport.testing.browser import assert_no_console_errors, unnamed_interactive_elements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", "Le passeport d’orientation, de formation et de compétences"),
        ("/compte/connexion/", "Se connecter"),
    ],
)
def test_page_renders_with_the_dsfr_header_cleanly(page, url, heading):
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "fr"
    header = page.locator("header.fr-header")
    assert header.is_visible()
    assert "République" in header.locator(".fr-logo").text_content()
    assert page.get_by_role("heading", level=1).inner_text() == heading
    # The DSFR script ran (it marks the document once its components are initialised).
    page.wait_for_function("document.documentElement.hasAttribute('data-fr-js')")
    assert unnamed_interactive_elements(page) == []
    assert_no_console_errors(page)


def test_skip_link_moves_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Contenu"
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")


def test_login_page_reports_a_wrong_password(page, django_user_model):
    factories.UserFactory(email="agent@example.org")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    alert = page.get_by_role("alert")
    assert "mot de passe incorrect" in alert.inner_text()
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    assert_no_console_errors(page)
