"""Badge images with the credential baked in (Open Badges 3.0 §5.3 « Baked Badge »).

- PNG: one `iTXt` chunk, keyword `openbadgecredential`, uncompressed, whose text is the
  credential's JSON (embedded proof) or its compact JWS;
- SVG: an `<openbadges:credential>` element right after `<svg>` (namespace
  `https://purl.imsglobal.org/ob/v3p0`), with the JSON in CDATA or the JWS in `verify`.

The image itself is drawn here (Pillow for the PNG): a sober round seal in the State's blue
with the achievement's name.
"""

import html
import io
import re
import textwrap

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

KEYWORD = "openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
BLUE = (0, 0, 145)  # DSFR « bleu France » #000091
SIZE = 512


def _lines(title: str) -> list[str]:
    return textwrap.wrap(title, width=22)[:4] or ["Attestation"]


def _image(title: str) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=BLUE)
    draw.ellipse((32, 32, SIZE - 32, SIZE - 32), outline=(255, 255, 255), width=4)
    small = ImageFont.load_default(size=26)
    large = ImageFont.load_default(size=34)
    draw.text((SIZE / 2, 120), "PASSEPORT", font=small, fill="white", anchor="mm")
    y = 210
    for line in _lines(title):
        draw.text((SIZE / 2, y), line, font=large, fill="white", anchor="mm")
        y += 44
    draw.text((SIZE / 2, 420), "Donnée garantie", font=small, fill="white", anchor="mm")
    return image


def bake_png(title: str, text: str) -> bytes:
    """A PNG seal carrying `text` (credential JSON or JWS) in an uncompressed iTXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEYWORD, text, lang="", tkey="", zip=False)
    out = io.BytesIO()
    _image(title).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def unbake_png(data: bytes) -> str | None:
    """The credential text of a baked PNG, None when it has none."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if image.format != "PNG":
        return None
    value = getattr(image, "text", {}).get(KEYWORD)
    return str(value) if value else None


def _cdata(text: str) -> str:
    # A CDATA section ends at the first "]]>": split it there (XML 1.0 §2.7).
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def bake_svg(title: str, text: str, *, is_jws: bool) -> str:
    if is_jws:
        element = f'<openbadges:credential verify="{html.escape(text, quote=True)}"/>'
    else:
        element = f"<openbadges:credential>{_cdata(text)}</openbadges:credential>"
    lines = "".join(
        f'<text x="256" y="{210 + 44 * i}" font-size="34" text-anchor="middle" '
        f'dominant-baseline="middle" fill="#fff">{html.escape(line)}</text>'
        for i, line in enumerate(_lines(title))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}" '
        'viewBox="0 0 512 512" width="512" height="512" role="img" '
        f'aria-label="{html.escape(title, quote=True)}">'
        f"{element}"
        f"<title>{html.escape(title)}</title>"
        '<circle cx="256" cy="256" r="248" fill="#000091"/>'
        '<circle cx="256" cy="256" r="224" fill="none" stroke="#fff" stroke-width="4"/>'
        '<g font-family="Marianne, Arial, sans-serif">'
        '<text x="256" y="120" font-size="26" text-anchor="middle" fill="#fff">PASSEPORT</text>'
        f"{lines}"
        '<text x="256" y="420" font-size="26" text-anchor="middle" fill="#fff">'
        "Donnée garantie</text></g></svg>\n"
    )


_SVG_ELEMENT = re.compile(
    r"<openbadges:credential\b([^>]*?)(/>|>(.*?)</openbadges:credential\s*>)", re.DOTALL
)
_VERIFY = re.compile(r"""\bverify\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


def unbake_svg(text: str) -> str | None:
    """The credential text of a baked SVG (the first `openbadges:credential`, as the
    specification says to read it), found without an XML parser: nothing else of the file is
    interpreted."""
    match = _SVG_ELEMENT.search(text)
    if match is None:
        return None
    verify = _VERIFY.search(match.group(1))
    if verify:
        return html.unescape(verify.group(2)).strip()
    body = match.group(3) or ""
    parts = _CDATA.findall(body)
    return ("".join(parts) if parts else html.unescape(body)).strip() or None
