"""A bloc's `LISTE_COMPETENCES` (France Compétences XML export) split into its items.

The export flattens the certifier's list onto one line, in two shapes seen in the real files:
- items separated by runs of spaces: « Gérer le patrimoine informatique      Répondre aux
  incidents… » (RNCP35340);
- items marked `*` (a compétence) and `o` (a savoir-faire under the compétence before it):
  « * Gérer le patrimoine informatique            o Recenser et identifier les ressources
  numériques            o … » (RNCP40792).
Older exports and other certifiers also write `-` or `•` bullets, or real line breaks: the same
rule reads them. A single space never separates items (it is inside a sentence).
"""

import re
from typing import NamedTuple

_SEPARATOR = re.compile(r"[ \t\u00a0]{2,}|[\r\n]+")
_MARKER = re.compile(r"^(?P<marker>[*•\-–o])\s+(?P<text>.+)$", re.S)
_TRAILING = " \t\u00a0;,."


class ListItem(NamedTuple):
    position: int  # 1, 2, … in the order of the list
    niveau: int  # 1: a compétence; 2: a savoir-faire under the previous level-1 item
    parent: int | None  # the position of its level-1 item
    libelle: str


def split_competences(text: str) -> list[ListItem]:
    items: list[ListItem] = []
    parent: int | None = None
    marked = bool(re.search(r"(^|\s{2,})\*\s", text or ""))
    for chunk in _SEPARATOR.split(text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        level = 1
        match = _MARKER.match(chunk)
        if match:
            marker = match["marker"]
            # « o » marks a savoir-faire only in lists whose compétences are marked « * »: in
            # an unmarked list a chunk may begin with the word « o » (rare, but not ours to eat).
            if marker == "o" and not marked:
                match = None
            else:
                chunk = match["text"].strip()
                level = 2 if marker == "o" else 1
        libelle = " ".join(chunk.split()).strip(_TRAILING)
        if not libelle:
            continue
        position = len(items) + 1
        if level == 1 or parent is None:
            parent = position
            items.append(ListItem(position, 1, None, libelle))
        else:
            items.append(ListItem(position, 2, parent, libelle))
    return items
