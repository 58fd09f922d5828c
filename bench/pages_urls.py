"""The application's routes plus the bare view of bench/pages.py: one ORM query and a short
text answer, behind the same middleware as every page (session, authentication, CSRF, CSP...)."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path

from interdep.urls import urlpatterns as app_urlpatterns


def bare(request):
    name = (
        get_user_model()
        .objects.filter(pk=request.user.pk)
        .values_list("display_name", flat=True)
        .first()
    )
    return HttpResponse(f"Hello {name}", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
