"""Assertions for browser tests (Playwright pages from the `page` fixture of tests/conftest.py)."""

from pathlib import Path


def assert_no_console_errors(page) -> None:
    assert page.console_errors == [], f"Erreurs dans la console : {page.console_errors}"


# Every interactive element must have an accessible name (RGAA 11.1/7.1): computed in the page
# with the browser's own accessibility rules approximated by the standard name sources.
UNNAMED_INTERACTIVE_JS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=link], [tabindex]:not([tabindex="-1"])';
  const unnamed = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = window.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let name = (el.getAttribute('aria-label') || '').trim();
    if (!name && el.getAttribute('aria-labelledby')) {
      name = el.getAttribute('aria-labelledby').split(/\\s+/)
        .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    }
    if (!name && el.labels && el.labels.length) name = Array.from(el.labels).map(l => l.textContent).join(' ').trim();
    if (!name) name = (el.textContent || '').trim();
    if (!name) name = (el.getAttribute('title') || '').trim();
    if (!name && el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) name = (el.value || '').trim();
    if (!name) { const img = el.querySelector('img[alt]'); if (img) name = img.alt.trim(); }
    if (!name) unnamed.push(el.outerHTML.slice(0, 160));
  }
  return unnamed;
}
"""


def unnamed_interactive_elements(page) -> list[str]:
    return page.evaluate(UNNAMED_INTERACTIVE_JS)


# axe-core (Deque's rules for WCAG 2.x A/AA and best practices, the automated part of an RGAA
# audit), from the npm tools of tests/node (`npm ci`, package-lock.json).
AXE_PATH = Path(__file__).resolve().parents[2] / "tests" / "node" / "node_modules" / "axe-core"
AXE_PATH = AXE_PATH / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """axe-core's violations of the page as it is now. The script is evaluated through the
    DevTools protocol, which the page's CSP does not govern (a `<script>` tag would be refused:
    no nonce), so the page is tested with its real CSP."""
    if not AXE_PATH.exists():
        raise AssertionError(f"axe-core est introuvable ({AXE_PATH}) : lancez `make test`.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"{AXE_PATH.read_text(encoding='utf-8')}\n;undefined")
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.html.slice(0, 160)),
          }));
        }"""
    )


def assert_no_axe_violations(page) -> None:
    """Fails on any axe-core violation, whatever its impact, listing each with its elements."""
    violations = axe_violations(page)
    lines = [
        f"{v['id']} ({v['impact']}) : {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    ]
    assert not violations, f"{page.url} : violations axe-core\n" + "\n".join(lines)


def login_with_franceconnect(page, identity: str, start: str = "/franceconnect/") -> None:
    """Logs in through the development FranceConnect provider as `identity` (its label, « Camille
    Lefèvre »), starting from `start` (a page that leads to FranceConnect's button)."""
    page.goto(start)
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.wait_for_url("**/fc-dev/authorize?*")
    page.locator("label", has_text=identity).click()
    page.get_by_role("button", name="Se connecter avec cette identité").click()


def login_with_two_factors(page, email: str, password: str, totp_secret: str, start: str) -> None:
    """The staff login (certifiers' members, agents, operators): password, then a TOTP code."""
    import re

    import pyotp

    page.goto(start)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("textbox", name=re.compile("Code de vérification")).fill(
        pyotp.TOTP(totp_secret).now()
    )
    page.get_by_role("button", name="Valider").click()
