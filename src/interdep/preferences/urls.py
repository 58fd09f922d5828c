from django.urls import path

from interdep.preferences import views

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("email/<str:token>/", views.email_confirm, name="email_confirm"),
    path("guide/skip/", views.guide_skip, name="guide_skip"),
]
