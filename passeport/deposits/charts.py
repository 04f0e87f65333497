"""Server-rendered SVG charts (no JavaScript), each with a text alternative.

Every chart is `role="img"` with a `<title>` and `<desc>`, and the page shows the same figures
in a table (RGAA 1.x: information conveyed by an image is also available as text).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 220
OK_COLOUR, KO_COLOUR = "#18753c", "#ce0500"  # DSFR success / error


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
            f'height="{ko_height:.1f}" fill="{KO_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT + 16}" font-size="11" '
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
            f'<text x="{width + 6:.1f}" y="{y + row - 10}" font-size="12">{reason.count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers only, labels in <desc> escaped
