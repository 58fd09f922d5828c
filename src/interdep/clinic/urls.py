from django.urls import path

from interdep.clinic import views

urlpatterns = [
    # the clinician's workspace
    path("", views.workspace, name="clinic_home"),
    path("apply/", views.apply, name="clinic_apply"),
    path("code/", views.new_code, name="clinic_new_code"),
    path("couples/<int:couple_id>/", views.couple_detail, name="clinic_couple"),
    path("couples/<int:couple_id>/report.pdf", views.couple_pdf, name="clinic_couple_pdf"),
    path("couples/<int:couple_id>/scores.csv", views.couple_csv, name="clinic_couple_csv"),
    # the couple's side: grants and the log of who saw what
    path("access/", views.access, name="clinic_access"),
    path("access/grant/", views.grant, name="clinic_grant"),
    path("access/<int:grant_id>/agree/", views.grant_agree, name="clinic_grant_agree"),
    path("access/<int:grant_id>/revoke/", views.grant_revoke, name="clinic_grant_revoke"),
]
