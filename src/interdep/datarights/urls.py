from django.urls import path

from interdep.datarights import views

urlpatterns = [
    path("", views.overview, name="datarights"),
    path("export/", views.export, name="datarights_export"),
]
