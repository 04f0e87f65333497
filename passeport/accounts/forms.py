from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm

from passeport.core.forms import DsfrFormMixin


class LoginForm(DsfrFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie "
            "(les majuscules comptent dans le mot de passe)."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de votre organisme.",
    }


class TotpCodeForm(DsfrFormMixin, forms.Form):
    code = forms.CharField(
        label="Code de vérification",
        help_text=(
            "Les 6 chiffres affichés par votre application d'authentification, ou l'un de vos "
            "codes de secours (format : xxxxx-xxxxx)."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class TotpEnrolForm(DsfrFormMixin, forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        help_text="Exemple : 123456. Le code change toutes les 30 secondes.",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordResetForm(DsfrFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SetPasswordForm(DsfrFormMixin, auth_forms.SetPasswordForm):
    """Choice of a new password (reset or invitation), with the configured validators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password1"].help_text = (
            "Au moins 12 caractères, ni trop courant, ni uniquement des chiffres, ni proche de "
            "votre adresse électronique. Une phrase de passe est une bonne idée."
        )
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"
        self.fields["new_password2"].help_text = "Saisissez le même mot de passe."


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mot de passe actuel"
