"""Abilities: what a user may do with one object, written once per kind of object.

Each app declares, in its own `abilities.py`, one function per kind of object it owns::

    @abilities.register(Certifier)
    def certifier_abilities(user, certifier) -> dict[str, bool]:
        return {"view": ..., "deposit": ..., "administer": ...}

The function is the single source of truth for that kind: the view decorators refuse what it
refuses, the views and templates show an action exactly when it allows it (`{% if
abilities.deposit %}`), and the API reads the same dict. Every function returns every action
of its kind, True or False, so that a template never tests a missing key.

`for_request(request, obj)` computes the dict once per request and object (a page that shows
twenty buttons asks the database once); `for_user(user, obj)` is the same without a request
(commands, background tasks, the API's token holder).
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType

Abilities = Mapping[str, bool]
_REGISTRY: dict[type, Callable[..., dict[str, bool]]] = {}
_CACHE_ATTRIBUTE = "_passeport_abilities"


def register(model: type):
    """`@register(Model)` over `def f(user, obj) -> dict[str, bool]`: one function per kind."""

    def decorator(function):
        if model in _REGISTRY and _REGISTRY[model] is not function:
            raise RuntimeError(f"abilities for {model.__name__} are already registered")
        _REGISTRY[model] = function
        return function

    return decorator


def _function_for(obj) -> Callable[..., dict[str, bool]]:
    for klass in type(obj).__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    raise LookupError(f"no abilities registered for {type(obj).__name__}")


def for_user(user, obj) -> Abilities:
    abilities = _function_for(obj)(user, obj)
    wrong = [action for action, allowed in abilities.items() if not isinstance(allowed, bool)]
    if wrong:
        raise TypeError(f"abilities of {type(obj).__name__} must be booleans: {wrong}")
    return MappingProxyType(abilities)


def for_request(request, obj) -> Abilities:
    """The abilities of the request's user on `obj`, computed once per request."""
    cache = request.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    key = (type(obj), getattr(obj, "pk", id(obj)))
    if key not in cache:
        cache[key] = for_user(request.user, obj)
    return cache[key]


def forget(request, obj=None) -> None:
    """Drop the cached abilities (after an action that changes them within the same request)."""
    cache = request.__dict__.get(_CACHE_ATTRIBUTE, {})
    if obj is None:
        cache.clear()
    else:
        cache.pop((type(obj), getattr(obj, "pk", id(obj))), None)
