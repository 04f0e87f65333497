"""Fixtures shared by the whole suite.

Browser tests: `page` is a Playwright page in Debian's chromium (headless; no sandbox as root),
pointed at pytest-django's `live_server`; console errors and failed requests are collected in
`page.console_errors`; see passeport.testing.browser for the assertions.

Objects to test with come from `passeport.testing.factories` (imported normally); fixtures of
one app's tests live in that folder's conftest.py.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these flags chromium tries to reach Google's services, refused on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The official reference files (CDC kit, ROME, RNCP, ESCO), read-only, beside the repository. Only
# the tests whose very point is a comparison with one of them use them (fixtures named
# `*_oracle*`); every other test runs on the project's own schemas, samples and fixtures.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ORACLE = "oracle : "


def oracle_path(*parts: str) -> Path:
    """../shared/<parts>, or the test is skipped with a reason starting with « oracle : »."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{ORACLE}{path} absent (référence officielle, seulement pour comparer)")
    return path


@pytest.fixture(scope="session")
def oracle_file():
    """`oracle_file("cdc", "cpf-xsd-1.1.2.xsd") -> Path`: an official file of ../shared."""
    return oracle_path


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return ""


def pytest_terminal_summary(terminalreporter):
    """One line saying how many oracle tests were skipped, and why."""
    skipped = terminalreporter.stats.get("skipped", [])
    oracles = [r for r in skipped if _skip_reason(r).startswith(ORACLE)]
    if oracles:
        terminalreporter.write_line(
            f"{len(oracles)} test(s) d'oracle ignoré(s) : les fichiers officiels de comparaison "
            f"(CDC, ROME, RNCP, ESCO) sont absents de {SHARED} ; tous les autres tests tournent "
            "sur les données du projet."
        )


@pytest.fixture
def private_storage(settings, tmp_path):
    """The default (private) storage in a folder of the test's own: documents, signed PDFs."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium est introuvable ({CHROMIUM}) : lancez `make test`, qui l'installe.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's database layer would
    # refuse to run "from an async context". Only while this module's browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    # A request aborted because the page navigated away (net::ERR_ABORTED) is not an error.
    page.on(
        "requestfailed",
        lambda req: (
            None
            if "ERR_ABORTED" in (req.failure or "")
            else page.console_errors.append(f"requête échouée : {req.url} {req.failure}")
        ),
    )
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def fc_browser(settings, live_server):
    """The development FranceConnect provider, served by the live server, for browser tests
    (log in with `passeport.testing.browser.login_with_franceconnect`)."""
    from passeport.franceconnect import client as fc_client

    settings.FRANCECONNECT_DEV_PROVIDER = True
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/fc-dev"
    settings.FRANCECONNECT_CLIENT_SECRET = "secret-de-test-navigateur"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.SITE_URL = live_server.url
    fc_client._clients.clear()
    yield live_server
    fc_client._clients.clear()


@pytest.fixture
def loaded(db):
    """The competences demo referential (passeport/competences/data/demo/) loaded in the test
    database, the per-process indexes fresh (competences and API tests)."""
    from passeport.competences import indexing, profiles
    from passeport.competences.demo import DEMO_DIR
    from passeport.competences.loading import import_referential

    import_referential("rome", DEMO_DIR / "rome")
    import_referential("rncp", DEMO_DIR / "rncp")
    indexing.forget()
    profiles.forget()
    yield
    indexing.forget()
    profiles.forget()
