"""CSP on every page, CSRF on every POST, GET never signs out."""

import pytest
from django.urls import reverse

PAGES = [
    "/",
    "/modules/psycho-social-interventions/",
    "/accounts/login/",
    "/accounts/signup/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PAGES)
def test_strict_csp_on_every_page(client, content, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_signed_in_pages_carry_csp_too(client_for, trainee, content):
    client = client_for(trainee)
    for path in ["/accounts/profile/", "/modules/psycho-social-interventions/topics/1/"]:
        assert "script-src 'self'" in client.get(path).headers["Content-Security-Policy"]


def test_no_third_party_assets_in_pages(client, content):
    html = client.get("/modules/psycho-social-interventions/").content.decode()
    for marker in ("cdn.", "googleapis", "jsdelivr", "unpkg", "cdnjs"):
        assert marker not in html
    assert 'style="' not in html  # inline styles would break the CSP


def test_csrf_enforced_on_profile_post(client_for, trainee):
    client = client_for(trainee)
    response = client.post(reverse("account"), {"full_name": "New Name"})
    assert response.status_code == 403
    trainee.refresh_from_db()
    assert trainee.full_name != "New Name"


def test_csrf_enforced_on_sign_out(client_for, trainee):
    client = client_for(trainee)
    client.post(reverse("account_logout"))
    # still signed in: the POST without a token was refused
    assert client.get(reverse("account")).status_code == 200


def test_get_never_signs_out(client_for, trainee):
    client = client_for(trainee)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200  # a confirmation page, not a sign-out
    assert client.get(reverse("account")).status_code == 200
