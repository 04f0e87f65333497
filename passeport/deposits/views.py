from django.http import HttpResponse


def dashboard(request, certifier_id):
    return HttpResponse("")


def upload(request, certifier_id):
    return HttpResponse("")


def detail(request, certifier_id, deposit_id):
    return HttpResponse("")
