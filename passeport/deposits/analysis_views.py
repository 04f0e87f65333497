"""Portal pages of a spreadsheet deposit (certifier space, DSFR): progress, column mapping,
preview, downloads. Thin: the work is in analysis.py, which the API calls too.

Only a member who may deposit for the analysis's certifier reaches these pages; anyone else,
and any other certifier's analysis id, gets 404 (deposits/abilities.py `analysis_abilities`).
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passeport.certifiers.access import certifier_member_required
from passeport.core import abilities

from . import analysis as analysing
from .models import SpreadsheetAnalysis

State = SpreadsheetAnalysis.State
DOWNLOADS = {
    # kind → (results key, content type, file name pattern)
    "flux": ("xml", "application/xml", "{stem}.xml"),
    "rapport": ("report", "text/html; charset=utf-8", "Rapport de construction_{stem}.html"),
    "lignes": (
        "rejects",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Lignes à corriger_{stem}.xlsx",
    ),
}


def _analysis(request, certifier, analysis_id, action: str = "view") -> SpreadsheetAnalysis:
    found = get_object_or_404(SpreadsheetAnalysis, pk=analysis_id, certifier=certifier)
    found.certifier = certifier
    if not abilities.for_request(request, found)[action]:
        raise Http404("Tableur introuvable.")
    return found


def _step_url(found: SpreadsheetAnalysis) -> str:
    args = [found.certifier.pk, found.pk]
    if found.state == State.MAPPING:
        return reverse("deposits:analysis_columns", args=args)
    if found.state == State.PREVIEW:
        return reverse("deposits:analysis_preview", args=args)
    if found.state == State.DEPOSITED and found.deposit_id:
        return reverse("deposits:detail", args=[found.certifier.pk, found.deposit_id])
    return reverse("deposits:analysis", args=args)


def _context(certifier, found, title, **extra) -> dict:
    return {"certifier": certifier, "analysis": found, "title": title, **extra}


@certifier_member_required()
def progress(request, certifier, analysis_id):
    """While a background step runs: a progress bar the page's script refreshes."""
    found = _analysis(request, certifier, analysis_id)
    if not found.is_running and found.state != State.FAILED:
        return redirect(_step_url(found))
    return render(
        request,
        "deposits/analysis_progress.html",
        _context(certifier, found, f"Analyse du tableur {found.file_name}"),
    )


@certifier_member_required()
def state(request, certifier, analysis_id):
    found = _analysis(request, certifier, analysis_id)
    return JsonResponse(
        {
            "etat": found.state,
            "libelleEtat": found.get_state_display(),
            "progression": found.progress,
            "enCours": found.is_running,
            "page": _step_url(found),
            "erreurs": found.errors,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@certifier_member_required()
@require_http_methods(["GET", "POST"])
def columns(request, certifier, analysis_id):
    found = _analysis(request, certifier, analysis_id)
    if not abilities.for_request(request, found)["map"]:
        return redirect(_step_url(found))
    rows = analysing.column_rows(found)
    errors = list(found.errors)
    if request.method == "POST":
        choices = {row["header"]: request.POST.get(f"colonne-{row['position']}", "?")
                   for row in rows}  # fmt: skip
        errors = analysing.choose(found, choices)
        if not errors:
            return redirect("deposits:analysis", certifier.pk, found.pk)
        for row in rows:  # the page shows what was chosen, with the reasons it cannot be used
            row["choice"] = choices[row["header"]]
    return render(
        request,
        "deposits/analysis_columns.html",
        _context(
            certifier,
            found,
            "Correspondance des colonnes",
            rows=rows,
            fields=analysing.field_choices(),
            errors=errors,
            remembered_label=analysing.REMEMBERED,
        ),
        status=400 if request.method == "POST" else 200,
    )


@certifier_member_required()
@require_http_methods(["GET", "POST"])
def preview(request, certifier, analysis_id):
    found = _analysis(request, certifier, analysis_id)
    if found.state != State.PREVIEW:
        return redirect(_step_url(found))
    if request.method == "POST":
        if not abilities.for_request(request, found)["confirm"]:
            raise Http404("Aucun passage à déposer.")
        receptions = analysing.confirm(found, user=request.user)
        messages.success(
            request, f"{found.file_name} : flux construit et déposé, traitement en cours."
        )
        return redirect("deposits:detail", certifier.pk, receptions[0].deposit.pk)
    return render(
        request,
        "deposits/analysis_preview.html",
        _context(
            certifier,
            found,
            f"Aperçu avant dépôt — {found.file_name}",
            report=found.preview,
            abilities=abilities.for_request(request, found),
            hidden_rows=max(found.preview.get("rejected", 0) - analysing.PREVIEW_ROWS, 0),
        ),
    )


@certifier_member_required()
def mapping_file(request, certifier, analysis_id):
    found = _analysis(request, certifier, analysis_id)
    if not found.mapping:
        raise Http404("Aucune correspondance pour ce tableur.")
    response = HttpResponse(analysing.mapping_toml(found), content_type="application/toml")
    response["Content-Disposition"] = _attachment(f"correspondance_{_stem(found)}.toml")
    return response


@certifier_member_required()
def download(request, certifier, analysis_id, kind):
    if kind not in DOWNLOADS:
        raise Http404("Fichier absent.")
    found = _analysis(request, certifier, analysis_id, "download")
    key, content_type, pattern = DOWNLOADS[kind]
    name = found.results.get(key)
    if isinstance(name, list):  # the flux: one file below 200 000 passages, else the first
        name = name[0] if name else None
    if not name:
        raise Http404("Fichier absent.")
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = _attachment(pattern.format(stem=_stem(found)))
    return response


def _stem(found: SpreadsheetAnalysis) -> str:
    return found.file_name.rsplit(".", 1)[0] or "tableur"


def _attachment(name: str) -> str:
    from .views import _attachment as attachment

    return attachment(name)


@certifier_member_required("deposit")
def example(request, certifier):
    """The example spreadsheet to try the spreadsheet deposit with (deposits/demo.py)."""
    from .demo import DIRTY_FILE_NAME, dirty_spreadsheet

    response = HttpResponse(dirty_spreadsheet(), content_type=DOWNLOADS["lignes"][1])
    response["Content-Disposition"] = _attachment(DIRTY_FILE_NAME)
    return response
