"""What a debate tells people: a reply to my argument, my argument hidden (with the
reason) or shown again. A hidden argument's text goes to nobody but its author."""

import pytest
from django.urls import reverse

from debates import services
from notifications.models import Kind, Notification, OutboundEmail

pytestmark = pytest.mark.django_db


def _argue(user, motion, text="Open questions work better than advice.", parent=None):
    services.stance_record(user=user, motion=motion, phase="before", position="for", confidence=3)
    return services.argument_create(author=user, motion=motion, text=text, side="" if parent
                                    else "for", parent=parent)  # fmt: skip


def test_a_reply_tells_the_arguments_author(enrolled, motion, client_for):
    ada, bo = enrolled(name="Ada Author"), enrolled(name="Bo Replier")
    argument = _argue(ada, motion)
    reply = _argue(bo, motion, text="But advice has its place.", parent=argument)
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind, notice.actor) == (ada, Kind.DEBATE_REPLY, bo)
    assert notice.url == reply.get_absolute_url() and notice.url.endswith(f"#argument-{reply.pk}")
    assert "Bo Replier replied to your argument “Open questions work better" in notice.text
    assert motion.statement in notice.text
    ada.refresh_from_db()
    assert ada.unread_notifications == 1
    bell = client_for(ada).get(reverse("dashboard")).content.decode()
    assert 'data-unread="1"' in bell
    # Debate replies go in the daily digest by default: no email at once.
    assert not OutboundEmail.objects.exists()


def test_replying_to_myself_tells_nobody(enrolled, motion):
    ada = enrolled()
    argument = _argue(ada, motion)
    services.argument_create(author=ada, motion=motion, text="And another thing.", parent=argument)
    assert not Notification.objects.exists()


def test_hiding_tells_only_the_author_with_the_reason(enrolled, motion, tutor, run_jobs):
    ada, bo = enrolled(name="Ada Author"), enrolled(name="Bo Reader")
    argument = _argue(ada, motion, text="My client Mrs Jones said so.")
    _argue(bo, motion, text="I agree with Ada.", parent=argument)
    Notification.objects.all().delete()
    services.argument_hide(argument=argument, by=tutor, reason="It names a client.")
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind) == (ada, Kind.MODERATION)
    assert "Reason: It names a client." in notice.text and "Mrs Jones" in notice.text
    run_jobs()
    [email] = OutboundEmail.objects.all()  # moderation is emailed at once by default
    assert email.to == ada.email and "It names a client." in email.text_body
    # Nobody else is told, so the hidden text reaches nobody else.
    assert not Notification.objects.filter(text__contains="Mrs Jones").exclude(recipient=ada)
    assert not OutboundEmail.objects.filter(text_body__contains="Mrs Jones").exclude(to=ada.email)
    services.argument_unhide(argument=argument, by=tutor)
    shown = Notification.objects.filter(recipient=ada, kind=Kind.MODERATION).first()
    assert "again" in shown.text and shown.recipient == ada
    assert Notification.objects.exclude(recipient=ada).count() == 0


def test_a_reply_posted_on_the_page_tells_the_author(enrolled, motion, client_for,
                                                               content):  # fmt: skip
    from tests.debates.conftest import debate_path, post

    ada, bo = enrolled(), enrolled()
    argument = _argue(ada, motion)
    services.stance_record(user=bo, motion=motion, phase="before", position="for", confidence=3)
    client = client_for(bo)
    response = post(client, debate_path(content, name="reply", pk=argument.pk),
                    {"text": "A reply by the page."})  # fmt: skip
    assert response.status_code == 302
    assert Notification.objects.get().recipient == ada


def test_the_reply_notice_opens_the_thread_even_pages_away(enrolled, motion, client_for):
    from debates.selectors import THREADS_PER_PAGE

    ada, bo = enrolled(name="Ada Author"), enrolled(name="Bo Replier")
    argument = _argue(ada, motion, text="The first argument, soon pages down.")
    reply = _argue(bo, motion, text="A reply to the first argument.", parent=argument)
    for n in range(THREADS_PER_PAGE + 2):
        services.argument_create(author=bo, motion=motion, text=f"A newer argument number {n}.",
                                 side="against", parent=None)  # fmt: skip
    # Newest first: the first argument is no longer on the first page...
    topic = motion.task.topic
    first_page = client_for(ada).get(
        reverse("debates:detail", args=[topic.module.slug, topic.number])
    )
    assert "The first argument, soon pages down." not in first_page.content.decode()
    # ...but the notice's link opens its thread, reply included, and offers the rest.
    notice = Notification.objects.get(recipient=ada)
    html = client_for(ada).get(notice.url.split("#")[0]).content.decode()
    assert "The first argument, soon pages down." in html
    assert "A reply to the first argument." in html and f'id="argument-{reply.pk}"' in html
    assert "A newer argument number" not in html and "Show all the arguments" in html
    # A thread that is not there (or not to be seen) is said so, not an error.
    gone = client_for(ada).get(notice.url.split("?")[0] + "?thread=999999")
    assert gone.status_code == 200
    assert "This argument is no longer shown in the debate." in gone.content.decode()
