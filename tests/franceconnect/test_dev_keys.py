"""The dev provider's signing key: generated once, private (mode 600), shared by all processes."""

import json
import stat
import subprocess
import sys
from pathlib import Path

from passeport.franceconnect import dev_keys

ROOT = Path(__file__).resolve().parents[2]


def test_key_is_created_once_private_and_reused(tmp_path):
    path = tmp_path / "var" / dev_keys.KEY_FILE
    dev_keys._load.cache_clear()
    first = dev_keys._load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    dev_keys._load.cache_clear()
    again = dev_keys._load(path)
    assert first.kid == again.kid
    # Another process (another gunicorn worker) reads the same key.
    code = (
        "import json, sys; from joserfc.jwk import RSAKey; "
        "print(RSAKey.import_key(json.load(open(sys.argv[1]))).kid)"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()
    assert other == first.kid
    public = json.dumps(dev_keys.KeySet([first]).as_dict(private=False))
    assert '"d"' not in public  # the JWKS never publishes the private exponent
