"""Routes of the couple exercises (each one listed in tests/web/access/exercises.py)."""

from django.urls import path

from interdep.exercises import views

urlpatterns = [
    path("", views.exercise_list, name="exercise_list"),
    path("start/", views.exercise_start, name="exercise_start"),
    path("<int:exercise_id>/", views.exercise_detail, name="exercise_detail"),
    path("<int:exercise_id>/entry/", views.exercise_entry, name="exercise_entry"),
    path("<int:exercise_id>/withdraw/", views.exercise_withdraw, name="exercise_withdraw"),
    path("<int:exercise_id>/agree/", views.exercise_agree, name="exercise_agree"),
    path("<int:exercise_id>/share/", views.exercise_share, name="exercise_share"),
]
