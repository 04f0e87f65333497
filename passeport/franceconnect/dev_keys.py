"""Signing keys of the development identity provider: RS256, generated once, kept under var/.

Several web processes (gunicorn workers) must sign with the same key and publish the same JWKS:
the key is written once to `VAR_DIR/fc-dev-signing-key.json` (mode 600), atomically (a
concurrent first start keeps the file that landed first), and read by every process.
"""

import contextlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings
from joserfc.jwk import KeySet, RSAKey

KEY_FILE = "fc-dev-signing-key.json"


def _generate() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


@cache
def _load(path: Path) -> RSAKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = _generate()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".fc-dev-key-")
        try:
            with os.fdopen(fd, "w") as handle:  # mkstemp creates the file with mode 600
                json.dump(key.as_dict(private=True), handle)
            with contextlib.suppress(FileExistsError):  # another process got there first
                os.link(tmp, path)  # atomic
        finally:
            os.unlink(tmp)
    return RSAKey.import_key(json.loads(path.read_text()))


def signing_key() -> RSAKey:
    return _load(Path(settings.VAR_DIR) / KEY_FILE)


def public_jwks() -> dict:
    return KeySet([signing_key()]).as_dict(private=False)


@cache
def rogue_key() -> RSAKey:
    """A key nobody publishes, with the published key's id: for the « bad signature » fault."""
    key = _generate()
    return RSAKey.import_key({**key.as_dict(private=True), "kid": signing_key().kid})
