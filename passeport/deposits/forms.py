"""The online entry form of a passage, built from the flux dictionary.

One field per spreadsheet column of `passeport.flux.columns` (the dictionary's fields): the
dictionary's French label and number, its help sentence, a drop-down for every enumeration.
Values go to the flux builder (`passeport.flux.building.build_flux`) as one row: the very same
normalisation, checks and XML writer as a spreadsheet deposit.
"""

from django import forms

from passeport.core.forms import mark_invalid
from passeport.flux.columns import spreadsheet_columns
from passeport.flux.row_checks import REQUIRED, TITULAIRE_REQUIRED

BLOCKS = {
    3: "Certification",
    4: "Passage de la certification",
    5: "Niveau numérique européen",
    6: "Modalités d'inscription",
    7: "Identification par le dossier CPF",
    8: "Identification par l'état civil (titulaire)",
    9: "Identification par le NIR (schéma 1.1.5)",
}
# The identification blocks are alternatives (a choice in the CDC schema): what is required in
# one of them is required only when the passage identifies its holder that way.
BLOCK_HINTS = {
    8: "Les champs marqués d'un astérisque sont obligatoires sauf si le titulaire est identifié "
    "par son dossier CPF (bloc 7) ou son NIR (bloc 9).",
}
# Fields the portal fills itself (the certifier's ids and the deposit's kind).
HIDDEN = {"natureDeposant"}
# The form's own field (not a flux column): whom a trusted third party deposits for.
CERTIFICATEUR = "certificateur"
# The values a passage cannot do without, as the flux builder checks them (row_checks.py): marked
# required in the form (RGAA 11.10), though the builder stays the one that says what is missing.
MANDATORY = frozenset(REQUIRED) | frozenset(TITULAIRE_REQUIRED)


def columns(version: str):
    return [c for c in spreadsheet_columns(version) if c.key not in HIDDEN]


# Checks made in the browser as the certifier types (static/deposits/entry.js), from the
# dictionary's facets; the flux builder stays the authority when the form is sent.
_LIVE_KINDS = {"date": "date", "int": "int", "insee": "insee", "postal": "postal"}


def live_check_attrs(spec) -> dict:
    attrs = {}
    if spec.kind in _LIVE_KINDS:
        attrs["data-check"] = _LIVE_KINDS[spec.kind]
    if spec.length:
        attrs["data-length"] = str(spec.length)
    elif spec.max_length:
        attrs["data-max-length"] = str(spec.max_length)
    if spec.min_value is not None:
        attrs["data-min"] = str(spec.min_value)
    if spec.max_value is not None:
        attrs["data-max"] = str(spec.max_value)
    if attrs and "data-check" not in attrs:
        attrs["data-check"] = "text"
    return attrs


class PassageForm(forms.Form):
    """Every field optional here: the builder says what is missing, with how to fix it."""

    def __init__(
        self, *args, version: str = "1.1.2", codes=(), depositor=None, on_behalf=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.version = version
        self.columns = columns(version)
        # A trusted third party deposits for the certifiers that mandated it (and for itself
        # when it holds certifications): it says for which, and the code must be one of theirs.
        self.on_behalf = {certifier.id_client: certifier for certifier in on_behalf}
        self.codes_of = {c.id_client: c.certification_codes() for c in on_behalf}
        if len(on_behalf) > 1 or (on_behalf and on_behalf[0] != depositor):
            field = forms.ChoiceField(
                label="Organisme certificateur",
                required=False,
                help_text="L'organisme pour lequel vous déposez ce passage (vous, ou un "
                "certificateur qui vous a mandaté comme tiers de confiance).",
                choices=[("", "—")]
                + [(c.id_client, f"{c.name} ({c.id_client})") for c in on_behalf],
            )
            field.widget.attrs["class"] = "fr-select"
            field.block = 3
            field.marked_required = True
            field.widget.attrs["aria-required"] = "true"
            self.fields = {CERTIFICATEUR: field, **self.fields}  # first: it decides the codes
        for column in self.columns:
            label = f"{column.label} ({column.number})"
            if column.key == "code" and codes:
                choices = [("", "—")] + [(code, code) for code in codes]
            elif column.spec.choices:
                choices = [("", "—")] + [
                    (code, f"{text} ({code})") for code, text in column.spec.choices.items()
                ]
            else:
                choices = None
            if choices:
                field = forms.ChoiceField(
                    label=label, required=False, help_text=column.help, choices=choices
                )
                field.widget.attrs["class"] = "fr-select"
            else:
                field = forms.CharField(
                    label=label, required=False, help_text=column.help, max_length=2000
                )
                field.widget.attrs["class"] = "fr-input"
                field.widget.attrs.update(live_check_attrs(column.spec))
            field.block = int(column.number.split(".")[0])
            if column.key in MANDATORY:
                field.marked_required = True
                field.widget.attrs["aria-required"] = "true"
            self.fields[column.key] = field

    def add_anomalies(self, anomalies) -> None:
        """Builder anomalies as form errors, on the field they name (else on the form)."""
        keys = {c.key: c.key for c in self.columns}
        keys.update({c.name: c.key for c in self.columns})
        for anomaly in anomalies:
            message = anomaly.message.strip().rstrip(".")
            text = f"{message[:1].upper()}{message[1:]}. {anomaly.hint}".strip()
            key = keys.get(anomaly.field)
            self.add_error(key if key in self.fields else None, text)
            if key in self.fields:
                mark_invalid(self, key)

    def blocks(self):
        groups: dict[int, list] = {}
        for name, field in self.fields.items():
            groups.setdefault(field.block, []).append(self[name])
        return [
            (n, BLOCKS.get(n, ""), BLOCK_HINTS.get(n, ""), fields)
            for n, fields in sorted(groups.items())
        ]

    def clean(self):
        cleaned = super().clean()
        if CERTIFICATEUR not in self.fields:
            return cleaned
        chosen = cleaned.get(CERTIFICATEUR)
        if not chosen:
            self.add_error(CERTIFICATEUR, "Choisissez l'organisme pour lequel vous déposez.")
            mark_invalid(self, CERTIFICATEUR)
        elif cleaned.get("code") and cleaned["code"] not in self.codes_of.get(chosen, ()):
            name = self.on_behalf[chosen].name
            self.add_error(
                "code",
                f"La certification {cleaned['code']} n'est pas une certification de {name} : "
                "choisissez l'une des siennes, ou l'organisme qui la délivre.",
            )
            mark_invalid(self, "code")
        return cleaned

    def certifier_deposited_for(self):
        """The certifier the passage is deposited for (None: the depositor itself)."""
        return self.on_behalf.get(self.cleaned_data.get(CERTIFICATEUR) or "")

    def row(self) -> dict:
        # Every field is sent, empty ones as "": the builder then names each missing value
        # (« valeur obligatoire ») instead of a missing spreadsheet column.
        return {
            k: ("" if v is None else v) for k, v in self.cleaned_data.items() if k != CERTIFICATEUR
        }
