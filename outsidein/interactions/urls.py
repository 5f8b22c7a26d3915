from django.urls import path

from outsidein.interactions import views

app_name = "interactions"
urlpatterns = [
    path("", views.import_list, name="imports"),
    path("new/", views.import_new, name="new"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/rejects.csv", views.import_rejects_csv, name="rejects_csv"),
    path("<int:pk>/undo/", views.import_undo, name="undo"),
    path("mappings/", views.mapping_index, name="mappings"),
    path("mappings/new/", views.mapping_create, name="mapping_new"),
    path("mappings/<int:pk>/edit/", views.mapping_edit, name="mapping_edit"),
]
