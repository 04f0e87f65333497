from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des périodes d'emploi (DSN / RGCU), données garanties. Format : docs/formats-import.md."
    feed_name = "careers"
