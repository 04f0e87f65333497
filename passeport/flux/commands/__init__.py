"""One module per `passeport flux` subcommand (see passeport/flux/cli.py)."""
