"""A text matcher for French job titles and competence wordings (no Django, no database).

Used twice, for suggestions only — what it finds is shown to the holder to confirm, never
applied silently:
- an experience's job title against the ROME appellations and their synonyms (« Administratrice
  systèmes et réseaux » → « Administrateur / Administratrice systèmes et réseaux », M1801);
- a bloc's competence (the certifier's words) against the items of the ROME fiches of that same
  certification — never against the whole referential, where word overlap gives nonsense.

How it scores: words are lower-cased, accents and apostrophes folded, short grammatical words
dropped, and each word reduced by a light French stemming (plural and feminine endings, so that
« administratrice » meets « administrateur »); each document is a set of such stems weighted by
their inverse document frequency (a rare word like « paysagiste » weighs more than
« responsable »); the score is the cosine of the two weighted sets, 0 to 1. Acronyms in
parentheses (« (RSSI) ») are words like the others, so a title written as the acronym finds it.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

# Grammatical words, and the glue of French action phrases (« mettre en œuvre », « mise en
# place »), which say nothing of the competence itself.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "h",
        "f",
        "hf",
        "mettre",
        "mise",
        "place",
        "oeuvre",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 16)  # the same labels are folded for every holder
def fold(text: str) -> str:
    """Lower case, no accents, ligatures opened, apostrophes and dashes as spaces."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("’", "'").replace("ʼ", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def stem(word: str) -> str:
    """A light French stemming: enough to join masculine/feminine and singular/plural forms."""
    for suffix, replacement in (
        ("trices", "teur"),
        ("trice", "teur"),
        ("teurs", "teur"),
        ("euses", "eur"),
        ("euse", "eur"),
        ("eurs", "eur"),
        ("ieres", "ier"),
        ("iere", "ier"),
        ("iers", "ier"),
        ("ennes", "en"),
        ("enne", "en"),
        ("aux", "al"),
        # A verb and the noun of its action share a stem: « administrer » / « administration »,
        # « analyser » / « analyse », « déployer » / « déploiement ».
        ("ations", ""),
        ("ation", ""),
        ("ements", ""),
        ("ement", ""),
        ("oyer", "oi"),
        ("er", ""),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    if len(word) > 3 and word.endswith(("s", "x")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]


class Match(NamedTuple):
    key: str
    score: float
    text: str
    shared: int = 0  # words the query and the text have in common


def idf_of(texts: Iterable[str]) -> "Idf":
    """Inverse document frequencies over a large corpus (all the referential's labels), for
    matchers over few documents: there, « gérer » or « assurer » would look rare."""
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        count += 1
        frequency.update(set(terms(text)))
    count = max(1, count)
    return Idf(
        {term: math.log(1 + count / seen) for term, seen in frequency.items()}, math.log(1 + count)
    )


class Idf(NamedTuple):
    weights: dict[str, float]
    default: float


class TextMatcher:
    """An index of (key, text) documents; `search(query)` returns the best keys with scores.

    A key may have several texts (an appellation's long and short labels): its best one counts.
    Word weights come from the documents themselves, or from `idf` (a larger corpus).
    """

    def __init__(self, documents: Iterable[tuple[str, str]], idf: Idf | None = None):
        self._documents: list[tuple[str, str, dict[str, float]]] = []
        bags = []
        frequency: Counter[str] = Counter()
        for key, text in documents:
            bag = set(terms(text))
            if bag:
                bags.append((key, text, bag))
                frequency.update(bag)
        if idf is not None:
            self._idf, self._default_idf = idf.weights, idf.default
        else:
            count = max(1, len(bags))
            self._idf = {term: math.log(1 + count / seen) for term, seen in frequency.items()}
            self._default_idf = math.log(1 + count)
        self._postings: dict[str, list[int]] = {}
        for index, (key, text, bag) in enumerate(bags):
            weights = {term: self._idf.get(term, self._default_idf) for term in bag}
            self._documents.append((key, text, weights))
            for term in bag:
                self._postings.setdefault(term, []).append(index)
        self._norms = [
            math.sqrt(sum(w * w for w in weights.values())) for *_, weights in self._documents
        ]

    def __len__(self) -> int:
        return len(self._documents)

    def search(
        self,
        query: str,
        *,
        limit: int = 5,
        minimum: float = 0.3,
        shared: int = 1,
        alone: float = 1.0,
    ) -> list[Match]:
        """Matches scoring at least `minimum` and sharing at least `shared` words with the
        query — or one word only when the score reaches `alone` (a rare, telling word)."""
        bag = set(terms(query))
        if not bag:
            return []
        weights = {term: self._idf.get(term, self._default_idf) for term in bag}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        scores: dict[int, float] = {}
        common: dict[int, int] = {}
        for term, weight in weights.items():
            for index in self._postings.get(term, ()):
                scores[index] = scores.get(index, 0.0) + weight * self._documents[index][2][term]
                common[index] = common.get(index, 0) + 1
        best: dict[str, Match] = {}
        for index, dot in scores.items():
            score = dot / (norm * self._norms[index])
            key, text, _ = self._documents[index]
            if score < minimum or (common[index] < shared and score < alone):
                continue
            if key not in best or score > best[key].score:
                best[key] = Match(key, round(score, 4), text, common[index])
        # Highest score first; ties by key, so the same query always gives the same order.
        return sorted(best.values(), key=lambda match: (-match.score, match.key))[:limit]
