from django.urls import path

from interdep.checkins import views

urlpatterns = [
    path("", views.checkin_new, name="checkin_new"),
    path("timeline/", views.timeline, name="checkin_timeline"),
    path("schedule/", views.schedule, name="checkin_schedule"),
    path("together/", views.dynamics, name="checkin_dynamics"),
    path("<int:checkin_id>/", views.checkin_detail, name="checkin_detail"),
    path("<int:checkin_id>/delete/", views.checkin_delete, name="checkin_delete"),
]
