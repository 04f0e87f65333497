"""Under the API's paths, every answer Django gives by itself is problem+json in French.

Django answers some requests before (or around) any view: an unknown path (the URL resolver's
404), a body it cannot parse (400), a method the view does not serve (405), a crash (500). On
the pages these are DSFR pages; on the API a client would get HTML in English, so this
middleware, placed high in `MIDDLEWARE`, rewrites any error response of an API path that is not
already a problem into one (RFC 9457), keeping its status and headers such as `Allow` and
`Retry-After`.

It also refuses a body sent with `Transfer-Encoding: chunked`: WSGI servers hand Django such a
body without a length, Django then reads it as empty, and the client would be told its file is
missing (RFC 9110 §15.5.12: 411 Length Required).
"""

from .problems import PROBLEM, is_api_path, problem

DETAILS = {
    400: "La requête est mal formée et n'a pas pu être lue. Vérifiez son corps et ses en-têtes.",
    401: "Ajoutez l'en-tête « Authorization: Bearer <jeton> ».",
    403: "Cette requête n'est pas autorisée.",
    404: "Aucune ressource de l'API ne répond à cette adresse. La liste des opérations est "
    "dans la description OpenAPI : /api/v1/openapi.json (référence lisible : /api/v1/docs).",
    405: "Cette méthode HTTP n'est pas acceptée à cette adresse.",
    413: "La requête dépasse la taille acceptée.",
    500: "Une erreur inattendue est survenue ; elle a été enregistrée. Réessayez plus tard.",
}

KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location")


class ProblemJsonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path_info):
            return self.get_response(request)
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            return problem(
                411,
                "Envoi par morceaux non accepté",
                "Le corps de la requête a été envoyé par morceaux (Transfer-Encoding: chunked), "
                "que le service ne lit pas. Envoyez-le en une fois avec sa taille "
                "(en-tête Content-Length) ; curl -F fichier=@flux.xml le fait.",
            )
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(PROBLEM):
            return response
        return self._as_problem(response)

    @staticmethod
    def _as_problem(response):
        status = response.status_code
        detail = DETAILS.get(status, DETAILS[400] if status < 500 else DETAILS[500])
        allow = response.get("Allow")
        if allow:
            # ninja lists the methods from a set: give them in a stable order.
            allow = ", ".join(sorted(m.strip() for m in allow.split(",") if m.strip()))
            detail = f"Méthodes acceptées : {allow}."
        replaced = problem(status, detail=detail)
        for name in KEPT_HEADERS:
            if name in response:
                replaced[name] = response[name]
        if allow:
            replaced["Allow"] = allow
        return replaced
