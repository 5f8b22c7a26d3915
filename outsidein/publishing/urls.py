from django.urls import path

from outsidein.publishing import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("services/<slug:slug>/", views.service, name="service"),
]
