import pytest

PAGES = {
    "/": "Le passeport d’orientation, de formation et de compétences",
    "/mentions-legales/": "Mentions légales",
    "/donnees-personnelles/": "Données personnelles",
    "/accessibilite/": "Déclaration d’accessibilité",
    "/compte/connexion/": "Se connecter",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "heading"), PAGES.items())
def test_public_pages_render_in_the_dsfr_layout(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert 'class="fr-header"' in html and "République<br>Française" in html
    assert 'class="fr-skiplinks"' in html and 'href="#content"' in html
    assert 'id="footer"' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.django_db
def test_home_routes_each_kind_of_user(client):
    html = client.get("/").content.decode()
    for label in (
        "Je suis un organisme certificateur",
        "Je suis titulaire",
        "Je vérifie un CV ou une attestation",
    ):
        assert label in html


@pytest.mark.django_db
def test_footer_links_to_the_legal_pages(client):
    html = client.get("/").content.decode()
    for url in ("/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"):
        assert f'href="{url}"' in html


@pytest.mark.django_db
def test_unknown_page_gets_the_designed_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page non trouvée" in html and 'class="fr-header"' in html


def test_server_error_gets_the_designed_500(rf):
    from passeport.pages.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur inattendue" in html and 'class="fr-footer"' in html


@pytest.mark.django_db
def test_an_exception_in_a_view_renders_the_500_page(client, settings):
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    import config.urls

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {
            "urlpatterns": [path("casse/", broken), *config.urls.urlpatterns],
            "handler500": config.urls.handler500,
        },
    )
    client.raise_request_exception = False
    response = client.get("/casse/")
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()
