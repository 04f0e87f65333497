"""Forms of the proofs pages."""

from django import forms
from django.core.exceptions import ValidationError

from passeport.core.forms import DsfrFormMixin

from .models import CV

# A signed CV or attestation is a few hundred kilobytes; badge images less.
MAX_VERIFIED_BYTES = 10 * 1024 * 1024


class VerifyForm(DsfrFormMixin, forms.Form):
    document = forms.FileField(
        label="Document à vérifier",
        required=False,
        help_text=(
            "Un CV ou une attestation en PDF issus du passeport, ou une image de badge (PNG, "
            f"SVG) ; {MAX_VERIFIED_BYTES // (1024 * 1024)} Mo au plus."
        ),
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.svg"}),
    )
    text = forms.CharField(
        label="Ou collez une attestation numérique",
        required=False,
        help_text="Le contenu d’un fichier .json (qui commence par « { ») ou un jeton JWT.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and upload.size > MAX_VERIFIED_BYTES:
            raise ValidationError(
                f"Le fichier « {upload.name} » dépasse {MAX_VERIFIED_BYTES // (1024 * 1024)} Mo : "
                "ce n’est pas un document issu du passeport."
            )
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("document") and not (data.get("text") or "").strip():
            raise ValidationError(
                "Choisissez un fichier à vérifier ou collez une attestation numérique."
            )
        return data


class _CVFields(forms.ModelForm):
    """The CV's fields; the entries and sections are set up here, before DsfrFormMixin looks at
    the errors of the bound form (see CVForm)."""

    entries = forms.MultipleChoiceField(
        label="Entrées à faire figurer",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Données garanties et déclarées : chacune est imprimée avec son niveau de confiance.",
    )
    email = forms.EmailField(label="Courriel", required=False)
    phone = forms.CharField(label="Téléphone", required=False, max_length=30)
    city = forms.CharField(label="Ville", required=False, max_length=100)
    website = forms.URLField(label="Site ou profil en ligne", required=False, assume_scheme="https")

    class Meta:
        model = CV
        fields = ["title", "headline", "summary", "template"]
        widgets = {
            "template": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, holder, entries, **kwargs):
        super().__init__(*args, **kwargs)
        from .cvs import trust_words

        self.fields["entries"].choices = [
            (str(entry.pk), f"{entry.title} — {trust_words(entry)}") for entry in entries
        ]
        existing = not self.instance._state.adding
        order = self.instance.ordered_sections() if existing else list(CV.SECTIONS)
        for key, label in CV.SECTIONS.items():
            self.fields[f"section_{key}"] = forms.TypedChoiceField(
                label=label,
                choices=[("0", "Ne pas afficher")]
                + [(str(i), f"{i}ᵉ position") for i in range(1, len(CV.SECTIONS) + 1)],
                coerce=int,
                initial=str(order.index(key) + 1) if key in order else "0",
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
        if existing:
            self.fields["entries"].initial = [str(i) for i in self.instance.entry_ids]
            for name in ("email", "phone", "city", "website"):
                self.fields[name].initial = self.instance.contact.get(name, "")
        else:
            self.fields["entries"].initial = [str(entry.pk) for entry in entries]
            self.fields["email"].initial = holder.user.email

    section_keys = list(CV.SECTIONS)

    def section_fields(self):
        return [self[f"section_{key}"] for key in self.section_keys]

    def clean(self):
        data = super().clean()
        positions = {key: data.get(f"section_{key}") or 0 for key in self.section_keys}
        chosen = sorted((pos, key) for key, pos in positions.items() if pos)
        if not chosen and not self.errors:
            raise ValidationError("Affichez au moins une rubrique.")
        data["sections"] = [key for _, key in chosen]
        return data

    def save(self, commit=True):
        cv = super().save(commit=False)
        cv.sections = self.cleaned_data["sections"]
        cv.entry_ids = list(self.cleaned_data["entries"])
        cv.contact = {
            name: self.cleaned_data.get(name, "")
            for name in ("email", "phone", "city", "website")
            if self.cleaned_data.get(name)
        }
        if commit:
            cv.save()
        return cv


class CVForm(DsfrFormMixin, _CVFields):
    """A CV: its name, what it shows (entries, sections in order) and how (template, contact)."""
