from django.urls import path

from outsidein.compliance import views

# A result is addressed by what it measures (models.ResultAddress): version, organization and
# period in the path, service, channel and source in the query. A recompute replaces result
# rows, so a row id in a link would die with the row.
RESULT = "results/<int:version_id>/<slug:organization>/<str:period>/"

app_name = "compliance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(f"{RESULT}records/", views.result_records, name="records"),
    path(f"{RESULT}records.csv", views.result_records_csv, name="records_csv"),
    # Links of before stable addresses: redirected while their row lasts, 404 afterwards.
    path("results/<int:pk>/records/", views.result_records_by_id, name="records_by_id"),
    path("results/<int:pk>/records.csv", views.result_records_csv_by_id,
         name="records_csv_by_id"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("guarantees/", views.guarantees, name="guarantees"),
    path("guarantees/<int:pk>/", views.guarantee_breaches, name="breaches"),
    path("guarantees/<int:pk>/breaches.csv", views.guarantee_breaches_csv, name="breaches_csv"),
]
