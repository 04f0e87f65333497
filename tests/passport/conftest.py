"""Fixtures of the passport tests."""

import pytest
from passport_helpers import make_holder, make_person


@pytest.fixture
def alice(db):
    return make_holder("alice", person_id=make_person("Alice"))


@pytest.fixture
def bob(db):
    return make_holder("bob", person_id=make_person("Bob"))


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
