"""« Mes compétences » as a map: sections and groups, drawn server-side as SVG.

The same grouping feeds the map and the table under it (the table is the map's equivalent for
screen readers and for reading each competence's provenance), so both always show the same:

- savoir-faire by domain of ROME 4.0's competence tree (its label when the tree file was
  loaded, else « Domaine de compétences n ») and, inside, by macro-compétence;
- the competences of the holder's certifications, in their certifiers' words, by certification;
- savoirs by their category; the savoir-être professionnels apart (they are no gaps and no
  proof of an occupation, but they are the holder's); what the holder declared.
Each competence is a dot whose shade says its strength (1 to 4); a dot links to its row.
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .deduction import Competence
from .referential import Referential

SHADES = {1: "#e3e3fd", 2: "#8585f6", 3: "#6a6af4", 4: "#000091"}
WIDTH = 960
TILE = 300
GAP = 15
DOT = 16


@dataclass
class Group:
    title: str
    competences: list[Competence] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.competences) for g in self.groups)


def sections(competences: list[Competence], referential: Referential) -> list[Section]:
    domains: dict[str, dict[str, Group]] = {}
    certifications: dict[str, Group] = {}
    savoirs: dict[str, Group] = {}
    savoir_etre = Group("Savoir-être professionnels")
    declared = Group("Ajoutées par vous")
    for competence in competences:
        if competence.key.startswith("libre:"):
            declared.competences.append(competence)
        elif competence.key.startswith("bloc:"):
            first = next((p for p in competence.provenances if p.certification), None)
            title = (
                f"{first.certification} — {first.certification_intitule}"
                if first
                else "Certifications"
            )
            certifications.setdefault(title, Group(title)).competences.append(competence)
        elif competence.categorie == "savoir-etre":
            savoir_etre.competences.append(competence)
        elif competence.categorie == "savoir":
            title = competence.groupe or "Autres savoirs"
            savoirs.setdefault(title, Group(title)).competences.append(competence)
        else:
            domain = competence.domaine or "?"
            title = competence.macro_libelle or "Autres savoir-faire"
            domains.setdefault(domain, {}).setdefault(title, Group(title)).competences.append(
                competence
            )
    result = []
    for domain in sorted(domains):
        label = referential.domain_label(domain) or (
            f"Domaine de compétences {domain}" if domain != "?" else "Savoir-faire"
        )
        groups = sorted(domains[domain].values(), key=lambda g: (-len(g.competences), g.title))
        result.append(Section(f"domaine-{domain}", f"Savoir-faire — {label}", groups))
    if certifications:
        result.append(
            Section(
                "certifications",
                "Compétences de vos certifications",
                sorted(certifications.values(), key=lambda g: g.title),
            )
        )
    if savoirs:
        groups = sorted(savoirs.values(), key=lambda g: (-len(g.competences), g.title))
        result.append(Section("savoirs", "Savoirs", groups))
    if savoir_etre.competences:
        result.append(Section("savoir-etre", "Savoir-être professionnels", [savoir_etre]))
    if declared.competences:
        result.append(Section("declarees", "Ajoutées par vous", [declared]))
    for section in result:
        for group in section.groups:
            group.competences.sort(key=lambda c: (-c.force, c.libelle))
    return result


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def svg(parts: list[Section], anchors: dict[str, str]) -> SafeString:
    """The map; `anchors` gives each competence's row id in the table (key → id)."""
    out: list[str] = []
    y = 10
    legend_x = 0
    out.append(f'<text x="0" y="{y + 12}" class="pp-map-legend">Force :</text>')
    legend_x = 60
    for level, label in ((1, "indice"), (2, "probable"), (3, "solide"), (4, "très solide")):
        out.append(
            f'<circle cx="{legend_x + 6}" cy="{y + 8}" r="6" fill="{SHADES[level]}" stroke="#000091" '
            f'stroke-width="0.5"/><text x="{legend_x + 16}" y="{y + 12}" class="pp-map-legend">'
            f"{label}</text>"
        )
        legend_x += 30 + len(label) * 7
    out.append(
        f'<circle cx="{legend_x + 6}" cy="{y + 8}" r="6" fill="#fff" stroke="#18753c" stroke-width="2"/>'
        f'<text x="{legend_x + 16}" y="{y + 12}" class="pp-map-legend">confirmée</text>'
    )
    y += 36
    per_row = (TILE - 20) // DOT
    for section in parts:
        out.append(
            f'<text x="0" y="{y + 16}" class="pp-map-section">{escape(section.title)}</text>'
        )
        y += 28
        column, row_height = 0, 0
        for group in section.groups:
            rows = -(-len(group.competences) // per_row)
            height = 34 + rows * DOT + 8
            x = column * (TILE + GAP)
            out.append(
                f'<g transform="translate({x},{y})"><rect width="{TILE}" height="{height}" rx="4" '
                'class="pp-map-tile"/>'
                f'<text x="10" y="20" class="pp-map-group"><title>{escape(group.title)}</title>'
                f"{escape(_short(group.title, 44))} ({len(group.competences)})</text>"
            )
            for index, competence in enumerate(group.competences):
                cx = 10 + (index % per_row) * DOT + DOT // 2
                cy = 34 + (index // per_row) * DOT + DOT // 2
                stroke = (
                    'stroke="#18753c" stroke-width="2"'
                    if competence.statut == "confirmee"
                    else 'stroke="#000091" stroke-width="0.5"'
                )
                label = (
                    f"{competence.libelle} — force {competence.force} ({competence.force_label})"
                )
                # The link's name is its <title> (SVG 2, « accessible name » of an <a>).
                out.append(
                    f'<a href="#{anchors[competence.key]}"><title>{escape(label)}</title>'
                    f'<circle cx="{cx}" cy="{cy}" r="6" fill="{SHADES[competence.force]}" {stroke}/></a>'
                )
            out.append("</g>")
            row_height = max(row_height, height)
            column += 1
            if column == WIDTH // (TILE + GAP):
                column, y, row_height = 0, y + row_height + GAP, 0
        if column:
            y += row_height + GAP
        y += 6
    body = "".join(out)
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y}" width="100%" '
        f'class="pp-map" role="group" aria-labelledby="carte-titre">{body}</svg>'
    )
