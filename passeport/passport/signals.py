"""Signals the passport app sends; higher apps listen (dependency order in LAYOUT/ARCHITECTURE).

- `entry_error_reported(sender=Entry, entry, holder, message)`: the holder clicked « Signaler une
  erreur » on a guaranteed entry. The certifiers app connects it to open a support ticket for
  the certifier (`entry.certificateur_id`, `entry.id_technique`, `entry.deposit_id`).
- `person_entries_changed(sender=Entry, person_id)`: guaranteed entries of a person were created,
  confirmed or withdrawn (for caches, notifications).
"""

from django.dispatch import Signal

entry_error_reported = Signal()
person_entries_changed = Signal()
