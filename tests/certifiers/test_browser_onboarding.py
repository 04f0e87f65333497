"""In a real browser: a body makes itself known, an operator approves it, the contact follows
the invitation, sets a password, enrols their TOTP app and lands in the certifier space."""

import re

import pyotp
import pytest
from django.core import mail

from passeport.certifiers.models import Certifier
from passeport.testing import factories
from passeport.testing.browser import assert_no_console_errors, unnamed_interactive_elements

NEW_PASSWORD = "Une-phrase-de-passe-vraiment-longue"


def operator_login(page, url="/compte/connexion/"):
    page.goto(url)
    page.get_by_label("Adresse électronique").fill("ops@cdc.fr")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill(
        pyotp.TOTP(factories.TOTP_SECRET).now()
    )
    page.get_by_role("button", name="Valider").click()


def check_page(page):
    assert_no_console_errors(page)
    assert unnamed_interactive_elements(page) == [], page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_onboarding_to_totp_login(page, live_server):
    factories.UserFactory(operator=True)

    # 1. « Se faire connaître »: a wrong SIRET first, then the right one
    page.goto("/certificateurs/se-faire-connaitre/")
    check_page(page)
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_label("Raison sociale").fill("Institut de démonstration")
    page.get_by_label("Certifications détenues").fill("RNCP35340, RS6117")
    page.get_by_label("Nom et prénom du contact métier").fill("Claire Scolarité")
    page.get_by_label("Adresse électronique du contact métier").fill("claire@institut.fr")
    page.get_by_role("button", name="Envoyer la demande").click()
    assert "n'est pas valide" in page.locator("#id_siret-desc-error").inner_text()
    check_page(page)
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_role("heading", name="Demande envoyée").wait_for()
    check_page(page)

    # 2. the operator approves it in the back office
    operator_login(page, "/compte/connexion/?next=/back-office/accrochage/")
    page.get_by_role("link", name="Institut de démonstration").click()
    check_page(page)
    page.get_by_role("button", name="Accepter la demande").click()
    page.get_by_role("heading", name="Institut de démonstration").wait_for()
    check_page(page)
    certifier = Certifier.objects.get()
    assert certifier.id_client in page.content()
    page.get_by_role("button", name="Se déconnecter").click()

    # 3. the invitation e-mail, the password, the TOTP enrolment
    invitation = next(m for m in mail.outbox if "Invitation" in m.subject)
    link = re.search(r"https?://[^/\s]+(/certificateurs/invitation/\S+/)", invitation.body).group(1)
    page.goto(link)
    check_page(page)
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Martin")
    page.locator("#id_new_password1").fill("trop-court")
    page.locator("#id_new_password2").fill("trop-court")
    page.get_by_role("button", name="Créer mon compte").click()
    assert "au minimum 12 caractères" in page.content()
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    page.get_by_role("heading", name="Activer la double authentification").wait_for()
    check_page(page)
    assert page.get_by_role("img", name=re.compile("Code QR")).is_visible()
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()

    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    check_page(page)
    assert page.locator(".pp-recovery-codes li").count() == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()

    # 4. logged in, in the certifier space
    page.get_by_role("heading", name="Institut de démonstration").wait_for()
    check_page(page)
    assert certifier.id_contrat in page.content()
    assert "Claire Martin" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_totp_login_and_api_token_page(page, live_server):
    certifier = factories.CertifierFactory(id_client="UNIVAAAA", name="Université A")
    factories.MemberFactory(certifier=certifier, email="admin@a.fr")

    page.goto(f"/certificateurs/{certifier.pk}/jetons/")
    page.get_by_label("Adresse électronique").fill("admin@a.fr")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Code de vérification").wait_for()
    check_page(page)
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill("000000")
    page.get_by_role("button", name="Valider").click()
    if pyotp.TOTP(factories.TOTP_SECRET).now() != "000000":
        assert "Code incorrect" in page.content()
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill(
        pyotp.TOTP(factories.TOTP_SECRET).now()
    )
    page.get_by_role("button", name="Valider").click()

    page.get_by_role("heading", name="Jetons d'API").wait_for()
    check_page(page)
    page.get_by_label("Nom du jeton").fill("Logiciel de scolarité")
    page.get_by_role("button", name="Créer le jeton").click()
    page.get_by_role("heading", name="Jeton créé : copiez-le maintenant").wait_for()
    check_page(page)
    token = page.get_by_label("Nouveau jeton").input_value()
    assert token.startswith("pp_")
    page.get_by_role("button", name="Copier le jeton").click()
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    page.reload()
    assert token not in page.content()
    page.get_by_role("button", name=re.compile("Révoquer")).click()
    assert "révoqué" in page.content()
    check_page(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_support_ticket_pages_both_sides(page, live_server):
    certifier = factories.CertifierFactory(id_client="UNIVAAAA", name="Université A")
    factories.MemberFactory(certifier=certifier, email="admin@a.fr")
    factories.UserFactory(operator=True)

    page.goto(f"/certificateurs/{certifier.pk}/support/")
    page.get_by_label("Adresse électronique").fill("admin@a.fr")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill(
        pyotp.TOTP(factories.TOTP_SECRET).now()
    )
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("heading", name="Support", exact=True).wait_for()
    check_page(page)
    page.get_by_role("link", name="Nouvelle demande").click()
    check_page(page)
    page.get_by_label("Objet").fill("Passage rejeté")
    page.get_by_label("Votre message").fill("Pourquoi ce rejet ?")
    page.get_by_role("button", name="Envoyer au support").click()
    page.get_by_role("heading", name="Passage rejeté").wait_for()
    check_page(page)
    page.get_by_role("button", name="Se déconnecter").click()

    operator_login(page, "/compte/connexion/?next=/back-office/support/")
    check_page(page)
    page.get_by_role("link", name="Passage rejeté").click()
    check_page(page)
    page.get_by_label("Votre réponse").fill("La date de naissance est incohérente.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert "La date de naissance est incohérente." in page.content()
    assert "En attente du certificateur" in page.content()
    check_page(page)
    page.get_by_role("link", name="Accueil", exact=True).last.click()
    check_page(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_has_named_controls_and_no_console_error(page, live_server):
    from passeport.certifiers import onboarding, tickets
    from passeport.certifiers.models import Mandate
    from passeport.certifiers.tokens import issue_token

    certifier = factories.CertifierFactory(id_client="UNIVAAAA", name="Université A")
    third = factories.CertifierFactory(id_client="TIERSAAA", trusted_third_party=True)
    Mandate.objects.create(third_party=third, mandator=certifier)
    admin = factories.MemberFactory(certifier=certifier, email="admin@a.fr")
    factories.MemberFactory(certifier=certifier, email="lecteur@a.fr", read_only=True)
    issue_token(certifier, "Logiciel", admin)
    ticket = tickets.open_ticket(certifier, subject="Question", body="Texte", author=admin)
    request = onboarding.submit(
        siret=factories.siret(),
        name="Organisme C",
        contact_name="C",
        contact_email="c@c.fr",
        certification_codes=["RNCP1"],
    )
    factories.UserFactory(operator=True)

    page.goto("/compte/connexion/")
    check_page(page)
    page.get_by_label("Adresse électronique").fill("admin@a.fr")
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill(
        pyotp.TOTP(factories.TOTP_SECRET).now()
    )
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(f"/certificateurs/{certifier.pk}/$"))
    base = f"/certificateurs/{certifier.pk}"
    for url in [
        f"{base}/",
        f"{base}/membres/",
        f"{base}/jetons/",
        f"{base}/support/",
        f"{base}/support/nouvelle/",
        f"{base}/support/{ticket.pk}/",
        "/compte/securite/",
        "/compte/mot-de-passe/changer/",
    ]:
        page.goto(url)
        check_page(page)
    page.get_by_role("button", name="Se déconnecter").click()

    operator_login(page, "/compte/connexion/")
    page.wait_for_url(re.compile("/back-office/$"))
    for url in [
        "/back-office/",
        "/back-office/accrochage/",
        f"/back-office/accrochage/{request.pk}/",
        "/back-office/certificateurs/",
        "/back-office/certificateurs/?q=UNIV",
        f"/back-office/certificateurs/{certifier.pk}/",
        f"/back-office/certificateurs/{third.pk}/",
        "/back-office/support/",
        f"/back-office/support/{ticket.pk}/",
    ]:
        page.goto(url)
        check_page(page)
    for url in ["/certificateurs/se-faire-connaitre/", "/compte/mot-de-passe-oublie/"]:
        page.goto(url)
        check_page(page)
