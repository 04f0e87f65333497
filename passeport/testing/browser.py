"""Assertions for browser tests (Playwright pages from the `page` fixture of tests/conftest.py)."""


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
