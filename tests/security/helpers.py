"""Clients for the findings' tests: signed in, CSRF enforced, and answering 500 as a
server would (the test client re-raises a view's exception unless told not to)."""

from django.test import Client

from tests.conftest import PASSWORD


def browser(user=None) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def post(client, url, data=None, **extra):
    """POST with the CSRF token, fetching one first when the browser has none."""
    if "csrftoken" not in client.cookies:
        client.get("/")
    data = {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(url, data, **extra)


__all__ = ["PASSWORD", "browser", "post"]
