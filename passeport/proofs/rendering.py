"""HTML to PDF with WeasyPrint: tagged (PDF/UA-1), in the State's typeface, never the network.

The documents are Django templates (`templates/proofs/pdf/`); the same HTML body serves the
live preview of a CV. WeasyPrint writes a tagged PDF (PDF/UA-1: structure, language, title,
alternative text) with the credentials attached as embedded files. Its URL fetcher accepts
only `data:` URIs and the project's own files (fonts, style sheet): a document never fetches
anything from outside, whatever text a holder typed.
"""

import atexit
import io
from functools import cache
from pathlib import Path

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STYLE = Path(__file__).resolve().parent / "pdf" / "document.css"
FONTS = {
    (400, "normal"): "dsfr/dist/fonts/Marianne-Regular.woff2",
    (400, "italic"): "dsfr/dist/fonts/Marianne-Regular_Italic.woff2",
    (500, "normal"): "dsfr/dist/fonts/Marianne-Medium.woff2",
    (700, "normal"): "dsfr/dist/fonts/Marianne-Bold.woff2",
}


@cache
def _allowed_roots() -> tuple[str, ...]:
    roots = [str(STYLE.parent)]
    for path in FONTS.values():
        found = finders.find(path)
        if found:
            roots.append(str(Path(found).parent))
    return tuple(roots)


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = str(Path(url[7:].split("?")[0]).resolve())
                if not any(path.startswith(root + "/") for root in _allowed_roots()):
                    raise ValueError(f"fichier refusé dans un document signé : {url[:80]}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file", "data"}, allow_redirects=False)


@cache
def _stylesheet():
    """The style sheet and the font configuration its @font-face rules live in (WeasyPrint
    needs the same configuration when laying a document out)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    faces = []
    for (weight, style), path in FONTS.items():
        found = finders.find(path)
        if found:
            faces.append(
                "@font-face { font-family: Marianne; "
                f"src: url('{Path(found).resolve().as_uri()}') format('woff2'); "
                f"font-weight: {weight}; font-style: {style}; }}"
            )
    css = CSS(
        string="\n".join(faces) + STYLE.read_text(encoding="utf-8"),
        url_fetcher=_fetcher(),
        font_config=fonts,
    )
    return css, fonts


# WeasyPrint's font configuration removes its temporary files in __del__, which fails at
# interpreter exit once its modules are gone: released earlier.
atexit.register(_stylesheet.cache_clear)


def qr_data_uri(url: str) -> str:
    """The QR code of a verification address, as an SVG data URI (black on white: scanners)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def css_string(text: str) -> str:
    """Text for a CSS string in a <style> element: backslash, quote and « < » escaped (CSS
    Syntax §4.3.7), so that nothing typed closes the string or the element."""
    from django.utils.safestring import mark_safe

    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    )
    return mark_safe(escaped)  # noqa: S308 - escaped for its CSS context just above


def render(template: str, context: dict, *, attachments=(), title: str) -> tuple[bytes, int]:
    """The PDF of a template and the number of its pages. `attachments`: (file name, text,
    description) embedded in the PDF."""
    from weasyprint import HTML, Attachment

    html = render_to_string(template, {**context, "document_title": title})
    css, fonts = _stylesheet()
    document = HTML(string=html, url_fetcher=_fetcher(), base_url=str(STYLE.parent)).render(
        stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1", pdf_tags=True
    )
    files = [
        Attachment(
            string=text,
            name=name,
            description=description,
            relationship="Supplement",
            url_fetcher=_fetcher(),
        )
        for name, text, description in attachments
    ]
    out = io.BytesIO()
    document.write_pdf(out, attachments=files, pdf_variant="pdf/ua-1", pdf_tags=True)
    return out.getvalue(), len(document.pages)
