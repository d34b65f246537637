"""Notices through a real SMTP server: aiosmtpd as a process of its own on loopback,
storing what it receives in a Maildir that the test reads back."""

import mailbox
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Channel, Kind, NotificationPreference, OutboundEmail

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int, maildir):
        self.port, self.maildir = port, maildir
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert self.process.poll() is None, self.process.stderr.read().decode()
                time.sleep(0.1)
        raise AssertionError("aiosmtpd did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def messages(self):
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        return [BytesParser(policy=policy.default).parsebytes(box.get_bytes(k)) for k in box.keys()]


@pytest.fixture
def smtp(settings, tmp_path):
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    server = SmtpServer(port, tmp_path / "maildir")
    yield server
    server.stop()


def _parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk()
            if not part.is_multipart()}  # fmt: skip


def test_a_notice_arrives_with_text_html_and_one_click_unsubscribe(smtp, trainee, run_jobs):
    smtp.start()
    services.notify(
        recipient=trainee, kind=Kind.FEEDBACK, text="Your tutor left feedback on “Week one”.",
        url="/portfolio/7/", subject="New feedback on “Week one”",
    )  # fmt: skip
    run_jobs()
    [message] = smtp.messages()
    assert message["To"] == trainee.email
    assert message["Subject"].strip() == "[Training portal] New feedback on “Week one”"
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert "Your tutor left feedback on “Week one”." in parts["text/plain"]
    assert "http://127.0.0.1:8000/portfolio/7/" in parts["text/plain"]
    assert 'href="http://127.0.0.1:8000/portfolio/7/"' in parts["text/html"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip().strip("<>")  # unfolded
    assert link.startswith("http://127.0.0.1:8000/notifications/unsubscribe/")
    assert link in parts["text/plain"]
    # A mail program posts to the link, without cookies or a CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(link).path, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=trainee, kind=Kind.FEEDBACK).channel == (
        Channel.NEVER
    )


def test_the_daily_digest_arrives_at_seven_with_its_own_unsubscribe(smtp, trainee, run_jobs):
    smtp.start()
    for n in (1, 2):
        services.notify(recipient=trainee, kind=Kind.DEBATE_REPLY, text=f"Reply number {n}.",
                        url=f"/debates/{n}/")  # fmt: skip
    run_jobs()
    assert smtp.messages() == []  # replies wait for the digest by default
    run_jobs(until=services.next_digest_time(trainee) + timedelta(minutes=1))
    [message] = smtp.messages()
    assert message["To"] == trainee.email
    assert message["Subject"].strip() == "[Training portal] Your daily summary: 2 new notices"
    parts = _parts(message)
    assert "Reply number 1." in parts["text/plain"] and "Reply number 2." in parts["text/html"]
    assert "/notifications/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_account_mail_goes_through_the_worker_without_unsubscribe(smtp, trainee, run_jobs):
    smtp.start()
    assert (
        Client().post(reverse("account_reset_password"), {"email": trainee.email}).status_code
        == 302
    )
    assert smtp.messages() == []
    run_jobs()
    [message] = smtp.messages()
    assert message["To"] == trainee.email and "password" in message["Subject"].lower()
    assert "/accounts/password/reset/key/" in _parts(message)["text/plain"]
    assert message["List-Unsubscribe"] is None  # account mail is not optional


def test_a_send_that_fails_while_the_server_is_down_is_retried(smtp, trainee, run_jobs):
    services.notify(recipient=trainee, kind=Kind.FEEDBACK, text="Feedback while down.")
    run_jobs()  # nothing listens on the port yet
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 1
    assert email.last_error
    smtp.start()
    run_jobs()
    assert smtp.messages() == []  # the retry waits for its backoff
    run_jobs(until=timezone.now() + services.RETRY_DELAYS[0] + timedelta(seconds=5))
    [message] = smtp.messages()
    assert "Feedback while down." in _parts(message)["text/plain"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
