"""Fixtures of the passport tests."""

import pytest

from passeport.testing import factories


@pytest.fixture
def alice(db):
    return factories.HolderFactory(name="alice", linked=True)


@pytest.fixture
def bob(db):
    return factories.HolderFactory(name="bob", linked=True)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"
