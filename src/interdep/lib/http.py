"""HTTP helpers every app may use: private responses, the page frame's context, and one way a
service's refusal reaches a person."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from interdep.lib.errors import ServiceError


def mark_private(response: HttpResponse) -> HttpResponse:
    """Never stored by a browser or a shared cache."""
    response["Cache-Control"] = "no-store, private"
    return response


class PrivateCacheMiddleware:
    """Every response to a signed-in person is private and not stored (their pages all carry
    something of theirs), and every API response too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            mark_private(response)
        return response


def nav_context(request: HttpRequest) -> dict:
    """Template context for the page frame (no database queries)."""
    return {"site_name": settings.SITE_NAME}


def _refusal_answered_by(answer):
    """A decorator: a ``ServiceError`` the view raises is answered by ``answer(request, exc,
    kwargs)`` (the view's keyword arguments), so the view itself is only the successful path."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ServiceError as exc:
                return answer(request, exc, kwargs)

        return wrapper

    return decorate


def refusal_redirects_to(target, *kwarg_names: str):
    """Decorator for a view that writes through a service: a ``ServiceError`` it raises becomes
    the refusal's message on the next page and a redirect to ``target``, a URL name (filled with
    the view's keyword arguments named in ``kwarg_names``) or a function of the request and those
    arguments that returns the URL."""

    def answer(request, exc, kwargs):
        messages.error(request, exc.message)
        chosen = {name: kwargs[name] for name in kwarg_names}
        if callable(target):
            return redirect(target(request, **chosen))
        return redirect(target, **chosen)

    return _refusal_answered_by(answer)


#: Decorator for a plain view that answers JSON (outside the ninja API): a ``ServiceError`` it
#: raises becomes the API's error body, ``{"detail": message, "code": code}``, with its status.
refusal_as_json = _refusal_answered_by(
    lambda request, exc, kwargs: JsonResponse(
        {"detail": exc.message, "code": exc.code}, status=exc.status
    )
)


def refusal_renders(template: str):
    """Decorator for a page opened from a link in an email (no signed-in page to go back to): a
    ``ServiceError`` it raises renders ``template`` with the refusal's message as ``error``, and
    the refusal's status."""
    return _refusal_answered_by(
        lambda request, exc, kwargs: render(
            request, template, {"error": exc.message}, status=exc.status
        )
    )


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, for the login throttle (django-axes).

    Behind PROXY_COUNT reverse proxies (a TLS proxy, perhaps a load balancer before it) every
    request reaches the app from the nearest proxy's address: the client's is the one the
    outermost proxy appended to X-Forwarded-For, PROXY_COUNT entries from the end (entries before
    it are whatever the client sent, so never trusted). Without proxies: REMOTE_ADDR."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
