from django.urls import path

from outsidein.publishing import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("services/<slug:slug>/", views.service, name="service"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/service-standards.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/service-standards.json", views.open_data_json, name="open_data_json"),
]
