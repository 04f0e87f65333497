"""The layers of ARCHITECTURE.md hold in the code: every import of every module is checked.

The layers are read from ARCHITECTURE.md itself (its « layers » block), so the page and the
rule cannot drift apart: an app imports only apps of lower layers; `passeport/flux` imports no
Django and no app (certifiers use it on their own machines); `pages` links by URL name only;
no app imports the test support package `passeport.testing`.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "passeport"
BLOCK = re.compile(r"<!-- layers -->\s*```text\n(.*?)```", re.S)


def _layers() -> dict[str, int]:
    block = BLOCK.search((ROOT / "ARCHITECTURE.md").read_text())
    assert block, "ARCHITECTURE.md doit contenir le bloc des couches (<!-- layers -->)"
    layers = {}
    for line in block.group(1).splitlines():
        number, *apps = line.split()
        for app in apps:
            layers[app] = int(number)
    return layers


def _apps() -> list[str]:
    return sorted(
        path.name
        for path in PACKAGE.iterdir()
        if (path / "__init__.py").exists() and path.name != "testing"
    )


def _imports(app: str):
    """(module path:line, imported module) for every absolute import of `app`'s modules."""
    for path in sorted((PACKAGE / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                yield f"{where}:{node.lineno}", name


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "passeport" and len(parts) > 1 else None


def test_every_app_has_a_layer():
    assert sorted(_layers()) == _apps()


@pytest.mark.parametrize("app", _apps())
def test_app_imports_only_lower_layers(app):
    layers = _layers()
    wrong = []
    for where, module in _imports(app):
        target = _app_of(module)
        if target is None or target == app or (target not in layers and target != "testing"):
            continue
        if target == "testing" or layers[target] >= layers[app]:
            wrong.append(f"{where} importe {module}")
    assert wrong == [], f"{app} (couche {layers[app]}) importe une couche égale ou supérieure"


def test_flux_imports_no_django_and_no_app():
    wrong = [
        f"{where} importe {module}"
        for where, module in _imports("flux")
        if module.split(".")[0] == "django" or _app_of(module) not in (None, "flux")
    ]
    assert wrong == []


def test_pages_link_by_url_name_only():
    wrong = [
        f"{where} importe {module}"
        for where, module in _imports("pages")
        if _app_of(module) not in (None, "pages", "core")
    ]
    assert wrong == []


def test_installed_apps_follow_the_layers():
    """seed_demo seeds the apps in INSTALLED_APPS order: the layers' order."""
    layers = _layers()
    ours = [name.split(".")[1] for name in settings.INSTALLED_APPS if name.startswith("passeport.")]
    assert sorted(ours) == sorted(app for app in layers if app != "flux")
    assert [layers[app] for app in ours] == sorted(layers[app] for app in ours)
