"""The login throttle as a person meets it, in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mot-de-passe-solide-42"


def test_too_many_wrong_passwords_suspend_the_login_with_the_time_to_wait(
    page, django_user_model, settings
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login-account": "3/15m"}
    django_user_model.objects.create_user("agent@example.org", PASSWORD)
    page.goto("/compte/connexion/")
    for _ in range(3):
        page.get_by_label("Adresse électronique").fill("agent@example.org")
        page.get_by_label("Mot de passe").fill("mauvais")
        page.get_by_role("button", name="Se connecter").click()
        assert "mot de passe incorrect" in page.get_by_role("alert").inner_text()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_response("**/compte/connexion/") as answer:
        page.get_by_role("button", name="Se connecter").click()
    assert answer.value.status == 429
    assert int(answer.value.headers["retry-after"]) > 0
    alert = page.get_by_role("alert").inner_text()
    assert "Trop de tentatives de connexion pour ce compte" in alert
    assert "Réessayez dans" in alert
    assert page.title().startswith("Erreur : Se connecter")
    assert page.get_by_role("button", name="Se connecter").first.is_visible()
    assert not page.get_by_role("button", name="Se déconnecter").is_visible()
