from django.contrib import admin

from outsidein.accounts.models import ApiToken, Membership, Organization
from outsidein.accounts.services import organization_create, organization_update

# What the organization services may change after creation (the tree place is set once).
_UPDATABLE = ("name_en", "name_fr", "acronym", "service_area", "client_types",
              "level_of_government")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Organizations are written through the organization services, so every one gets its
    place in the tree (a raw save would leave an empty path, which grants nothing)."""

    list_display = ["code", "name_en", "kind", "level_of_government", "path"]
    search_fields = ["code", "name_en", "name_fr"]
    list_filter = ["kind", "level_of_government"]

    def get_readonly_fields(self, request, obj=None):
        # Code, kind and parent are fixed once created: moving a subtree is its own service.
        return ("code", "kind", "parent", "path") if obj else ("path",)

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in _UPDATABLE
                      if name in form.cleaned_data}
            organization_update(organization=obj, by=request.user, **fields)
            return
        created = organization_create(
            code=obj.code, name_en=obj.name_en, name_fr=obj.name_fr, kind=obj.kind,
            level_of_government=obj.level_of_government, parent=obj.parent,
            acronym=obj.acronym, service_area=obj.service_area,
            client_types=list(obj.client_types or []), by=request.user)
        obj.pk, obj.path = created.pk, created.path

    def has_delete_permission(self, request, obj=None):
        return False  # organizations are retired, never deleted (their results stay)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["organization"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "last_used_at"]
