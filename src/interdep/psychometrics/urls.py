"""Routes of research consent and the staff psychometrics view (listed in
tests/web/access/psychometrics.py)."""

from django.urls import path

from interdep.psychometrics import views

urlpatterns = [
    path("accounts/data/research/", views.research_consent, name="research_consent"),
    path("assessment/<int:assessment_id>/more/", views.anchors, name="assessment_anchors"),
    path("staff/psychometrics/", views.staff_psychometrics, name="staff_psychometrics"),
]
