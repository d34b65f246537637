"""Sign-in limits behind a proxy, and the way in for an owner whose account others locked.

allauth counts failed sign-ins per client address (10 a minute) and per account (5 in
five minutes). Behind nginx every request comes from the proxy's address, so the client's
address must come from X-Forwarded-For, trusted only as far as our own proxies go.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"
LOGIN = "/accounts/login/"


def attempt(email: str, password: str, **headers) -> "tuple[int, str]":
    """One sign-in from a fresh browser (a new session each time, as a script would)."""
    response = Client().post(LOGIN, {"login": email, "password": password}, headers=headers)
    return response.status_code, response.content.decode()


def fail_from(forwarded_for: str, count: int, **headers) -> None:
    """``count`` failed sign-ins, each for a different (unknown) account, so that only the
    per-client limit can trip, never the per-account one."""
    for n in range(count):
        status, html = attempt(
            f"nobody{n}@example.org", "wrong", x_forwarded_for=forwarded_for, **headers
        )
        assert status == 200 and LOCKED not in html, n


def test_behind_one_proxy_each_client_is_limited_alone(settings, trainee, other_trainee):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # nginx appends the address it saw; anything before it came from the client.
    fail_from("203.0.113.7", 10)
    status, html = attempt(trainee.email, PASSWORD, x_forwarded_for="203.0.113.7")
    assert status == 200 and LOCKED in html  # the eleventh try in the minute is refused
    # A forged first entry does not make a new client: the proxy's entry is the last one.
    status, html = attempt(trainee.email, PASSWORD, x_forwarded_for="10.9.9.9, 203.0.113.7")
    assert status == 200 and LOCKED in html
    # Another client behind the same proxy still signs in.
    status, _ = attempt(other_trainee.email, PASSWORD, x_forwarded_for="198.51.100.20")
    assert status == 302


def test_without_a_trusted_proxy_the_header_is_ignored(settings, trainee):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    # Each try claims a new address; all of them count against the real one.
    for n in range(10):
        status, html = attempt(
            f"nobody{n}@example.org", "wrong", x_forwarded_for=f"192.0.2.{n + 1}"
        )
        assert status == 200 and LOCKED not in html
    status, html = attempt(trainee.email, PASSWORD, x_forwarded_for="192.0.2.200")
    assert LOCKED in html and status == 200


def test_a_trusted_client_ip_header_counts_per_client(settings, trainee):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    fail_from("ignored", 10, x_real_ip="203.0.113.9")
    status, html = attempt(trainee.email, PASSWORD, x_real_ip="203.0.113.9")
    assert LOCKED in html
    status, _ = attempt(trainee.email, PASSWORD, x_real_ip="203.0.113.10")
    assert status == 302


def test_client_address_settings_come_from_the_environment(monkeypatch):
    import importlib

    import portal.settings.base as base

    monkeypatch.setenv("ALLAUTH_TRUSTED_PROXY_COUNT", "1")
    monkeypatch.setenv("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "X-Real-IP")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.ALLAUTH_TRUSTED_PROXY_COUNT == 1
        assert reloaded.ALLAUTH_TRUSTED_CLIENT_IP_HEADER == "X-Real-IP"
        monkeypatch.setenv("ALLAUTH_TRUSTED_PROXY_COUNT", "one")
        with pytest.raises(ValueError, match="ALLAUTH_TRUSTED_PROXY_COUNT must be a whole"):
            importlib.reload(base)
    finally:
        monkeypatch.delenv("ALLAUTH_TRUSTED_PROXY_COUNT")
        monkeypatch.delenv("ALLAUTH_TRUSTED_CLIENT_IP_HEADER")
        reloaded = importlib.reload(base)
    assert reloaded.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert reloaded.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None


# -- the per-account lock, and the owner's way in ----------------------------------------


def lock_out(email: str) -> None:
    """Five wrong passwords for one account, from five different clients."""
    for n in range(5):
        status, html = attempt(email, "wrong", x_forwarded_for=f"198.51.100.{n + 1}")
        assert LOCKED not in html


def code_from_mail() -> str:
    body = mail.outbox[-1].body
    return re.search(r"^\s*([A-Z0-9][A-Z0-9-]{5,11})\s*$", body, re.M).group(1)


def test_owner_locked_out_by_others_signs_in_by_code(settings, trainee, run_jobs):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    lock_out(trainee.email)
    owner = Client(enforce_csrf_checks=True)
    owner.get(LOGIN)
    token = owner.cookies["csrftoken"].value
    response = owner.post(
        LOGIN + "?next=/dashboard/",
        {"login": trainee.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"x_forwarded_for": "192.0.2.50"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and LOCKED in html  # even the right password
    assert "Passwords are paused for this account" in html
    offer = re.search(r'<section class="alert alert-warning".*?</section>', html, re.S).group(0)
    action = re.search(r'<form method="post" action="([^"]+)"', offer).group(1)
    assert action.startswith(reverse("account_request_login_code"))
    assert f'name="email" value="{trainee.email}"' in offer
    assert 'name="next" value="/dashboard/"' in offer

    sent = len(mail.outbox)
    response = owner.post(
        action,
        {"email": trainee.email, "next": "/dashboard/", "csrfmiddlewaretoken": token},
        headers={"x_forwarded_for": "192.0.2.50"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))
    run_jobs()  # the worker sends the code
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [trainee.email]
    page = owner.get(response["Location"])
    assert trainee.email in page.content.decode()
    response = owner.post(
        response["Location"],
        {"code": code_from_mail(), "next": "/dashboard/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert owner.get("/dashboard/").status_code == 200
    # The lock still holds against passwords for everyone else.
    status, html = attempt(trainee.email, PASSWORD, x_forwarded_for="192.0.2.99")
    assert LOCKED in html


def test_a_wrong_code_three_times_ends_the_attempt(trainee, run_jobs):
    client = Client()
    response = client.post(reverse("account_request_login_code"), {"email": trainee.email})
    confirm = response["Location"]
    run_jobs()
    for _ in range(2):
        page = client.post(confirm, {"code": "WRONG1"})
        assert page.status_code == 200 and "is-invalid" in page.content.decode()
    response = client.post(confirm, {"code": "WRONG1"})
    assert response.status_code == 302
    assert client.post(confirm, {"code": code_from_mail()}).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_unknown_email_gets_the_same_answer(db):
    """No hint whether an account exists: the same next page for any address."""
    response = Client().post(reverse("account_request_login_code"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_login_code"))


def test_sign_in_page_without_a_lock_offers_the_code_quietly(client):
    html = client.get(LOGIN).content.decode()
    assert "Passwords are paused" not in html
    assert f'href="{reverse("account_request_login_code")}"' in html
    assert "Email me a sign-in code" in html


@pytest.mark.parametrize("url", [LOGIN, "/accounts/login/code/"])
def test_sign_in_pages_queries(url, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200


def test_too_many_sign_in_posts_get_the_portals_429_page(settings, trainee):
    """allauth's 30 sign-in posts a minute per client; the 31st gets a page in our look."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(30):
        status, _ = attempt(f"n{n}@example.org", "", x_forwarded_for="203.0.113.30")
        assert status == 200
    response = Client().post(
        LOGIN,
        {"login": trainee.email, "password": PASSWORD},
        headers={"x_forwarded_for": "203.0.113.30"},
    )
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert (
        'class="skip-link' in response.content.decode() or "skip-link" in response.content.decode()
    )
    status, _ = attempt(trainee.email, PASSWORD, x_forwarded_for="203.0.113.31")
    assert status == 302
