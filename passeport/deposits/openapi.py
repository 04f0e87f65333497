"""The OpenAPI 3.1 description of the deposits API, served at /api/v1/openapi.json."""

STATUSES = ["recu", "rejete", "en_cours", "traite", "traite_avec_erreurs"]


def _problem_ref() -> dict:
    return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Probleme"}}}


def _errors(*codes: int) -> dict:
    texts = {
        400: "Requête invalide",
        401: "Jeton absent, inconnu ou révoqué",
        404: "Dépôt inconnu (ou d'un autre organisme)",
        405: "Méthode non permise",
        409: "Accusé de traitement pas (encore) disponible",
        413: "Fichier trop volumineux",
        422: "Dépôt rejeté à la réception (motifs dans detail et accuseReception)",
        507: "Espace de stockage insuffisant : rien n'a été déposé",
    }
    return {str(code): {"description": texts[code], "content": _problem_ref()} for code in codes}


def openapi_document(request=None) -> dict:
    server = request.build_absolute_uri("/api/v1") if request is not None else "/api/v1"
    deposit_ref = {"$ref": "#/components/schemas/Depot"}
    id_param = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
        "description": "Identifiant du dépôt",
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passeport — API de dépôt des flux certificateurs",
            "version": "1.0.0",
            "description": (
                "Dépôt des flux XML de la Caisse des Dépôts (schéma urn:cdc:cpf:pc5:schema:1.0.0, "
                "versions 1.1.2 et 1.1.5), suivi du traitement et téléchargement de l'accusé de "
                "traitement. Authentification par jeton d'API (en-tête Authorization: Bearer). "
                "Les erreurs suivent la RFC 9457 (application/problem+json), en français."
            ),
        },
        "servers": [{"url": server}],
        "security": [{"jeton": []}],
        "paths": {
            "/depots": {
                "post": {
                    "summary": "Déposer un flux",
                    "operationId": "deposer",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["fichier"],
                                    "properties": {
                                        "fichier": {
                                            "type": "string",
                                            "format": "binary",
                                            "description": "Le flux XML",
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "Reçu ; traitement en file d'attente",
                            "content": {"application/json": {"schema": deposit_ref}},
                        },
                        "200": {
                            "description": "Ces octets ont déjà été déposés : le dépôt existant "
                            "est renvoyé (doublon=true), rien n'est retraité",
                            "content": {"application/json": {"schema": deposit_ref}},
                        },
                        **_errors(400, 401, 413, 422, 507),
                    },
                },
                "get": {
                    "summary": "Lister les dépôts de l'organisme",
                    "operationId": "listerDepots",
                    "parameters": [
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
                    ],
                    "responses": {
                        "200": {
                            "description": "Dépôts, du plus récent au plus ancien",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "depots": {"type": "array", "items": deposit_ref},
                                            "page": {"type": "integer"},
                                            "pages": {"type": "integer"},
                                            "total": {"type": "integer"},
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(400, 401),
                    },
                },
            },
            "/depots/{id}": {
                "get": {
                    "summary": "État et compteurs d'un dépôt",
                    "operationId": "lireDepot",
                    "parameters": [id_param],
                    "responses": {
                        "200": {
                            "description": "Le dépôt",
                            "content": {"application/json": {"schema": deposit_ref}},
                        },
                        **_errors(401, 404),
                    },
                }
            },
            "/depots/{id}/accuse-traitement": {
                "get": {
                    "summary": "Accusé de traitement (format de la Caisse des Dépôts)",
                    "operationId": "accuseTraitement",
                    "parameters": [id_param],
                    "responses": {
                        "200": {
                            "description": "Accusé de traitement_<nomFichier>_<AAAAMMJJ>.xml",
                            "content": {"application/xml": {"schema": {"type": "string"}}},
                        },
                        **_errors(401, 404, 409),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "jeton": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Jeton d'API de l'organisme (pp_…)",
                }
            },
            "schemas": {
                "Probleme": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
                "AccuseReception": {
                    "type": "object",
                    "properties": {
                        "depot": {"type": "string", "format": "uuid"},
                        "numeroTraitement": {"type": "integer"},
                        "nomFichier": {"type": "string"},
                        "taille": {"type": "integer"},
                        "sha256": {"type": "string"},
                        "recuLe": {"type": "string", "format": "date-time"},
                        "statut": {"type": "string", "enum": ["recu", "rejete"]},
                        "motifs": {"type": "array", "items": {"type": "string"}},
                        "idFlux": {"type": "string"},
                        "passages": {"type": ["integer", "null"]},
                    },
                },
                "Depot": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "numeroTraitement": {"type": "integer"},
                        "nomFichier": {"type": "string"},
                        "statut": {"type": "string", "enum": STATUSES},
                        "recuLe": {"type": "string", "format": "date-time"},
                        "traiteLe": {"type": ["string", "null"], "format": "date-time"},
                        "passages": {
                            "type": "object",
                            "properties": {
                                "total": {"type": ["integer", "null"]},
                                "traites": {"type": "integer"},
                                "acceptes": {"type": "integer"},
                                "rejetes": {"type": "integer"},
                            },
                        },
                        "progression": {"type": "integer", "minimum": 0, "maximum": 100},
                        "doublon": {"type": "boolean"},
                        "accuseReception": {"$ref": "#/components/schemas/AccuseReception"},
                    },
                },
            },
        },
    }
