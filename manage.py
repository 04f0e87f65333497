#!/usr/bin/env python
import os
import sys


def main() -> None:
    from passeport.core.runner import use_local_environment

    use_local_environment()  # var/local.env of `make run`, if any (never overrides)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
