from types import SimpleNamespace

from django.conf import settings

# The DSFR templates read SITE_CONFIG; building it once from settings avoids the database query
# per page that django-dsfr's own context processor makes.
_SITE = SimpleNamespace(
    site_title=settings.SITE_TITLE,
    site_tagline=settings.SITE_TAGLINE,
    header_brand_html="République<br>Française",
    footer_brand_html="République<br>Française",
    beta_tag=True,
    mourning=False,
    notice_title="",
    notice_description="",
)


def site(request):
    return {"SITE_CONFIG": _SITE}
