"""docs/securite.md stays true: every module and every test it cites exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "securite.md").read_text()
TEST = re.compile(r"`((?:\w+/)*test_\w+\.py)(?:::(\w+))?`")
EXTRA_TESTS = re.compile(r"`::(\w+)`")
CODE = re.compile(r"`((?:config|\w+)/\w+\.py)`")


def test_every_cited_test_exists():
    missing = []
    for match in TEST.finditer(DOC):
        path, name = ROOT / "tests" / match.group(1), match.group(2)
        if not path.is_file():
            missing.append(match.group(1))
        elif name and not re.search(rf"^def {name}\b", path.read_text(), re.M):
            missing.append(f"{match.group(1)}::{name}")
    assert len(list(TEST.finditer(DOC))) > 30
    assert missing == []


def test_every_test_named_after_its_file_exists():
    missing = []
    for line in DOC.splitlines():
        files = TEST.findall(line)
        for name in EXTRA_TESTS.findall(line):
            path = ROOT / "tests" / files[-1][0]
            if not re.search(rf"^def {name}\b", path.read_text(), re.M):
                missing.append(f"{files[-1][0]}::{name}")
    assert missing == []


def test_every_cited_module_exists():
    missing = [
        found
        for found in CODE.findall(DOC)
        if not found.split("/")[-1].startswith("test_")
        and not (ROOT / "passeport" / found).is_file()
        and not (ROOT / found).is_file()
    ]
    assert missing == []
