from django.contrib import admin

from outsidein.interactions.models import InteractionImport, SourceMapping


@admin.register(SourceMapping)
class SourceMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "channel", "time_zone", "timestamp_format"]
    search_fields = ["name", "source"]


@admin.register(InteractionImport)
class InteractionImportAdmin(admin.ModelAdmin):
    """Imports are changed only through the import services (import, undo)."""

    list_display = ["id", "source", "file_name", "status", "rows_read", "stored", "updated",
                    "rejected", "excluded", "created_at"]
    list_filter = ["status", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
