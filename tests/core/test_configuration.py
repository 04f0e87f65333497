"""Configuration in one place: config/settings.py reads the environment, `.env.example` lists
every variable it reads, and the code reads settings, never the environment nor a setting
that settings.py does not declare."""

import ast
from pathlib import Path

import config.settings as project_settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "passeport"
# Modules that legitimately touch os.environ: the console command (its own --host/--port
# defaults, before Django is set up), the service runner (passes the environment on to the
# processes it starts) and the test harness.
ENVIRONMENT_READERS = {"cli.py", "core/runner.py", "testing"}
READERS = {"get", "getenv", "__getitem__"}


def _environment_names_of_settings() -> set[str]:
    names = set()
    sources = [ROOT / "config" / "settings.py", ROOT / "config" / "gunicorn.conf.py"]
    trees = [ast.parse(path.read_text()) for path in sources]
    for node in (node for tree in trees for node in ast.walk(tree)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
            continue
        function = node.func
        called = (
            function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        )
        if called in {"env_bool", "env_list", "getenv"} or (
            called == "get" and "environ" in ast.unparse(function)
        ):
            names.add(first.value)
    return names


def _listed_in_env_example() -> set[str]:
    listed = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.lstrip("# ").strip()
        if "=" in line and line.split("=", 1)[0].isupper():
            listed.add(line.split("=", 1)[0])
    return listed


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "migrations/" not in relative:
            yield relative, ast.parse(path.read_text(), filename=str(path))


def test_every_environment_variable_of_settings_is_in_env_example():
    names = _environment_names_of_settings()
    assert {"SECRET_KEY", "PASSEPORT_DEPOSIT_CHUNK_SIZE", "GUNICORN_TIMEOUT"} <= names
    assert sorted(names - _listed_in_env_example()) == []


def test_code_reads_settings_not_the_environment():
    found = []
    for relative, tree in _modules():
        if any(
            relative == allowed or relative.startswith(allowed + "/")
            for allowed in ENVIRONMENT_READERS
        ):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"environ", "getenv"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                found.append(f"passeport/{relative}:{node.lineno}")
    assert found == [], "lisez un réglage de config/settings.py plutôt que l'environnement"


def test_every_setting_read_by_the_code_is_declared():
    from django.conf import global_settings

    declared = {name for name in dir(project_settings) if name.isupper()}
    declared |= {name for name in dir(global_settings) if name.isupper()}
    undeclared, defaulted = [], []
    for relative, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "settings"
                and node.attr.isupper()
                and node.attr not in declared
            ):
                undeclared.append(f"passeport/{relative}:{node.lineno} {node.attr}")
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "getattr"
                and len(node.args) == 3
                and getattr(node.args[0], "id", "") == "settings"
            ):
                defaulted.append(f"passeport/{relative}:{node.lineno}")
    assert undeclared == []
    # getattr(settings, "X", default) hides a setting settings.py does not declare.
    assert defaulted == []
