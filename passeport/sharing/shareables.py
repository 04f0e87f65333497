"""Kinds of objects a share link can carry besides the passport and its entries.

A kind registers a loader `(holder, object_id) -> object | None` (None: not the holder's, or
gone) and the template that shows it on the shared page. The proofs app's CVs are the first such
kind; a new kind needs no change to links, views or the API.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Shareable:
    kind: str
    label: str
    load: Callable
    template: str


_KINDS: dict[str, Shareable] = {}


def register(kind: str, label: str, load: Callable, template: str) -> None:
    _KINDS[kind] = Shareable(kind, label, load, template)


def get(kind: str) -> Shareable | None:
    return _KINDS.get(kind)


def load(kind: str, holder, object_id):
    shareable = _KINDS.get(kind)
    if shareable is None or object_id is None:
        return None
    return shareable.load(holder, object_id)
