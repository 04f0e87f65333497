"""The list of a passport's entries, fetched and rendered for speed (benchmark: 200 entries).

A passport holds hundreds of entries over a lifetime; the passport page must stay within 3 times
the cost of the home page (bench/bench_passport_page.py). Two things make it so:
- one query for the columns the list shows (tuples, no model instances, no JSON decoding), plus
  one for the document counts of the holder's own entries;
- the list's HTML built here with `format_html`-style escaping rather than a template loop (the
  template engine's includes, tags and filters cost more per entry than the whole query);
- the rendered list cached (Django's cache) under a key that changes whenever what it shows can
  change: the number of entries, their latest `updated_at`, the number of provisional ones, the
  day (expired/valid wording) and the language. One aggregate query checks it, written in SQL
  once per process: the ORM took three times longer to compile it than the database to run it.
The markup is the same DSFR markup as the templates (badge classes, headings, links).
"""

from dataclasses import dataclass
from functools import cache as memoise
from html import escape  # Django's escape, without its lazy-string wrapper (~15 µs a call)

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Document, Entry, Holder

COLUMNS = (
    "id",
    "kind",
    "trust",
    "source",
    "title",
    "organisation",
    "certification_code",
    "award_date",
    "start_date",
    "end_date",
    "expires_on",
    "provisional",
)


@dataclass(frozen=True)
class Section:
    kind: str
    label: str
    count: int
    html: SafeString


def _date(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


CACHE_SECONDS = 3600


def passport_sections(holder: Holder, *, today) -> tuple[list[Section], dict[str, int], int]:
    """(sections by kind in display order, count per trust level, total) of the holder's passport."""
    count, last, provisional = _version(holder)
    # The latest change as the backend returns it (a datetime, or text on SQLite), without
    # spaces: cache keys must stay valid for memcached too.
    last = str(last).replace(" ", "T")
    key = (
        f"passport:sections:{holder.pk}:{holder.person_id}:{count}:{last}:{provisional}:"
        f"{today.isoformat()}:{get_language()}"
    )
    cached = cache.get(key)
    if cached is None:
        cached = _render_sections(holder, today=today)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


@memoise
def _version_sql(alias: str) -> str:
    """The SQL of `Entry.objects.of_holder(holder)` aggregated (count, last change, provisional
    count), with the holder and the person as the two parameters."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in Entry._meta.fields}
    return (
        f"SELECT COUNT(*), MAX({column['updated_at']}), "  # noqa: S608 - the model's own names
        f"SUM(CASE WHEN {column['provisional']} THEN 1 ELSE 0 END) "
        f"FROM {quote(Entry._meta.db_table)} WHERE {column['withdrawn_at']} IS NULL "
        f"AND ({column['holder']} = %s OR {column['person']} = %s)"
    )


def _version(holder: Holder) -> tuple:
    """(entries, latest updated_at, provisional entries) of what the passport shows."""
    alias = router.db_for_read(Entry)
    connection = connections[alias]
    params = [
        Entry._meta.get_field("holder").get_db_prep_value(holder.pk, connection),
        Entry._meta.get_field("person").get_db_prep_value(holder.person_id, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(alias), params)
        return cursor.fetchone()


def _render_sections(holder: Holder, *, today) -> tuple[list[Section], dict[str, int], int]:
    rows = list(
        Entry.objects.of_holder(holder).order_by(*Entry._meta.ordering).values_list(*COLUMNS)
    )
    documents = dict(
        Document.objects.filter(entry__holder=holder)
        .values_list("entry_id")
        .annotate(n=Count("id"))
        .values_list("entry_id", "n")
    )
    labels = {
        "obtained": _("obtenu le"),
        "since": _("depuis le"),
        "until": _("jusqu’au"),
        "expired": _("expiré le"),
        "valid": _("valable jusqu’au"),
        "source": _("source"),
        "document": _("justificatif"),
        "documents": _("justificatifs"),
        "provisional": _("Provisoire"),
    }
    badges = _badges()
    provisional_badge = (
        f' <p class="fr-badge fr-badge--sm fr-badge--warning">{labels["provisional"]}</p>'
    )
    sources = dict(Entry.Source.choices)
    url_prefix = reverse("passport:entry", args=["00000000-0000-0000-0000-000000000000"])
    url_prefix = url_prefix.removesuffix("00000000-0000-0000-0000-000000000000/")

    parts: dict[str, list[str]] = {kind: [] for kind in Entry.Kind.values}
    counts = dict.fromkeys(Entry.Trust.values, 0)
    for (
        pk,
        kind,
        trust,
        source,
        title,
        organisation,
        code,
        award,
        start,
        end,
        expires,
        provisional,
    ) in rows:
        counts[trust] += 1
        facts = [escape(organisation)] if organisation else []
        if code:
            facts.append(escape(code))
        if award:
            facts.append(f"{labels['obtained']} {_date(award)}")
        elif start:
            since = f"{labels['since']} {_date(start)}"
            facts.append(f"{since} {labels['until']} {_date(end)}" if end else since)
        if expires:
            word = labels["expired"] if expires < today else labels["valid"]
            facts.append(f"{word} {_date(expires)}")
        if trust == Entry.Trust.GUARANTEED:
            facts.append(f"{labels['source']} : {escape(sources[source])}")
        elif documents.get(pk):
            n = documents[pk]
            facts.append(f"{n} {labels['document'] if n == 1 else labels['documents']}")
        parts[kind].append(
            f'<li class="pp-entry"><h3 class="fr-h6 fr-mb-1v"><a href="{url_prefix}{pk}/">'
            f'{escape(title)}</a></h3><p class="fr-mb-1v">{badges[trust]}'
            f"{provisional_badge if provisional else ''}</p>"
            f'<p class="fr-text--sm fr-mb-0">{" — ".join(facts)}</p></li>'
        )
    sections = [
        Section(kind, label, len(parts[kind]), mark_safe("".join(parts[kind])))  # noqa: S308 - every value escaped above
        for kind, label in Entry.Kind.choices
        if parts[kind]
    ]
    return sections, counts, len(rows)


def _badges() -> dict[str, str]:
    return {
        Entry.Trust.GUARANTEED: f'<p class="fr-badge fr-badge--sm fr-badge--success">{_("Garantie")}</p>',
        Entry.Trust.DECLARED_WITH_PROOF: (
            f'<p class="fr-badge fr-badge--sm fr-badge--info">{_("Déclarée avec justificatif")}</p>'
        ),
        Entry.Trust.DECLARED: f'<p class="fr-badge fr-badge--sm">{_("Déclarée")}</p>',
    }


@dataclass(frozen=True)
class Year:
    year: int
    html: SafeString


def timeline(holder: Holder, *, kind: str = "", trust: str = "") -> tuple[list[Year], int]:
    """« Mon parcours »: the entries by year, most recent first, optionally filtered."""
    entries = Entry.objects.of_holder(holder)
    if kind:
        entries = entries.filter(kind=kind)
    if trust:
        entries = entries.filter(trust=trust)
    rows = list(
        entries.values_list(
            "id",
            "kind",
            "trust",
            "title",
            "organisation",
            "award_date",
            "start_date",
            "end_date",
            "provisional",
            "created_at",
        )
    )

    def day(row):
        return row[5] or row[6] or row[7] or row[9].date()

    rows.sort(key=day, reverse=True)
    badges = _badges()
    provisional_badge = f' <p class="fr-badge fr-badge--sm fr-badge--warning">{_("Provisoire")}</p>'
    kinds = dict(Entry.Kind.choices)
    url_prefix = reverse("passport:entry", args=["00000000-0000-0000-0000-000000000000"])
    url_prefix = url_prefix.removesuffix("00000000-0000-0000-0000-000000000000/")
    years: list[tuple[int, list[str]]] = []
    for row in rows:
        pk, kind_, trust_, title, organisation, award, start, end, provisional, _created = row
        year = day(row).year
        if not years or years[-1][0] != year:
            years.append((year, []))
        when = ""
        if award:
            when = f" — {_date(award)}"
        elif start:
            when = f" — {_date(start)}" + (f" → {_date(end)}" if end else "")
        years[-1][1].append(
            f'<li><p class="fr-text--sm fr-mb-0">{escape(kinds[kind_])}{when}</p>'
            f'<h3 class="fr-h6 fr-mb-1v"><a href="{url_prefix}{pk}/">{escape(title)}</a></h3>'
            f'<p class="fr-mb-1v">{badges[trust_]}{provisional_badge if provisional else ""}</p>'
            + (f'<p class="fr-text--sm">{escape(organisation)}</p>' if organisation else "")
            + "</li>"
        )
    return (
        [Year(year, mark_safe("".join(items))) for year, items in years],  # noqa: S308 - escaped
        len(rows),
    )
