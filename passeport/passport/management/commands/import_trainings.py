from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des formations suivies (Agora / Mon Compte Formation), données garanties. Format : docs/formats-import.md."
    feed_name = "trainings"
