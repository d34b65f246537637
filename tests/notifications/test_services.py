"""The notification service: notices kept, emails queued by choice, sent once, retried."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.utils import timezone

from notifications import services
from notifications.models import (
    Channel,
    DigestRun,
    Kind,
    Notification,
    NotificationPreference,
    OutboundEmail,
)

pytestmark = pytest.mark.django_db


def test_notify_keeps_the_notice_and_counts_it_unread(trainee, other_trainee):
    notice = services.notify(
        recipient=trainee, kind=Kind.DEBATE_REPLY, text="Sam replied.", url="/x/",
        actor=other_trainee,
    )  # fmt: skip
    trainee.refresh_from_db()
    assert Notification.objects.get() == notice
    assert notice.email_channel == Channel.DIGEST  # the default for debate replies
    assert services.unread_count(trainee) == 1
    assert services.mark_read(user=trainee, notification_id=notice.pk) == 1
    trainee.refresh_from_db()
    assert services.unread_count(trainee) == 0


def test_nobody_is_told_about_their_own_act(trainee):
    assert services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x", actor=trainee) is None
    assert not Notification.objects.exists()


def test_unknown_kind_is_refused(trainee):
    with pytest.raises(ValueError):
        services.notify(recipient=trainee, kind="gossip", text="x")


def test_immediate_email_is_queued_and_sent_by_the_worker(trainee, run_jobs):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="Your tutor gave feedback.",
                    url="/portfolio/1/")  # fmt: skip
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []  # nothing is sent inside the request
    run_jobs()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    [message] = mail.outbox
    assert message.to == [trainee.email]
    assert "Your tutor gave feedback." in message.body
    assert "http://" in message.body and "/portfolio/1/" in message.body
    html = message.alternatives[0][0]
    assert "/portfolio/1/" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_never_sends_no_email(trainee, run_jobs):
    services.preferences_set(user=trainee, channels={Kind.FEEDBACK: Channel.NEVER})
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    run_jobs()
    assert not OutboundEmail.objects.exists()
    assert Notification.objects.count() == 1


def test_preferences_refuse_unknown_values(trainee):
    with pytest.raises(ValueError):
        services.preferences_set(user=trainee, channels={Kind.FEEDBACK: "carrier-pigeon"})
    assert not NotificationPreference.objects.exists()


def test_a_failed_send_is_retried_with_backoff_then_given_up(trainee, run_jobs, monkeypatch):
    calls = []

    def broken(self, fail_silently=False):
        calls.append(1)
        raise OSError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    run_jobs()
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1 and "SMTP server down" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=30)
    far = timezone.now() + timedelta(days=2)
    for _ in services.RETRY_DELAYS:
        run_jobs(until=far)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert len(calls) == len(services.RETRY_DELAYS) + 1
    assert Notification.objects.count() == 1  # the notice is never lost


def test_an_email_is_sent_once_even_if_its_job_runs_twice(trainee, run_jobs):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    email = OutboundEmail.objects.get()
    assert services.email_deliver(email_id=email.pk) == "sent"
    assert services.email_deliver(email_id=email.pk) == "not queued"
    run_jobs()
    assert len(mail.outbox) == 1


def test_dedupe_key_sends_nothing_the_second_time(trainee):
    send = {"to": "a@example.org", "subject": "s", "template": "notifications/email/notice",
            "context": {"notification": None}, "dedupe_key": "k1"}  # fmt: skip
    first = services.email_send(**send)
    second = services.email_send(**send)
    assert first is not None and second is None
    assert OutboundEmail.objects.count() == 1


def test_a_stale_claim_is_queued_again(trainee, run_jobs):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="x")
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert services.email_requeue_stale() == 1
    run_jobs()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_digest_is_booked_for_seven_in_the_users_time_zone(trainee):
    trainee.time_zone = "America/New_York"
    trainee.save()
    now = datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 in New York
    at = services.next_digest_time(trainee, now=now)
    assert at.astimezone(ZoneInfo("America/New_York")).hour == 7
    assert at.date().isoformat() == "2026-06-02"


def test_digest_goes_out_once_per_user_per_day(trainee, other_trainee, run_jobs):
    for i in range(3):
        services.notify(recipient=trainee, kind=Kind.DEBATE_REPLY, text=f"Reply {i}",
                        actor=other_trainee)  # fmt: skip
    run = DigestRun.objects.get()  # three notices, one booking
    assert not mail.outbox
    run_jobs(until=run.scheduled_for + timedelta(minutes=1))
    [message] = mail.outbox
    assert "Reply 0" in message.body and "Reply 2" in message.body
    assert services.digest_send(run_id=run.pk) == 0  # a second run sends nothing
    run_jobs(until=run.scheduled_for + timedelta(days=1))
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(digested_at__isnull=True).count() == 0


def test_digest_leaves_out_notices_already_read(trainee, run_jobs):
    notice = services.notify(recipient=trainee, kind=Kind.DEBATE_REPLY, text="Read already")
    services.mark_read(user=trainee, notification_id=notice.pk)
    run = DigestRun.objects.get()
    run_jobs(until=run.scheduled_for + timedelta(minutes=1))
    assert not mail.outbox


def test_unsubscribe_token_round_trip_and_tampering(trainee):
    token = services.unsubscribe_token(user=trainee, kind=Kind.FEEDBACK)
    assert services.unsubscribe_read(token) == (trainee.pk, Kind.FEEDBACK)
    with pytest.raises(signing.BadSignature):
        services.unsubscribe_read(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    assert services.unsubscribe(user=trainee, kind=Kind.FEEDBACK) == [Kind.FEEDBACK]
    assert services.preference_for(trainee, Kind.FEEDBACK) == Channel.NEVER


def test_unsubscribe_from_the_digest_stops_every_digest_kind(trainee):
    changed = services.unsubscribe(user=trainee, kind=services.DIGEST)
    assert set(changed) == {Kind.DEBATE_REPLY, Kind.GROUP_ACTIVITY}
    prefs = services.preferences_for(trainee)
    assert prefs[Kind.DEBATE_REPLY] == Channel.NEVER
    assert prefs[Kind.FEEDBACK] == Channel.IMMEDIATE
