"""Django admin (/back-office/admin/) for inspection; day-to-day work is in the back office."""

from django.contrib import admin

from .models import (
    ApiToken,
    Certifier,
    CertifierCertification,
    Invitation,
    Mandate,
    Membership,
    OnboardingRequest,
    Ticket,
    TicketMessage,
)


class CertificationInline(admin.TabularInline):
    model = CertifierCertification
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Certifier)
class CertifierAdmin(admin.ModelAdmin):
    list_display = ("name", "id_client", "id_contrat", "siret", "status", "is_trusted_third_party")
    list_filter = ("status", "is_trusted_third_party")
    search_fields = ("name", "id_client", "siret")
    inlines = [CertificationInline, MembershipInline]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("mandator", "third_party", "starts_on", "ends_on", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # The hash is never shown nor editable; tokens are created in the portal or by command.
    list_display = ("prefix", "name", "certifier", "last_used_at", "revoked_at")
    fields = ("certifier", "name", "prefix", "created_by", "last_used_at", "revoked_at")
    readonly_fields = ("certifier", "prefix", "created_by", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(OnboardingRequest)
class OnboardingRequestAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "status", "created_at")
    list_filter = ("status",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "certifier", "role", "created_at", "accepted_at", "cancelled_at")


class TicketMessageInline(admin.StackedInline):
    model = TicketMessage
    extra = 0


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("subject", "certifier", "status", "origin", "last_message_at")
    list_filter = ("status", "origin")
    inlines = [TicketMessageInline]
