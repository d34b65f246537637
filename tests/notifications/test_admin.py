"""Jobs, notices, digests, the outbox and exports: visible to admins, read-only."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Kind, OutboundEmail

pytestmark = pytest.mark.django_db

LISTS = [
    "admin:notifications_notification_changelist",
    "admin:notifications_outboundemail_changelist",
    "admin:notifications_digestrun_changelist",
    "admin:notifications_notificationpreference_changelist",
    "admin:django_tasks_database_dbtaskresult_changelist",
    "admin:reflections_exportjob_changelist",
]


@pytest.mark.parametrize("name", LISTS)
def test_admin_sees_the_lists_and_nobody_else(name, client_for, admin_user, trainee):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="Feedback for you.")
    assert client_for(admin_user).get(reverse(name)).status_code == 200
    assert client_for(trainee).get(reverse(name)).status_code == 302  # to the admin sign-in


def test_records_are_read_only(client_for, admin_user, trainee):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="Feedback for you.")
    email = OutboundEmail.objects.get()
    client = client_for(admin_user)
    page = client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Feedback for you." in html
    assert 'name="_save"' not in html  # no form to change it
    assert client.get(reverse("admin:notifications_outboundemail_add")).status_code == 403
    changelist = client.get(reverse("admin:notifications_notification_changelist")).content
    assert b"Add notification" not in changelist
