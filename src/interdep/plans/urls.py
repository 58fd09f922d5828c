"""Routes of practice plans and progress (each one listed in tests/web/access/plans.py)."""

from django.urls import path

from interdep.plans import views

urlpatterns = [
    path("practice/", views.practice_home, name="practice_home"),
    path("practice/build/", views.practice_build, name="practice_build"),
    path("practice/add/", views.practice_add, name="practice_add"),
    path("practice/settings/", views.practice_settings, name="practice_settings"),
    path("practice/encourage/", views.practice_encourage, name="practice_encourage"),
    path("practice/<int:item_id>/check/", views.practice_check, name="practice_check"),
    path(
        "practice/<int:item_id>/reflection/", views.practice_reflection, name="practice_reflection"
    ),
    path("practice/<int:item_id>/swap/", views.practice_swap, name="practice_swap"),
    path("practice/<int:item_id>/pause/", views.practice_pause, name="practice_pause"),
    path("practice/<int:item_id>/resume/", views.practice_resume, name="practice_resume"),
    path("progress/", views.progress_page, name="progress"),
]
