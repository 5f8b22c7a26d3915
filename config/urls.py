"""Top-level routes: staff pages, public pages (per language), API, admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from outsidein.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("outsidein.accounts.urls")),
    path("staff/compliance/", include("outsidein.compliance.urls")),
    path("staff/imports/", include("outsidein.interactions.urls")),
    path("staff/", include("outsidein.standards.urls")),
    path("", include("outsidein.publishing.urls_root")),
]
urlpatterns += i18n_patterns(
    path("", include("outsidein.publishing.urls")),
    prefix_default_language=True,
)

# Error pages in the project's layout and languages (the staff menu where it applies).
handler403 = "outsidein.accounts.error_views.permission_denied"
handler404 = "outsidein.accounts.error_views.page_not_found"
handler500 = "outsidein.accounts.error_views.server_error"
