from django.urls import path

from outsidein.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("results/<int:pk>/records/", views.result_records, name="records"),
    path("results/<int:pk>/records.csv", views.result_records_csv, name="records_csv"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("guarantees/", views.guarantees, name="guarantees"),
    path("guarantees/<int:pk>/", views.guarantee_breaches, name="breaches"),
    path("guarantees/<int:pk>/breaches.csv", views.guarantee_breaches_csv, name="breaches_csv"),
]
