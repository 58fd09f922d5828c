"""Every route of the web application. tests/web/test_access_matrix.py lists each one with the
status every role gets: a route added here without an entry there fails the suite."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interdep.accounts import views as accounts
from interdep.api.api import api
from interdep.assessments import pdf_views
from interdep.assessments import views as assessments
from interdep.couples import views as couples

urlpatterns = [
    path("", assessments.home, name="home"),
    # accounts
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/delete/", accounts.delete_account, name="delete_account"),
    path(
        "accounts/password-reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # couple
    path("couple/", couples.couple_home, name="couple"),
    path("couple/invite/", couples.invite, name="couple_invite"),
    path("couple/join/", couples.join, name="couple_join"),
    path("couple/unlink/", couples.unlink, name="couple_unlink"),
    path("couple/consent/", couples.consent, name="couple_consent"),
    path("couple/<int:couple_id>/report/", couples.couple_report, name="couple_report"),
    path("couple/<int:couple_id>/report.pdf", couples.couple_report_pdf, name="couple_report_pdf"),
    # assessment and personal reports
    path("assessment/", assessments.assessment_start, name="assessment_start"),
    path("assessment/page/<int:number>/", assessments.assessment_page, name="assessment_page"),
    path("assessment/answer/", assessments.assessment_answer, name="assessment_answer"),
    path("assessment/review/", assessments.assessment_review, name="assessment_review"),
    path("assessment/submit/", assessments.assessment_submit, name="assessment_submit"),
    path("assessment/history/", assessments.history, name="assessment_history"),
    path("report/", assessments.report_latest, name="report_latest"),
    path("report/<int:assessment_id>/", assessments.report_detail, name="report_detail"),
    path("report/<int:assessment_id>/report.pdf", pdf_views.report_pdf, name="report_pdf"),
    path("support/", assessments.support, name="support"),
    # clinicians, data rights, and the staff admin at a path nobody guesses
    path("clinic/", include("interdep.clinic.urls")),
    path("accounts/data/", include("interdep.datarights.urls")),
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("checkins/", include("interdep.checkins.urls")),  # check-ins
    path("", include("interdep.plans.urls")),  # practice plans and progress
    path("exercises/", include("interdep.exercises.urls")),  # couple exercises
    path("", include("interdep.psychometrics.urls")),  # research consent and staff psychometrics
    # coming back: settings, notifications and push, the installable app and site pages
    path("settings/", include("interdep.preferences.urls")),
    path("notifications/", include("interdep.notifications.urls")),
    path("", include("interdep.pwa.urls")),
    # JSON API (OpenAPI at /api/openapi.json, docs at /api/docs)
    path("api/", api.urls),
]
