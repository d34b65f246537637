from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect


class HtmxSignInRedirectMiddleware:
    """When a signed-out htmx request is sent to sign in, send the whole page there.

    Otherwise htmx follows the redirect and swaps the sign-in page into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code in (301, 302)
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


class PrivatePagesMiddleware:
    """Every answer to a signed-in person (or to a browser whose session holds something,
    such as a supervisor's link) is ``Cache-Control: private, no-cache``: no shared proxy
    keeps it, and the browser asks again before showing it. Kept pages replayed from the
    cache pass through here too. Public answers are left as the view made them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._private(request):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def _private(request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        return not session.is_empty()
