"""Forms of the holder's pages (declared entries, documents, error reports)."""

from django import forms
from django.core.exceptions import ValidationError

from passeport.core.forms import DsfrFormMixin

from .documents import MAX_DOCUMENT_BYTES, validate_upload
from .models import Entry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DocumentField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.sniffed_type = validate_upload(upload)
        return upload


def document_field(required: bool) -> DocumentField:
    return DocumentField(
        label="Justificatif",
        required=required,
        help_text=(
            f"PDF, PNG ou JPEG, {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo au plus. "
            "Votre entrée devient « déclarée avec justificatif »."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class DeclaredEntryForm(DsfrFormMixin, forms.ModelForm):
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Entry
        fields = [
            "kind",
            "title",
            "organisation",
            "start_date",
            "end_date",
            "award_date",
            "expires_on",
        ]
        widgets = {
            name: DateInput() for name in ("start_date", "end_date", "award_date", "expires_on")
        }
        help_texts = {
            "award_date": "Pour un diplôme ou un permis : le jour où vous l’avez obtenu.",
            "expires_on": "Si votre titre, permis ou attestation expire.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["description"].initial = self.instance.details.get("description", "")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La date de fin doit suivre la date de début.")
        return data

    def save(self, commit=True):
        entry = super().save(commit=False)
        details = dict(entry.details or {})
        if self.cleaned_data.get("description"):
            details["description"] = self.cleaned_data["description"]
        else:
            details.pop("description", None)
        entry.details = details
        if commit:
            entry.save()
        return entry


class NewDeclaredEntryForm(DeclaredEntryForm):
    # Declared on the class: DsfrFormMixin validates the form in __init__ (to mark errors).
    document = document_field(required=False)


class DocumentForm(DsfrFormMixin, forms.Form):
    document = document_field(required=True)


class ReportErrorForm(DsfrFormMixin, forms.Form):
    message = forms.CharField(
        label="Qu’est-ce qui est inexact ?",
        help_text="Par exemple : la date d’obtention, la mention, l’intitulé. "
        "Votre message est transmis à l’organisme qui a déposé cette donnée.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise ValidationError("Décrivez l’erreur en quelques mots.")
        return message


class TimelineFilterForm(DsfrFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Nature", required=False, choices=[("", "Toutes"), *list(Entry.Kind.choices)]
    )
    trust = forms.ChoiceField(
        label="Niveau de confiance",
        required=False,
        choices=[("", "Tous"), *list(Entry.Trust.choices)],
    )
