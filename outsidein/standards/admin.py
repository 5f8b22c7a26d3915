from django.contrib import admin

from outsidein.standards.models import Guarantee, Service, ServiceStandard, StandardVersion


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "organization", "is_public"]
    search_fields = ["code", "name_en", "name_fr"]


class VersionInline(admin.TabularInline):
    model = StandardVersion
    fields = ["number", "status", "effective_from", "effective_to", "name_en"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ServiceStandard)
class ServiceStandardAdmin(admin.ModelAdmin):
    list_display = ["code", "organization", "service", "is_common"]
    search_fields = ["code"]
    inlines = [VersionInline]


admin.site.register(Guarantee)
