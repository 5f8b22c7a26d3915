from django.urls import path

from outsidein.publishing import views

urlpatterns = [path("", views.root, name="root")]
