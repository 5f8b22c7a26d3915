from django.urls import path

from outsidein.standards import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
]
