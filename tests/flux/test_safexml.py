"""passeport/flux/safexml.py is the only door to lxml's parsers, and it is shut to XXE,
billion laughs and the network (libxml2's real behaviour, no mock)."""

from __future__ import annotations

import ast
import http.server
import io
import threading
import time
from pathlib import Path

import pytest
from lxml import etree

from passeport.flux import safexml

PACKAGE = Path(safexml.__file__).resolve().parents[1]  # passeport/
DOOR = Path(safexml.__file__).resolve()
# lxml's parser constructors and its iterparse: only the door calls them.
PARSER_CALLS = {"XMLParser", "XMLPullParser", "iterparse"}
# lxml functions that parse with lxml's default parser when given none.
DEFAULT_PARSER_CALLS = {"fromstring", "parse", "XML"}
SECRET = "CONTENU-SECRET-5b81e0"


def _forbidden_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, call) of each parser call that does not go through the door.

    `safexml.iter_events(...)` is the door itself; any other `iterparse(`, `XMLParser(` or
    `XMLPullParser(` call — a name or an attribute — is not, nor is `etree.fromstring/parse/XML`
    (lxml's default parser); importing one of them from lxml by name (which an alias would
    hide from the call check) is reported too.
    """
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lxml"):
            for alias in node.names:
                if alias.name in PARSER_CALLS | DEFAULT_PARSER_CALLS:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in PARSER_CALLS:
            found.append((node.lineno, f"{func.id}("))
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if owner == "safexml":
                continue
            if func.attr in PARSER_CALLS or (
                owner == "etree" and func.attr in DEFAULT_PARSER_CALLS
            ):
                found.append((node.lineno, f"{owner or '…'}.{func.attr}("))
    return found


def test_the_walker_sees_every_form_of_call():
    source = (
        "from lxml import etree\n"
        "from lxml.etree import iterparse as walk, XMLParser\n"
        "etree.XMLParser(resolve_entities=False)\n"
        "lxml.etree.iterparse(f)\n"
        "XMLParser()\n"
        "iterparse(f)\n"
        "etree.XMLPullParser()\n"
        "etree.fromstring(data)\n"
        "safexml.iter_events(f)\n"
        "safexml.fromstring(data)\n"
    )
    assert [line for line, _call in _forbidden_calls(ast.parse(source))] == [2, 2, 3, 4, 5, 6, 7, 8]


def test_no_parser_outside_the_door():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.resolve() == DOOR:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, call in _forbidden_calls(tree):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {call}")
    assert not offenders, "XML parsed outside passeport/flux/safexml.py:\n" + "\n".join(offenders)


def test_the_door_itself_is_seen_by_the_walker():
    # The walk is not vacuous: the door's own calls are exactly what it looks for.
    calls = {call for _line, call in _forbidden_calls(ast.parse(DOOR.read_text()))}
    assert {"etree.XMLParser(", "etree.XMLPullParser(", "etree.iterparse("} <= calls


def test_the_safe_options_cannot_be_overridden():
    with pytest.raises(TypeError):
        safexml.parser(resolve_entities=True)
    with pytest.raises(TypeError):
        safexml.iter_events(io.BytesIO(b"<r/>"), no_network=False)


# ------------------------------------------------------------------ the door, with libxml2


def _every_door(data: bytes) -> dict[str, str]:
    """Text of the document as each entry of the door reads it (XMLSyntaxError passes)."""
    texts = {
        "fromstring": etree.tostring(safexml.fromstring(data), encoding="unicode"),
        "parse": etree.tostring(safexml.parse(io.BytesIO(data)).getroot(), encoding="unicode"),
        "iterparse": "".join(
            etree.tostring(el, encoding="unicode")
            for _event, el in safexml.iter_events(io.BytesIO(data))
        ),
    }
    pull = safexml.pull_parser()
    pull.feed(data)
    texts["pull_parser"] = etree.tostring(pull.close(), encoding="unicode")
    return texts


@pytest.fixture
def secret_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    dtd = tmp_path / "external.dtd"
    dtd.write_text(f'<!ENTITY e "{SECRET}">')
    return secret.as_uri(), dtd.as_uri()


@pytest.mark.parametrize(
    "template",
    [
        '<!DOCTYPE r [<!ENTITY x SYSTEM "{secret}">]><r>&x;</r>',  # external general entity
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "{dtd}"> %p;]><r>&e;</r>',  # parameter entity
        '<!DOCTYPE r SYSTEM "{dtd}"><r>&e;</r>',  # external DTD subset
    ],
)
def test_no_external_entity_reaches_a_local_file(secret_files, template):
    secret, dtd = secret_files
    data = ('<?xml version="1.0"?>' + template.format(secret=secret, dtd=dtd)).encode()
    # The same document through a permissive parser does read the file: the attack is real.
    permissive = etree.XMLParser(resolve_entities=True, load_dtd=True)
    assert SECRET in etree.tostring(etree.fromstring(data, permissive), encoding="unicode")
    for door, text in _every_door(data).items():
        assert SECRET not in text, door


def _laughs(depth: int) -> bytes:
    """Entity e(n) is ten e(n-1): `&e{depth};` expands to 10**(depth+1) characters."""
    entities = '<!ENTITY e0 "aaaaaaaaaa">' + "".join(
        f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, depth + 1)
    )
    return f'<?xml version="1.0"?><!DOCTYPE l [{entities}]><l>&e{depth};</l>'.encode()


def test_entities_are_not_expanded():
    data = _laughs(4)
    permissive = etree.XMLParser(resolve_entities=True)
    assert len(etree.fromstring(data, permissive).text) == 100_000
    for door, text in _every_door(data).items():
        assert len(text) < 100, door


def test_billion_laughs_is_refused_quickly():
    data = _laughs(9)  # 10**10 characters if expanded
    started = time.monotonic()
    for door in ("fromstring", "parse", "iterparse", "pull_parser"):
        try:
            text = _every_door(data)[door]
        except etree.XMLSyntaxError:
            continue  # libxml2's amplification limit (huge_tree off): refused
        assert len(text) < 100, door
    assert time.monotonic() - started < 5


@pytest.fixture
def http_server():
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(f'<!ENTITY e "{SECRET}">'.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def test_nothing_is_fetched_over_the_network(http_server):
    base, requests = http_server
    documents = [
        f'<!DOCTYPE r SYSTEM "{base}/dtd"><r>&e;</r>',
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "{base}/entity">]><r>&x;</r>',
        f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{base}/parameter"> %p;]><r>&e;</r>',
    ]
    for document in documents:
        data = ('<?xml version="1.0"?>' + document).encode()
        for door, text in _every_door(data).items():
            assert SECRET not in text, door
    assert requests == []
