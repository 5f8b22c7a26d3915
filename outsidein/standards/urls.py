from django.urls import path

from outsidein.calendars import views as calendar_views
from outsidein.standards import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="services"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("standards/<int:pk>/publish/", views.standard_publish_draft, name="standard_publish"),
    path("calendars/", calendar_views.calendar_list, name="calendars"),
    path("calendars/<int:pk>/", calendar_views.calendar_detail, name="calendar"),
]
