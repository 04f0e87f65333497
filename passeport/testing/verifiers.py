"""Independent verifiers the tests run against what the project signs (not our code).

- Digital Bazaar's Verifiable Credentials libraries, run by Node (tests/node/, installed by
  `make test` with `npm ci`);
- poppler's `pdfsig` for the PAdES signatures, with the test root in an NSS database made by
  `certutil` (Debian's poppler-utils and libnss3-tools, installed by scripts/install-system-deps).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parents[2] / "tests" / "node"


def node(script: str, command: str, request: dict, *, timeout: int = 60) -> dict:
    """Runs `tests/node/<script> <command>` with `request` as JSON on stdin; its JSON answer."""
    executable = shutil.which("node")
    if executable is None or not (NODE_DIR / "node_modules").is_dir():
        pytest.fail(
            "Node ou ses paquets de test manquent : lancez `make test` (nodejs, npm ci dans "
            "tests/node)."
        )
    completed = subprocess.run(
        [executable, str(NODE_DIR / script), command],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=NODE_DIR,
        check=False,
    )
    if completed.returncode != 0 or not completed.stdout:
        pytest.fail(f"node {script} {command} a échoué : {completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def pdfsig(pdf: Path, *, trusted_roots_pem: bytes, workdir: Path) -> str:
    """`pdfsig` output for `pdf`, trusting only the given roots (a fresh NSS database)."""
    for tool in ("pdfsig", "certutil"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} manque : lancez `make test` (poppler-utils, libnss3-tools).")
    nss = workdir / "nss"
    if not nss.exists():
        nss.mkdir()
        subprocess.run(
            ["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"],
            check=True,
            capture_output=True,
        )
        roots = workdir / "racines.pem"
        roots.write_bytes(trusted_roots_pem)
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                f"sql:{nss}",
                "-n",
                "racine-de-test",
                "-t",
                "CT,C,C",
                "-i",
                str(roots),
            ],
            check=True,
            capture_output=True,
        )
    completed = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True, check=False
    )
    return completed.stdout + completed.stderr
