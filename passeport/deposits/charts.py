"""Server-rendered SVG charts (no JavaScript), each with a text alternative.

Every chart is `role="img"` with a `<title>` and `<desc>`, and the page shows the same figures
in a table (RGAA 1.x: information conveyed by an image is also available as text). The text
takes the DSFR's text colour through a class (`pp-chart__text`, deposits.css), so it follows the
dark theme; accepted and rejected differ by more than their colour (RGAA 3.1, WCAG 1.4.1):
rejected bars are hatched, as is their key in the caption.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 220
OK_COLOUR, KO_COLOUR = "#18753c", "#ce0500"  # DSFR success / error
KO_PATTERN = "chart-acceptance-ko"


def _hatch(pattern_id: str) -> str:
    """Diagonal white stripes on the error colour."""
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{KO_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>'
        "</pattern></defs>"
    )


def acceptance_chart(months) -> str:
    if not months:
        return ""
    top = max(m.total for m in months) or 1
    slot = WIDTH / len(months)
    bar = max(6.0, slot * 0.6)
    parts = [
        f'<svg class="pp-chart" viewBox="0 0 {WIDTH} {HEIGHT + 40}" role="img" '
        'aria-labelledby="chart-acceptance-title chart-acceptance-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-acceptance-title">Passages acceptés et rejetés par mois</title>',
        '<desc id="chart-acceptance-desc">'
        + escape("; ".join(f"{m.month:%m/%Y} : {m.ok} acceptés, {m.ko} rejetés" for m in months))
        + "</desc>",
        _hatch(KO_PATTERN),
    ]
    for index, month in enumerate(months):
        x = index * slot + (slot - bar) / 2
        ok_height = HEIGHT * month.ok / top
        ko_height = HEIGHT * month.ko / top
        parts.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - ok_height:.1f}" width="{bar:.1f}" '
            f'height="{ok_height:.1f}" fill="{OK_COLOUR}"/>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - ok_height - ko_height:.1f}" width="{bar:.1f}" '
            f'height="{ko_height:.1f}" fill="url(#{KO_PATTERN})" stroke="{KO_COLOUR}" '
            'stroke-width="1.5" stroke-dasharray="4 2"/>'
        )
        parts.append(
            f'<text class="pp-chart__text" x="{x + bar / 2:.1f}" y="{HEIGHT + 16}" font-size="11" '
            f'text-anchor="middle">{month.month:%m/%y}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


def reasons_chart(reasons) -> str:
    if not reasons:
        return ""
    top = max(r.count for r in reasons) or 1
    row = 28
    height = row * len(reasons)
    parts = [
        f'<svg class="pp-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="chart-reasons-title chart-reasons-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-reasons-title">Passages rejetés par motif</title>',
        '<desc id="chart-reasons-desc">'
        + escape("; ".join(f"{r.label} : {r.count}" for r in reasons))
        + "</desc>",
    ]
    for index, reason in enumerate(reasons):
        y = index * row
        width = (WIDTH - 80) * reason.count / top
        parts.append(
            f'<rect x="0" y="{y + 4}" width="{width:.1f}" height="{row - 10}" fill="{KO_COLOUR}"/>'
        )
        parts.append(
            f'<text class="pp-chart__text" x="{width + 6:.1f}" y="{y + row - 10}" '
            f'font-size="12">{reason.count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers only, labels in <desc> escaped
