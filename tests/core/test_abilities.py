"""The abilities registry: one function per kind, booleans only, computed once per request."""

from types import SimpleNamespace

import pytest

from passeport.core import abilities


class Thing:
    def __init__(self, pk):
        self.pk = pk


class SpecialThing(Thing):
    pass


calls = []


@abilities.register(Thing)
def thing_abilities(user, thing):
    calls.append((user, thing.pk))
    return {"view": True, "edit": user == "owner"}


def test_subclasses_use_their_parent_function():
    assert dict(abilities.for_user("owner", SpecialThing(1))) == {"view": True, "edit": True}
    assert dict(abilities.for_user("visitor", SpecialThing(1))) == {"view": True, "edit": False}


def test_for_request_computes_once_per_object():
    calls.clear()
    request = SimpleNamespace(user="owner")
    first = abilities.for_request(request, Thing(1))
    second = abilities.for_request(request, Thing(1))
    abilities.for_request(request, Thing(2))
    assert first is second
    assert calls == [("owner", 1), ("owner", 2)]
    abilities.forget(request, Thing(1))
    abilities.for_request(request, Thing(1))
    assert calls[-1] == ("owner", 1) and len(calls) == 3


def test_abilities_are_read_only():
    with pytest.raises(TypeError):
        abilities.for_user("owner", Thing(1))["edit"] = False


def test_unregistered_kind_and_non_boolean_values_are_refused():
    with pytest.raises(LookupError):
        abilities.for_user("owner", object())

    class Loose:
        pk = 1

    abilities.register(Loose)(lambda user, obj: {"view": "yes"})
    with pytest.raises(TypeError, match="booleans"):
        abilities.for_user("owner", Loose())


def test_a_kind_is_registered_once():
    with pytest.raises(RuntimeError, match="already registered"):
        abilities.register(Thing)(lambda user, obj: {})
