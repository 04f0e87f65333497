"""Forms of the certifiers' portal and of the operators' back office (French, DSFR)."""

from django import forms

from passeport.accounts.forms import SetPasswordForm
from passeport.core.forms import DsfrFormMixin

from .models import (
    Certifier,
    OnboardingRequest,
    Role,
    Ticket,
    normalise_certification_code,
    normalise_siret,
    validate_certification_code,
    validate_id_client,
    validate_id_contrat,
    validate_siret,
)


def parse_certification_codes(text: str) -> list[str]:
    """Codes separated by commas, spaces or new lines → normalised, deduplicated, in order."""
    seen: list[str] = []
    for raw in text.replace(",", "\n").replace(";", "\n").split():
        code = normalise_certification_code(raw)
        if code and code not in seen:
            seen.append(code)
    return seen


class CertificationCodesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value)
        codes = parse_certification_codes(value or "")
        bad = []
        for code in codes:
            try:
                validate_certification_code(code)
            except forms.ValidationError:
                bad.append(code)
        if bad:
            raise forms.ValidationError(
                "Codes non reconnus : %(bad)s. Un code est de la forme RNCP35340 ou RS6117 "
                "(voir la fiche France compétences de la certification).",
                params={"bad": ", ".join(bad)},
            )
        if self.required and not codes:
            raise forms.ValidationError(
                "Indiquez au moins une certification (exemple : RNCP35340)."
            )
        return codes


class SiretField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "SIRET")
        kwargs.setdefault(
            "help_text",
            "Les 14 chiffres de l'établissement (espaces acceptés). Exemple : 732 829 320 00074",
        )
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalise_siret(super().clean(value) or "")
        validate_siret(value)
        return value


class OnboardingForm(DsfrFormMixin, forms.ModelForm):
    siret = SiretField()
    certification_codes = CertificationCodesField(
        label="Certifications détenues",
        help_text="Codes RNCP ou RS, séparés par des virgules ou des retours à la ligne. "
        "Exemple : RNCP35340, RS6117",
    )

    class Meta:
        model = OnboardingRequest
        fields = [
            "siret",
            "name",
            "contact_name",
            "contact_email",
            "contact_phone",
            "certification_codes",
            "is_trusted_third_party",
            "message",
        ]
        labels = {
            "is_trusted_third_party": "Nous déposons aussi pour d'autres certificateurs "
            "(tiers de confiance)"
        }
        help_texts = {
            "name": "Telle qu'inscrite au répertoire SIRENE.",
            "contact_email": "L'invitation à créer le premier compte y sera envoyée. "
            "Format attendu : nom@domaine.fr",
            "contact_phone": "Facultatif. Exemple : 01 23 45 67 89",
            "message": "Facultatif : précisions utiles à l'examen de la demande.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def clean_siret(self):
        siret = self.cleaned_data["siret"]
        if OnboardingRequest.objects.filter(
            siret=siret, status=OnboardingRequest.Status.PENDING
        ).exists():
            raise forms.ValidationError(
                "Une demande pour ce SIRET est déjà en cours d'examen : inutile d'en envoyer une "
                "autre, vous recevrez la réponse par courriel."
            )
        return siret

    def clean_contact_email(self):
        # Logins are lower-case e-mails: the invitation goes to the address the account gets.
        return self.cleaned_data["contact_email"].strip().lower()


class InvitationAcceptForm(SetPasswordForm):
    """A new user sets their name and password (validators of AUTH_PASSWORD_VALIDATORS)."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    field_order = ["first_name", "last_name", "new_password1", "new_password2"]

    def clean(self):
        # Validators compare the password with the user's attributes: give them the names.
        self.user.first_name = self.cleaned_data.get("first_name", "")
        self.user.last_name = self.cleaned_data.get("last_name", "")
        return super().clean()


class InviteForm(DsfrFormMixin, forms.Form):
    email = forms.EmailField(
        label="Adresse électronique", help_text="Format attendu : nom@domaine.fr"
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        initial=Role.DEPOSITOR,
        help_text="Administrateur : gère les membres et les jetons. Déposant : dépose et corrige. "
        "Lecture seule : consulte.",
    )

    def __init__(self, *args, certifier: Certifier, **kwargs):
        self.certifier = certifier
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.certifier.memberships.filter(user__email=email).exists():
            raise forms.ValidationError("Cette personne est déjà membre de votre organisme.")
        return email


class RoleForm(DsfrFormMixin, forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class TokenForm(DsfrFormMixin, forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître plus tard. Exemple : logiciel de scolarité",
    )


class TicketForm(DsfrFormMixin, forms.Form):
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(
        label="Votre message",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="N'y mettez pas de numéro de sécurité sociale : l'idTechnique suffit à "
        "retrouver un passage.",
    )
    deposit_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    deposit_label = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)
    id_technique = forms.CharField(
        label="idTechnique du passage concerné",
        required=False,
        max_length=255,
        help_text="Facultatif.",
    )


class MessageForm(DsfrFormMixin, forms.Form):
    body = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 5}))


# -- back office -----------------------------------------------------------------------------


class ApproveForm(DsfrFormMixin, forms.Form):
    id_client = forms.CharField(
        label="idClient (facultatif)",
        required=False,
        max_length=8,
        help_text="Laissez vide pour en générer un. Sinon 8 caractères, majuscules et chiffres.",
        validators=[validate_id_client],
    )
    id_contrat = forms.CharField(
        label="idContrat (facultatif)",
        required=False,
        max_length=20,
        help_text="Laissez vide pour en générer un. Sinon 1 à 20 caractères.",
        validators=[validate_id_contrat],
    )

    def clean_id_client(self):
        value = self.cleaned_data["id_client"].strip().upper()
        if value and Certifier.objects.filter(id_client=value).exists():
            raise forms.ValidationError(f"L'idClient {value} est déjà attribué.")
        return value


class RejectForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Envoyé au demandeur.",
    )


class SuspendForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(
        label="Motif de la suspension", widget=forms.Textarea(attrs={"rows": 2})
    )


class MandateForm(DsfrFormMixin, forms.Form):
    third_party = forms.ModelChoiceField(
        label="Tiers de confiance mandaté",
        queryset=Certifier.objects.filter(is_trusted_third_party=True),
    )
    starts_on = forms.DateField(
        label="Début", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="Fin (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, mandator: Certifier, **kwargs):
        self.mandator = mandator
        super().__init__(*args, **kwargs)
        self.fields["third_party"].queryset = self.fields["third_party"].queryset.exclude(
            pk=mandator.pk
        )

    def clean(self):
        data = super().clean()
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "La fin du mandat précède son début.")
        return data


class CertificationAddForm(DsfrFormMixin, forms.Form):
    codes = CertificationCodesField(
        label="Certifications à ajouter", help_text="Exemple : RNCP35340, RS6117"
    )


class TicketStatusForm(DsfrFormMixin, forms.Form):
    status = forms.ChoiceField(label="Statut", choices=Ticket.Status.choices)


class OperatorTicketForm(TicketForm):
    """An operator writes first to a certifier (same fields; the body goes to its members)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Message à l'organisme"
