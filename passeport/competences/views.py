"""Pages of competences. Thin: the data comes from `describing`, `profiles`, `drawing`; what a
holder decides goes through `decisions`, and actions are shown as `abilities` allow them.

Public: « Fiche métier » `/metiers/<code>/` and « Fiche certification » `/certifications/<code>/`,
each also as JSON at the same path with `.json` appended.
Holder: « Mes compétences » `/passeport/competences/` and « Mon avenir » `/passeport/avenir/`.
"""

import re

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from passeport.core import abilities
from passeport.passport.views import holder_required

from . import decisions, describing, drawing, indexing, profiles
from .decisions import DecisionError
from .deduction import COMPETENCE_CATEGORIES, FORCE_LABELS
from .models import ProfessionalGoal

_ROME = re.compile(r"[A-Z]\d{4}")
_CERTIFICATION = re.compile(r"(RNCP|RS)\d{1,6}")
PROVENANCE_LABELS = {
    "bloc": gettext_lazy("compétence d'un bloc, dans les mots du certificateur"),
    "rome_certification": gettext_lazy("fiche ROME citée par la certification"),
    "rome_experience": gettext_lazy("fiche ROME de l'emploi (code transmis par l'employeur)"),
    "appellation_confirmee": gettext_lazy("fiche ROME de l'appellation que vous avez confirmée"),
    "formation": gettext_lazy("formation suivie vers cette certification"),
    "declaration": gettext_lazy("ajoutée par vous"),
}
STATUS_LABELS = {
    "deduite": gettext_lazy("déduite"),
    "confirmee": gettext_lazy("confirmée par vous"),
    "masquee": gettext_lazy("masquée"),
    "declaree": gettext_lazy("déclarée"),
}
CATEGORY_LABELS = {
    "savoir-faire": gettext_lazy("Savoir-faire"),
    "savoir-etre": gettext_lazy("Savoir-être professionnel"),
    "savoir": gettext_lazy("Savoir"),
}


def _json(data: dict) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    # Reference data, the same for everyone and without anything of the visitor: cacheable.
    # (The HTML pages are not: their header shows the logged-in user; the default applies.)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _fiche(code: str) -> dict:
    if not _ROME.fullmatch(code or ""):
        raise Http404(_("Code ROME invalide."))
    data = describing.fiche_data(indexing.current(), code)
    if data is None:
        raise Http404(
            _("Aucune fiche métier %(code)s dans les référentiels chargés.") % {"code": code}
        )
    return data


def _certification(code: str) -> dict:
    if not _CERTIFICATION.fullmatch(code or ""):
        raise Http404(_("Numéro de fiche RNCP ou RS invalide."))
    data = describing.certification_data(indexing.current(), code)
    if data is None:
        raise Http404(_("Aucune fiche %(code)s dans les référentiels chargés.") % {"code": code})
    return data


@require_GET
def fiche_metier(request, code):
    data = _fiche(code)
    core = [c for c in data["competences"] if c["coeur_metier"] == "principale"]
    emerging = [c for c in data["competences"] if c["coeur_metier"] == "emergente"]
    others = [c for c in data["competences"] if not c["coeur_metier"]]
    return render(
        request,
        "competences/fiche_metier.html",
        {
            "title": f"{data['code_rome']} — {data['libelle']}",
            "fiche": data,
            "core": core,
            "emerging": emerging,
            "savoir_faire": [c for c in others if c["categorie"] == "savoir-faire"],
            "savoirs": [c for c in others if c["categorie"] == "savoir"],
            "savoir_etre": [c for c in others if c["categorie"] == "savoir-etre"],
            "version": indexing.current().rome,
        },
    )


@require_GET
def fiche_metier_json(request, code):
    return _json(_fiche(code))


@require_GET
def fiche_certification(request, code):
    data = _certification(code)
    return render(
        request,
        "competences/fiche_certification.html",
        {"title": f"{data['code']} — {data['intitule']}", "fiche": data},
    )


@require_GET
def fiche_certification_json(request, code):
    return _json(_certification(code))


# ------------------------------------------------------------------------ « Mes compétences »


def _anchor(index: int) -> str:
    return f"competence-{index}"


@require_GET
@holder_required
def my_competences(request):
    state = profiles.state_of(request.holder)
    profile = state.profile
    visible = profile.visible()
    anchors = {c.key: _anchor(i) for i, c in enumerate(profile.competences)}
    parts = drawing.sections(visible, state.referential)
    hidden = [c for c in profile.competences if c.statut == "masquee"]
    rows = [
        {
            "competence": c,
            "anchor": anchors[c.key],
            "abilities": abilities.for_request(request, c),
            "statut": STATUS_LABELS[c.statut],
        }
        for c in profile.competences
    ]
    by_key = {row["competence"].key: row for row in rows}
    suggestions: dict[str, dict] = {}
    for suggestion in profile.suggestions:
        entry = suggestions.setdefault(
            suggestion.entry.id, {"entry": suggestion.entry, "choices": []}
        )
        entry["choices"].append(suggestion)
    query = (request.GET.get("q") or "").strip()
    found = []
    if query:
        referential = state.referential
        matcher = referential.__dict__.get("_declare_matcher")
        if matcher is None:
            from .matching import TextMatcher

            matcher = TextMatcher(
                (i.code, i.libelle)
                for i in referential.items.values()
                if i.categorie in COMPETENCE_CATEGORIES
            )
            referential.__dict__["_declare_matcher"] = matcher
        found = [referential.items[m.key] for m in matcher.search(query, limit=10, minimum=0.3)]
    return render(
        request,
        "competences/my_competences.html",
        {
            "title": _("Mes compétences"),
            "state": state,
            "sections": [
                {
                    "section": s,
                    "groups": [
                        {"group": g, "rows": [by_key[c.key] for c in g.competences]}
                        for g in s.groups
                    ],
                }
                for s in parts
            ],
            "map": drawing.svg(parts, anchors) if parts else "",
            "hidden": [by_key[c.key] for c in hidden],
            "count": len(visible),
            "unresolved": [u for u in profile.unresolved if u.entry.id not in suggestions],
            "suggestions": list(suggestions.values()),
            "provenance_labels": PROVENANCE_LABELS,
            "category_labels": CATEGORY_LABELS,
            "force_labels": FORCE_LABELS,
            "query": query,
            "found": found,
            "categories": [(k, CATEGORY_LABELS[k]) for k in COMPETENCE_CATEGORIES],
        },
    )


_ACTIONS = {
    "confirm": (decisions.confirm, gettext_lazy("Compétence confirmée.")),
    "hide": (
        decisions.hide,
        gettext_lazy(
            "Compétence masquée : elle n’apparaît plus sur votre carte ni dans « Mon avenir »."
        ),
    ),
    "restore": (decisions.reset, gettext_lazy("Compétence remise comme déduite.")),
    "withdraw": (decisions.reset, gettext_lazy("Compétence retirée.")),
}


@require_POST
@holder_required
def competence_action(request):
    action, key = request.POST.get("action", ""), request.POST.get("key", "")
    competence = profiles.state_of(request.holder).profile.by_key().get(key)
    if action not in _ACTIONS or competence is None:
        messages.error(request, _("Cette compétence ne fait pas partie de votre carte."))
        return redirect("competences:mine")
    if not abilities.for_request(request, competence)[action]:
        messages.error(
            request,
            _("Impossible : cette compétence est « %(statut)s ».")
            % {"statut": STATUS_LABELS[competence.statut]},
        )
        return redirect("competences:mine")
    function, done = _ACTIONS[action]
    try:
        function(request.holder, key)
    except DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(f"{reverse('competences:mine')}#{request.POST.get('anchor', '')}")


@require_POST
@holder_required
def competence_declare(request):
    try:
        decisions.declare(
            request.holder,
            code_ogr=request.POST.get("code_ogr", "").strip(),
            libelle=request.POST.get("libelle", ""),
            categorie=request.POST.get("categorie", ""),
        )
    except DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Compétence ajoutée : elle reste « déclarée »."))
    return redirect("competences:mine")


@require_POST
@holder_required
def appellation_answer(request, entry_id):
    code = request.POST.get("appellation", "")
    try:
        if code == "aucune":
            decisions.refuse_appellation(request.holder, entry_id)
            messages.success(request, _("Aucune appellation ne sera appliquée à cette expérience."))
        elif code == "reprendre":
            decisions.forget_appellation(request.holder, entry_id)
            messages.success(request, _("Votre réponse est effacée : les propositions reviennent."))
        elif code:
            choice = decisions.choose_appellation(request.holder, entry_id, code)
            messages.success(
                request,
                _(
                    "« %(libelle)s » est appliquée : les compétences de la fiche %(fiche)s sont déduites."
                )
                % {"libelle": choice.libelle, "fiche": choice.fiche_code},
            )
        else:
            messages.error(request, _("Choisissez une appellation, ou « aucune ne convient »."))
    except DecisionError as error:
        messages.error(request, str(error))
    return redirect(f"{reverse('competences:mine')}#appellations")


# ------------------------------------------------------------------------ « Mon avenir »


@require_GET
@holder_required
def avenir(request):
    state = profiles.state_of(request.holder)
    view = profiles.avenir_view(state)
    cards = profiles.occupation_cards(state, view, get_language())
    return render(
        request,
        "competences/avenir.html",
        {
            "title": _("Mon avenir"),
            "state": state,
            "avenir": view,
            "metiers": [(m, cards[m["code_rome"]]) for m in view["metiers"]],
            "objectif_card": cards[view["objectif"]["code_rome"]] if view.get("objectif") else "",
            "goal_abilities": abilities.for_request(request, state.goal) if state.goal else None,
            "has_competences": bool(state.profile.codes()),
        },
    )


@require_POST
@holder_required
def goal(request):
    if request.POST.get("action") == "clear":
        current = ProfessionalGoal.objects.filter(user_id=request.holder.user_id).first()
        if current is None or not abilities.for_request(request, current)["delete"]:
            messages.error(request, _("Vous n’avez pas d’objectif à retirer."))
        else:
            decisions.clear_goal(request.holder)
            messages.success(request, _("Objectif retiré."))
        return redirect("competences:avenir")
    try:
        chosen = decisions.set_goal(request.holder, request.POST.get("fiche", ""))
    except DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Votre objectif est « %(libelle)s » : l’écart est affiché ici et sur votre passeport."
            )
            % {"libelle": chosen.libelle},
        )
    return redirect(f"{reverse('competences:avenir')}#objectif")
