"""Signals the passport app sends; higher apps listen (dependency order in ARCHITECTURE.md).

- `entry_error_reported(sender=Entry, entry, holder, message)`: the holder clicked « Signaler une
  erreur » on a guaranteed entry. The certifiers app connects it to open a support ticket for
  the certifier (`entry.certificateur_id`, `entry.id_technique`, `entry.deposit_id`).
- `person_entries_changed(sender=Entry, person_id)`: guaranteed entries of a person were created,
  confirmed or withdrawn (for caches, notifications).

Sent inside the transaction that changes the entry (receivers defer their work with
`transaction.on_commit`, so nothing happens for a rolled-back change):

- `entry_withdrawn(sender=Entry, entry_id, person_id)`: a guaranteed entry was withdrawn (a
  SUPPRESSION flux). The proofs app revokes its credentials.
- `entry_corrected(sender=Entry, entry_id, person_id)`: a guaranteed entry's data were replaced
  (confirmed, corrected, or deposited again after a withdrawal).
- `entry_error_confirmed(sender=Entry, entry_id, person_id)`: the certifier confirmed an error
  a holder reported on a guaranteed entry (sent by the certifiers app).
- `export_sections(sender=Holder, holder, person_id)`: the personal-data export is being built;
  each receiver returns a dict of extra top-level sections (`attestations_numeriques`…).
- `home_panels(sender=Holder, request, holder)`: the passport page is being shown; each
  receiver returns a piece of HTML (a `SafeString`) to show above the entries, or None (the
  competences app: the gap to the holder's professional goal).
"""

from django.dispatch import Signal

entry_error_reported = Signal()
person_entries_changed = Signal()
entry_withdrawn = Signal()
entry_corrected = Signal()
entry_error_confirmed = Signal()
export_sections = Signal()
home_panels = Signal()
