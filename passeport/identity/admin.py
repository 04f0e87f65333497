from django.contrib import admin

from .models import IdentityImport, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # No identity column: the register is consulted through the reconciliation, not browsed.
    list_display = ("id", "created_at", "updated_at")
    readonly_fields = ("id", "created_at", "updated_at")
    exclude = ("nir", "identity_data")


@admin.register(IdentityImport)
class IdentityImportAdmin(admin.ModelAdmin):
    list_display = ("source_name", "created_at", "lines", "created", "updated")
    readonly_fields = [f.name for f in IdentityImport._meta.fields]
