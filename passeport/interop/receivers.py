"""What the interop app adds to the passport app's pages (signals of passport/signals.py)."""

from django.template.loader import render_to_string


def exchange_panel(sender, request=None, holder=None, **kwargs):
    """On the passport page, « Exporter / importer »: the standard formats of the holder's record."""
    if holder is None or request is None:
        return None
    return render_to_string("interop/_exchange_panel.html", {}, request=request)
