from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe des formations de prévention (attestations de formation, justificatifs de réussite), données garanties. Format : docs/formats-import.md."
    feed_name = "prevention"
