from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .status import request_heartbeat, system_status


@staff_member_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def status_page(request):
    if request.method == "POST":
        request_heartbeat()
        messages.success(
            request,
            "Vérification demandée : le worker va l’exécuter dans quelques secondes. "
            "Rechargez la page pour voir le résultat.",
        )
        return redirect("core:status")
    return render(
        request, "core/status.html", {"status": system_status(), "title": "État du service"}
    )
