"""Login (password, then a TOTP code when required), enrolment, password reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from passeport.core import throttling
from passeport.core.models import AuditEvent

from . import twofactor
from .forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    TotpCodeForm,
    TotpEnrolForm,
)

RECOVERY_CODES_SESSION_KEY = "recovery_codes_to_show"

# Wrong passwords, per account typed and per client address (core/throttling.py); wrong TOTP
# codes per account with the same mechanism. Rates: settings.THROTTLE_RATES.
LOGIN_ACCOUNT = throttling.Rule("login-account", key=throttling.posted("username"))
LOGIN_ADDRESS = throttling.Rule("login-address")
ACCOUNT_THROTTLED = (
    "Trop de tentatives de connexion pour ce compte ces dernières minutes : par sécurité, la "
    "connexion est suspendue."
)
ADDRESS_THROTTLED = (
    "Trop de tentatives de connexion depuis votre adresse réseau ces dernières minutes : par "
    "sécurité, la connexion est suspendue."
)
CODE_THROTTLED = (
    "Trop de codes incorrects pour ce compte ces dernières minutes : par sécurité, la connexion "
    "est suspendue."
)


def code_rule(user) -> throttling.Rule:
    return throttling.Rule("login-code-account", key=throttling.value(user.pk))


def login_refusal(request, wait: int, message: str, username: str = ""):
    """The login page again, answered 429 with `Retry-After` and the reason."""
    return throttling.refusal(
        request,
        wait,
        message,
        template=LoginView.template_name,
        context={
            "title": LoginView.extra_context["title"],
            "page_error": True,
            "form": LoginForm(request, initial={"username": username}),
            "next": request.POST.get("next", ""),
        },
    )


def _safe_next(request, url: str, user=None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return (user and twofactor.landing_url(user)) or str(reverse_lazy(settings.LOGIN_REDIRECT_URL))


class LoginView(auth_views.LoginView):
    """Step 1: e-mail and password. Users who need a second factor are not logged in yet: they
    go on to the code (or to the enrolment of their app, the first time)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Se connecter"}

    def post(self, request, *args, **kwargs):
        # Checked before the password, so that the right one is refused too once the limit is
        # reached (otherwise guessing would just go on until it succeeds).
        for rule, message in (
            (LOGIN_ACCOUNT, ACCOUNT_THROTTLED),
            (LOGIN_ADDRESS, ADDRESS_THROTTLED),
        ):
            wait = throttling.blocked(request, rule)
            if wait:
                return login_refusal(request, wait, message, request.POST.get("username", ""))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttling.hit(self.request, LOGIN_ACCOUNT, LOGIN_ADDRESS)
        return super().form_invalid(form)

    def get_default_redirect_url(self):
        # Without `next`, users land where their role leads (apps register it in twofactor).
        return twofactor.landing_url(self.request.user) or super().get_default_redirect_url()

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.is_required(user):
            return super().form_valid(form)
        twofactor.begin_pending_login(
            self.request, user, backend=user.backend, next_url=self.get_redirect_url()
        )
        if twofactor.confirmed_device(user) is None:
            return redirect("accounts:totp_setup")
        return redirect("accounts:login_code")


def finish_login(request, user, data: dict):
    """Both factors given: open the session and go where the user was going."""
    twofactor.clear_pending_login(request)
    auth_login(request, user, backend=data["backend"])
    twofactor.mark_session_verified(request)
    AuditEvent.record("accounts.login_two_factor", actor=user, target=user)
    return _safe_next(request, data.get("next", ""), user)


class TotpVerifyView(View):
    """Step 2: the 6-digit code of the user's app, or a single-use recovery code."""

    template_name = "accounts/login_code.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending_user, self.pending = twofactor.pending_login(request)
        if self.pending_user is None:
            messages.warning(
                request,
                "Votre session de connexion a expiré : saisissez à nouveau vos identifiants.",
            )
            return redirect("accounts:login")
        self.device = twofactor.confirmed_device(self.pending_user)
        if self.device is None:
            return redirect("accounts:totp_setup")
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(
            self.request, self.template_name, {"form": form, "title": "Code de vérification"}
        )

    def get(self, request):
        return self.render(TotpCodeForm())

    def post(self, request):
        form = TotpCodeForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        code = form.cleaned_data["code"].strip()
        user = self.pending_user
        wait = throttling.blocked(request, code_rule(user))
        if wait:
            twofactor.clear_pending_login(request)
            return login_refusal(request, wait, CODE_THROTTLED, user.email)
        if twofactor.verify_code(self.device, code):
            return redirect(finish_login(request, user, self.pending))
        if twofactor.use_recovery_code(user, code):
            left = twofactor.remaining_recovery_codes(user)
            AuditEvent.record("accounts.recovery_code_used", actor=user, target=user, left=left)
            messages.warning(
                request,
                f"Vous vous êtes connecté avec un code de secours ; il vous en reste {left}. "
                "Si vous avez perdu votre téléphone, demandez au support de réinitialiser votre "
                "application d'authentification.",
            )
            return redirect(finish_login(request, user, self.pending))
        throttling.hit(request, code_rule(user))
        left = twofactor.record_failed_attempt(request)
        AuditEvent.record("accounts.two_factor_failed", target=user, left=left)
        if left == 0:
            messages.error(
                request,
                "Trop de codes incorrects : par sécurité, saisissez à nouveau votre adresse "
                "électronique et votre mot de passe.",
            )
            return redirect("accounts:login")
        form.add_error(
            "code",
            "Code incorrect ou déjà utilisé. Vérifiez l'heure de votre téléphone et saisissez le "
            f"code affiché en ce moment (il vous reste {left} essai{'s' if left > 1 else ''}).",
        )
        return self.render(form)


class TotpSetupView(View):
    """First login (or after an invitation): scan the QR code, type a code to confirm."""

    template_name = "accounts/totp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending_user, self.pending = twofactor.pending_login(request)
        if self.pending_user is None:
            messages.warning(
                request,
                "Votre session a expiré : connectez-vous pour activer la double authentification.",
            )
            return redirect("accounts:login")
        if twofactor.confirmed_device(self.pending_user) is not None:
            # Replacing an active app needs the code of the current one: not from here.
            return redirect("accounts:login_code")
        self.device = twofactor.start_enrolment(self.pending_user)
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        secret = self.device.secret
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": "Activer la double authentification",
                "qr_svg": twofactor.qr_code_svg(self.device),
                "secret": secret,
                "secret_grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "account": self.pending_user.email,
            },
        )

    def get(self, request):
        return self.render(TotpEnrolForm())

    def post(self, request):
        form = TotpEnrolForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        codes = twofactor.confirm_enrolment(self.device, form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code",
                "Ce code ne correspond pas. Vérifiez que vous avez scanné le code QR de cette "
                "page (ou saisi la clé) et que l'heure de votre téléphone est exacte, puis "
                "saisissez le code affiché en ce moment.",
            )
            return self.render(form)
        user = self.pending_user
        AuditEvent.record("accounts.two_factor_enrolled", actor=user, target=user)
        next_url = finish_login(request, user, self.pending)
        request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": next_url}
        return redirect("accounts:recovery_codes")


class RecoveryCodesView(View):
    """Shows the recovery codes once, right after enrolment."""

    def get(self, request):
        data = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
        if not request.user.is_authenticated or not data:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": data["codes"], "next": data["next"], "title": "Vos codes de secours"},
        )


class LogoutView(auth_views.LogoutView):
    pass


class SecurityView(LoginRequiredMixin, View):
    """« Sécurité du compte »: two-factor status, new recovery codes (with a current code),
    enrolment for users who have none, link to change the password."""

    template_name = "accounts/security.html"

    def render(self, form=None):
        user = self.request.user
        device = twofactor.confirmed_device(user)
        return render(
            self.request,
            self.template_name,
            {
                "title": "Sécurité du compte",
                "device": device,
                "remaining": twofactor.remaining_recovery_codes(user),
                "form": form or TotpCodeForm(),
            },
        )

    def get(self, request):
        return self.render()

    def post(self, request):
        user = request.user
        device = twofactor.confirmed_device(user)
        if request.POST.get("action") == "enrol" and device is None:
            # Enrolment goes through the same pages as at login: the session is reopened once
            # the app is confirmed.
            logout(request)
            twofactor.begin_pending_login(
                request,
                user,
                backend=settings.AUTHENTICATION_BACKENDS[0],
                next_url=str(reverse_lazy("accounts:security")),
            )
            return redirect("accounts:totp_setup")
        if request.POST.get("action") == "recovery_codes" and device is not None:
            form = TotpCodeForm(request.POST)
            if form.is_valid() and twofactor.verify_code(device, form.cleaned_data["code"]):
                codes = twofactor.new_recovery_codes(user)
                AuditEvent.record("accounts.recovery_codes_renewed", actor=user)
                request.session[RECOVERY_CODES_SESSION_KEY] = {
                    "codes": codes,
                    "next": str(reverse_lazy("accounts:security")),
                }
                return redirect("accounts:recovery_codes")
            if form.is_valid():
                form.add_error(
                    "code",
                    "Code incorrect ou déjà utilisé : saisissez le code affiché en ce moment.",
                )
            return self.render(form)
        return redirect("accounts:security")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:security")
    extra_context = {"title": "Changer de mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        AuditEvent.record("accounts.password_changed", actor=form.user)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


# -- password reset (Django's views, DSFR templates) ------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}
    # Every request that would send a message counts, whether the address has an account or
    # not (the answer must not tell): per address asked for, per client address.
    rules = (
        throttling.Rule("password-reset-email", key=throttling.posted("email")),
        throttling.Rule("password-reset-address"),
    )

    def form_valid(self, form):
        wait = throttling.hit(self.request, *self.rules)
        if wait:
            return throttling.refusal(
                self.request,
                wait,
                "Trop de demandes de réinitialisation pour cette adresse ou depuis votre "
                "connexion : aucun nouveau message n'a été envoyé.",
                template=self.template_name,
                context={"form": form, "title": self.extra_context["title"], "page_error": True},
            )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": "Message envoyé"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        AuditEvent.record("accounts.password_reset", actor=form.user, target=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": "Mot de passe modifié"}
