"""Forms of the proofs pages."""

from django import forms
from django.core.exceptions import ValidationError

from passeport.core.forms import DsfrFormMixin

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
