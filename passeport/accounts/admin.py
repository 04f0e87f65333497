from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import TotpDevice, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    # The secret is never shown; deleting the row makes the user enrol again at next login.
    list_display = ("user", "created_at", "confirmed_at")
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = ("user", "created_at", "confirmed_at")

    def has_add_permission(self, request):
        return False
