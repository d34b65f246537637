import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.conftest import PASSWORD


def _sign_up(client: Client, email="new.person@example.org", name="New Person"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "full_name": name, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_verify_then_sign_in(run_jobs):
    client = Client()
    response = _sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "New Person"
    assert not user.is_staff
    # Verification is mandatory: the account cannot be used until the link is followed.
    assert reverse("account_email_verification_sent") in response["Location"]
    assert mail.outbox == []  # the worker sends it, not the request
    run_jobs()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    assert client.get(link.group(1)).status_code == 200
    client.post(link.group(1))
    assert user.emailaddress_set.get().verified
    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"), {"login": "NEW.person@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 200


@pytest.mark.django_db
def test_sign_in_refused_until_verified():
    client = Client()
    _sign_up(client)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": "new.person@example.org", "password": PASSWORD})
    response = client.get(reverse("account"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_up_errors_sit_next_to_fields():
    response = _sign_up(Client(), email="not-an-email", name="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html
    assert "Enter a valid email address" in html


def test_login_rate_limit_trips_on_sixth_failure(trainee):
    client = Client()
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": trainee.email, "password": "wrong"})
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(url, {"login": trainee.email, "password": "wrong"})
    assert "Too many failed login attempts" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(url, {"login": trainee.email, "password": PASSWORD})
    assert response.status_code != 302


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_login_is_rate_limited(admin_user):
    client = Client()
    url = reverse("account_login") + "?next=/admin/"
    for _ in range(5):
        client.post(url, {"login": admin_user.email, "password": "wrong"})
    response = client.post(url, {"login": admin_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    # and the admin itself never offers a second, unlimited form
    assert (
        Client()
        .post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
        .status_code
        == 302
    )
    assert "_auth_user_id" not in client.session


def test_admin_signs_in_and_reaches_admin(admin_user):
    client = Client()
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": admin_user.email, "password": PASSWORD},
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_trainee_cannot_use_admin(client_for, trainee):
    assert client_for(trainee).get("/admin/").status_code in (302, 403)


def test_account_page_ladder(client_for, trainee):
    anonymous = client_for(None).get(reverse("account"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    response = client_for(trainee).get(reverse("account"))
    assert response.status_code == 200
    assert trainee.email in response.content.decode()


def test_profile_update_and_blank_name_error(trainee):
    client = Client()
    client.force_login(trainee)
    response = client.post(reverse("account"), {"full_name": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html and "This field is required." in html
    response = client.post(reverse("account"), {"full_name": "Renamed Person"})
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.full_name == "Renamed Person"


def test_password_reset_sends_mail_by_the_worker_and_keeps_no_copy(trainee, run_jobs):
    from notifications.models import OutboundEmail

    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": trainee.email})
    assert response.status_code == 302
    assert mail.outbox == []
    run_jobs()
    assert "password" in mail.outbox[0].subject.lower()
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    # The reset link is a key to the account: the outbox keeps no copy once it is sent.
    sent = OutboundEmail.objects.get(to=trainee.email)
    assert sent.status == OutboundEmail.Status.SENT and sent.text_body == sent.html_body == ""


def test_password_change_page(client_for, trainee):
    assert client_for(trainee).get(reverse("account_change_password")).status_code == 200


def test_account_queries(client_for, trainee, django_assert_max_num_queries):
    client = client_for(trainee)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("account")).status_code == 200
