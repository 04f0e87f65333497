"""The holder's exports in standard formats, from « Exporter / importer » on the passport page.
Thin: the formats are built in `exporting`."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from passeport.passport.export import passport_data, to_json
from passeport.passport.views import holder_required

from . import exporting


def _download(content, content_type: str, stem: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{extension}"'
    return response


@require_GET
@holder_required
def export_json_resume(request):
    return _download(
        exporting.json_resume_text(request.holder),
        "application/json; charset=utf-8",
        "mon-cv-json-resume",
        "json",
    )


@require_GET
@holder_required
def export_europass(request):
    return _download(
        exporting.europass_xml(request.holder),
        "application/xml; charset=utf-8",
        "mon-cv-europass",
        "xml",
    )


@require_GET
@holder_required
def export_passport(request):
    return _download(
        to_json(passport_data(holder=request.holder)),
        "application/json; charset=utf-8",
        "mon-passeport-complet",
        "json",
    )
