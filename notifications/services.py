"""Telling people things: the one ``notify`` every app calls, and the emails behind it.

- ``notify`` keeps the notice in the portal and, by the recipient's choice for that
  kind, queues an email at once, adds the notice to tomorrow morning's digest, or
  sends nothing.
- ``email_send`` renders an email (text and HTML from templates) and queues its
  delivery; the worker sends it, retrying with backoff. Apps that must write to an
  address without an account (a study-group invitation) call it directly.
- Every email to an account carries a signed one-click unsubscribe (RFC 8058).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.jobs import enqueue

from .models import (
    DEFAULT_CHANNELS,
    TEXT_MAX_LENGTH,
    Channel,
    DigestRun,
    Kind,
    Notification,
    NotificationPreference,
    OutboundEmail,
)

logger = logging.getLogger(__name__)

DIGEST_HOUR = time(7, 0)
# A failed send is tried again after these waits, then given up (the notice stays).
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2), timedelta(hours=12)]  # fmt: skip
# An email claimed by a worker that died before sending is queued again after this.
STALE_CLAIM = timedelta(minutes=10)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)
DIGEST = "digest"  # the unsubscribe "kind" that stops every digest email


def absolute_url(path: str) -> str:
    """A link for an email: the portal's public address and the path."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.PORTAL_BASE_URL}{path}"


# --- in the portal ------------------------------------------------------------------


def unread_count(user) -> int:
    """The bell's number. It is a counter on the user's row, kept by every write that
    changes it, so a page that already loaded the user pays no query for it."""
    if not user.is_authenticated:
        return 0
    return user.unread_notifications


def _unread_add(user_id: int, delta: int) -> None:
    get_user_model().objects.filter(pk=user_id).update(
        unread_notifications=Greatest(F("unread_notifications") + delta, 0)
    )


def unread_recount(user) -> int:
    """Set the counter from the rows (a repair; the counter is kept right on write)."""
    count = Notification.objects.for_user(user).unread().count()
    get_user_model().objects.filter(pk=user.pk).update(unread_notifications=count)
    return count


def preference_for(user, kind: str) -> str:
    """The email channel the user chose for ``kind``, or the default."""
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return chosen or DEFAULT_CHANNELS.get(kind, Channel.NEVER)


def preferences_for(user) -> dict[str, str]:
    """Every kind with the user's channel for it (defaults filled in), in one query."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULT_CHANNELS[kind]) for kind in Kind.values}


@transaction.atomic
def preferences_set(*, user, channels: dict[str, str]) -> None:
    """Store the user's choice for each given kind (unknown kinds or channels refused)."""
    for kind, channel in channels.items():
        if kind not in Kind.values or channel not in Channel.values:
            raise ValueError(f"Unknown kind or channel: {kind}={channel}")
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": channel}
        )


@transaction.atomic
def notify(
    *,
    recipient,
    kind: str,
    text: str,
    url: str = "",
    actor=None,
    subject: str = "",
    attachments: list[dict[str, str]] | None = None,
) -> Notification | None:
    """Tell ``recipient`` that something happened.

    ``text`` is written for this recipient and must hold nothing they may not see.
    Nobody is told about their own act, and inactive accounts are told nothing.
    The email, if the recipient wants one, is queued in this transaction; it carries
    ``attachments`` (e.g. a meeting's .ics) when sent at once (a digest carries none).
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind: {kind}")
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    text = " ".join(text.split())
    if len(text) > TEXT_MAX_LENGTH:
        text = text[: TEXT_MAX_LENGTH - 1] + "…"
    channel = preference_for(recipient, kind)
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, text=text, url=url, email_channel=channel
    )
    _unread_add(recipient.pk, 1)
    if channel == Channel.IMMEDIATE:
        email_send(
            to=recipient.email,
            user=recipient,
            kind=kind,
            subject=subject or text,
            template="notifications/email/notice",
            context={"notification": notification, "link": absolute_url(notification.url)},
            attachments=attachments,
            dedupe_key=f"notice:{notification.pk}",
        )
    elif channel == Channel.DIGEST:
        digest_schedule(user=recipient)
    return notification


@transaction.atomic
def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notices read, or all of them; returns how many changed."""
    rows = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    changed = rows.update(read_at=timezone.now())
    if changed:
        _unread_add(user.pk, -changed)
    return changed


# --- unsubscribe -------------------------------------------------------------------


def unsubscribe_token(*, user, kind: str) -> str:
    """A signed token naming a person and a kind (or ``"digest"``), for one-click
    unsubscribe without signing in."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, kind) from a token. Raises ``signing.BadSignature`` (or its subclass
    ``SignatureExpired``) for a tampered or expired one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("Malformed token.")
    kind = data.get("k")
    if kind != DIGEST and kind not in Kind.values:
        raise signing.BadSignature("Unknown kind.")
    return data["u"], kind


def unsubscribe_url(*, user, kind: str) -> str:
    token = unsubscribe_token(user=user, kind=kind)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


@transaction.atomic
def unsubscribe(*, user, kind: str) -> list[str]:
    """Stop the emails of one kind, or every kind now sent in the digest; returns the
    kinds that changed. In-app notices continue."""
    if kind == DIGEST:
        kinds = [k for k, c in preferences_for(user).items() if c == Channel.DIGEST]
    else:
        kinds = [kind]
    preferences_set(user=user, channels={k: Channel.NEVER for k in kinds})
    return kinds


# --- email -------------------------------------------------------------------------


@transaction.atomic
def email_send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any] | None = None,
    user=None,
    kind: str = "",
    attachments: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
) -> OutboundEmail | None:
    """Render ``template``.txt and ``template``.html now and queue the email for a worker.

    With ``user`` and ``kind`` the email carries a one-click unsubscribe for that kind.
    ``dedupe_key`` makes a second call with the same key send nothing (returns None).
    ``attachments`` are text files: ``{"filename", "content", "mimetype"}``.
    """
    if dedupe_key and OutboundEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    context = {
        **(context or {}),
        "recipient": user,
        "portal_url": settings.PORTAL_BASE_URL,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    headers = dict(headers or {})
    if user is not None and kind:
        link = unsubscribe_url(user=user, kind=kind)
        context["unsubscribe_url"] = link
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return email_queue(
        to=to,
        user=user,
        kind=kind,
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        text_body=render_to_string(f"{template}.txt", context),
        html_body=render_to_string(f"{template}.html", context),
        headers=headers,
        attachments=attachments,
        dedupe_key=dedupe_key,
    )


@transaction.atomic
def email_queue(
    *,
    to: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    user=None,
    kind: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
    dedupe_key: str | None = None,
    erase_after_sending: bool = False,
) -> OutboundEmail | None:
    """Queue an email already rendered, for a worker to send (in this transaction, so it
    goes only if the transaction commits). ``erase_after_sending`` blanks the bodies
    once sent, for mail that carries a secret (a sign-in code, a password-reset link)."""
    subject = " ".join(subject.split())[:250]
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                to=to,
                user=user,
                kind=kind,
                subject=subject,
                text_body=text_body,
                html_body=html_body,
                headers=dict(headers or {}),
                attachments=attachments or [],
                dedupe_key=dedupe_key,
                erase_after_sending=erase_after_sending,
            )
    except IntegrityError:  # the same key won a race with us
        return None
    from .tasks import deliver_email

    enqueue(deliver_email, email.pk)
    return email


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for item in email.attachments:
        message.attach(item["filename"], item["content"], item.get("mimetype", "text/plain"))
    return message


def email_deliver(*, email_id: int) -> str:
    """Send one queued email (the worker's job). A worker claims it by a conditional
    UPDATE first, so two workers never both send it. A failure queues another attempt
    after a growing wait; after the last it is marked failed."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not queued"
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        _message(email).send(fail_silently=False)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if email.attempts > len(RETRY_DELAYS):
            OutboundEmail.objects.filter(pk=email_id).update(
                status=OutboundEmail.Status.FAILED, last_error=error
            )
            logger.error("Gave up on email %s to %s: %s", email_id, email.to, error)
            return "failed"
        retry_at = timezone.now() + RETRY_DELAYS[email.attempts - 1]
        from .tasks import deliver_email

        with transaction.atomic():
            OutboundEmail.objects.filter(pk=email_id).update(
                status=OutboundEmail.Status.QUEUED, last_error=error, next_attempt_at=retry_at
            )
            enqueue(deliver_email, email_id, run_after=retry_at)
        logger.warning("Email %s failed (%s); retrying at %s", email_id, error, retry_at)
        return "retry"
    sent = {"status": OutboundEmail.Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if email.erase_after_sending:
        sent.update(text_body="", html_body="", attachments=[])
    OutboundEmail.objects.filter(pk=email_id).update(**sent)
    return "sent"


@transaction.atomic
def email_requeue_stale(*, older_than: timedelta = STALE_CLAIM) -> int:
    """Queue again the emails a worker claimed and never finished (it was killed).
    The message may have left before the worker died: a rare duplicate is the price
    of never losing one."""
    from .tasks import deliver_email

    cutoff = timezone.now() - older_than
    stale = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.SENDING, claimed_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        if OutboundEmail.objects.filter(pk=pk, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.QUEUED
        ):
            enqueue(deliver_email, pk)
    return len(stale)


# --- the daily digest --------------------------------------------------------------


def next_digest_time(user, *, now: datetime | None = None) -> datetime:
    """The next 07:00 in the user's time zone after ``now``."""
    now = now or timezone.now()
    local = now.astimezone(user.zone)
    at = datetime.combine(local.date(), DIGEST_HOUR, tzinfo=user.zone)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), DIGEST_HOUR, tzinfo=user.zone)
    return at


@transaction.atomic
def digest_schedule(*, user, now: datetime | None = None) -> DigestRun:
    """Make sure the user's next morning digest is booked: one row and one job per
    (user, local date), whoever asks first."""
    at = next_digest_time(user, now=now)
    try:
        with transaction.atomic():
            run, created = DigestRun.objects.get_or_create(
                user=user, date=at.date(), defaults={"scheduled_for": at}
            )
    except IntegrityError:
        run, created = DigestRun.objects.get(user=user, date=at.date()), False
    if created:
        from .tasks import send_digest

        enqueue(send_digest, run.pk, run_after=at)
    return run


@transaction.atomic
def digest_send(*, run_id: int) -> int:
    """Send one person's digest: the unread notices meant for it that no digest took yet.
    Claimed by a conditional UPDATE, so it runs once however many workers try; read
    notices are marked taken without being sent again. Returns how many were sent."""
    now = timezone.now()
    if not DigestRun.objects.filter(pk=run_id, ran_at__isnull=True).update(ran_at=now):
        return 0
    run = DigestRun.objects.select_related("user").get(pk=run_id)
    user = run.user
    waiting = Notification.objects.filter(
        recipient=user,
        email_channel=Channel.DIGEST,
        digested_at__isnull=True,
        created_at__lte=now,
    )
    notices = list(waiting.filter(read_at__isnull=True).order_by("created_at"))
    waiting.update(digested_at=now)
    if not notices or not user.is_active:
        return 0
    DigestRun.objects.filter(pk=run_id).update(notice_count=len(notices))
    count = len(notices)
    email_send(
        to=user.email,
        user=user,
        kind=DIGEST,
        subject=f"Your daily summary: {count} new notice{'s' if count != 1 else ''}",
        template="notifications/email/digest",
        context={
            "notices": [(n, absolute_url(n.url)) for n in notices],
            "date": run.date,
            "list_url": absolute_url(reverse("notifications:list")),
        },
        dedupe_key=f"digest:{user.pk}:{run.date.isoformat()}",
    )
    return count
