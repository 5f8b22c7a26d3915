from django.contrib import admin

from outsidein.compliance.models import RuleOptions


@admin.register(RuleOptions)
class RuleOptionsAdmin(admin.ModelAdmin):
    list_display = ["version", "measure", "against_due", "channels"]
    raw_id_fields = ["version"]
