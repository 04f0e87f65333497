from django import forms

from passeport.core.forms import DsfrFormMixin
from passeport.passport.models import Entry

from .consents import DURATIONS
from .models import Organisation, Share
from .sections import CONSENTABLE


class ShareForm(DsfrFormMixin, forms.Form):
    label = forms.CharField(
        label="Libellé",
        max_length=100,
        help_text="Pour vous y retrouver, par exemple « Candidature Airbus ».",
    )
    kind = forms.ChoiceField(
        label="Que partager ?",
        choices=[
            (Share.Kind.PASSPORT, "Tout mon passeport"),
            (Share.Kind.ENTRIES, "Des entrées choisies"),
        ],
        widget=forms.RadioSelect,
        initial=Share.Kind.PASSPORT,
    )
    entries = forms.ModelMultipleChoiceField(
        label="Entrées à partager",
        queryset=Entry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Si vous partagez des entrées choisies.",
    )
    expires_on = forms.DateField(
        label="Expire le",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Au plus tard dans un an ; 30 jours si vous ne choisissez pas.",
        required=False,
    )
    access_code = forms.CharField(
        label="Code d'accès (facultatif)",
        required=False,
        max_length=64,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Au moins 4 caractères. Communiquez-le séparément du lien.",
    )

    def __init__(self, *args, holder, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = Entry.objects.of_holder(holder)
        self.fields["entries"].label_from_instance = lambda e: (
            f"{e.title} ({e.get_trust_display()})"
        )


class AccessCodeForm(DsfrFormMixin, forms.Form):
    code = forms.CharField(
        label="Code d'accès",
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Le titulaire vous l'a communiqué avec le lien.",
    )


class ConsentForm(DsfrFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.filter(is_active=True)
    )
    sections = forms.MultipleChoiceField(
        label="Rubriques qu'elle pourra consulter",
        choices=[(s.code, s.label) for s in CONSENTABLE],
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.TypedChoiceField(
        label="Durée", choices=list(DURATIONS.items()), coerce=int, initial=90
    )
