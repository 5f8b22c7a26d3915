from django.urls import path, register_converter
from django.urls.converters import IntConverter

from outsidein.compliance import views


class RowIdConverter(IntConverter):
    """A database id: at most 18 digits, so a longer number is 404, not an overflow (500)."""

    regex = "[0-9]{1,18}"


register_converter(RowIdConverter, "row_id")

# A result is addressed by what it measures (models.ResultAddress): version, organization and
# period in the path, service, channel and source in the query. A recompute replaces result
# rows, so a row id in a link would die with the row.
RESULT = "results/<row_id:version_id>/<slug:organization>/<str:period>/"

app_name = "compliance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(f"{RESULT}records/", views.result_records, name="records"),
    path(f"{RESULT}records.csv", views.result_records_csv, name="records_csv"),
    # Links of before stable addresses: redirected while their row lasts, 404 afterwards.
    path("results/<row_id:pk>/records/", views.result_records_by_id, name="records_by_id"),
    path("results/<row_id:pk>/records.csv", views.result_records_csv_by_id,
         name="records_csv_by_id"),
    path("evidence/", views.evidence, name="evidence"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("guarantees/", views.guarantees, name="guarantees"),
    path("guarantees/<int:pk>/", views.guarantee_breaches, name="breaches"),
    path("guarantees/<int:pk>/breaches.csv", views.guarantee_breaches_csv, name="breaches_csv"),
]
