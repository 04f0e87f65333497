"""Back office (Django admin) views of passports: read-only, and every read is logged.

An operator opening a holder or an entry is « someone other than the holder consulting the
passport »: it goes to the holder's access log (« Qui a consulté mon passeport »).
"""

from django.contrib import admin

from .access import log_access
from .models import AccessLog, Entry, Holder


def _operator_label(request) -> str:
    return f"Opérateur {request.user.get_full_name() or request.user.email}"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holder)
class HolderAdmin(ReadOnlyAdmin):
    list_display = ("id", "link_status", "linked_at", "created_at")
    list_filter = ("link_status",)
    exclude = ("pivot_identity", "fc_sub")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        holder = self.get_object(request, object_id)
        if holder is not None:
            log_access(
                holder=holder,
                accessor=request.user,
                accessor_label=_operator_label(request),
                channel=AccessLog.Channel.BACK_OFFICE,
                purpose="Consultation du compte",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "trust", "source", "id_technique", "created_at")
    list_filter = ("kind", "trust", "source", "provisional")
    search_fields = ("=id_technique", "=source_reference", "=certification_code")
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        if entry is not None:
            log_access(
                person_id=entry.person_id,
                holder=entry.holder,
                accessor=request.user,
                accessor_label=_operator_label(request),
                channel=AccessLog.Channel.BACK_OFFICE,
                purpose=f"Consultation d'une entrée ({entry.get_kind_display().lower()})",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "accessor_label", "channel", "purpose")
    list_filter = ("channel",)
