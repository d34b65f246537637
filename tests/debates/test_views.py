"""The debate page and its actions: who may see and do what, limits, htmx and fallbacks."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from debates import services
from debates.models import Argument, Endorsement, Stance
from debates.selectors import THREADS_PER_PAGE
from modules.services import enrolment_create
from tests.factories import grow_debate, make_module
from topics.models import TaskCompletion

from .conftest import debate_path, post


def record(user, motion, phase="before", position="undecided", confidence=2):
    return services.stance_record(
        user=user, motion=motion, phase=phase, position=position, confidence=confidence
    )


def argue(user, motion, text="An argument.", side="for", parent=None):
    return services.argument_create(author=user, motion=motion, text=text, side=side, parent=parent)


# --- who may see the debate --------------------------------------------------------------


def test_debate_page_ladder(client_for, content, motion, trainee, trainee_in, tutor, admin_user,
                            make_user):  # fmt: skip
    url = debate_path(content)
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert client_for(trainee).get(url).status_code == 404  # signed in, not enrolled
    other_tutor = make_user(role="tutor")  # a tutor, but not of this module
    assert client_for(other_tutor).get(url).status_code == 404
    for user in (trainee_in, tutor, admin_user):
        assert client_for(user).get(url).status_code == 200, user


@pytest.mark.parametrize(
    "path",
    [
        "/modules/psycho-social-interventions/topics/9/debate/",
        "/modules/psycho-social-interventions/topics/0/debate/",
        "/modules/talking-to-people/topics/1/debate/",
        "/modules/nope/topics/1/debate/",
    ],
)
def test_missing_debates_are_404(client_for, trainee_in, path):
    assert client_for(trainee_in).get(path).status_code == 404


@pytest.mark.django_db
def test_unpublished_module_debate_is_404_for_enrolled_trainee(client_for, make_user):
    from tests.factories import grow_module

    module = make_module(slug="hidden-debates", published=False)
    grow_module(module, extra=1)
    user = make_user()
    enrolment_create(user=user, module=module)
    assert client_for(user).get(debate_path(module)).status_code == 404


def test_task_page_links_to_the_debate(client_for, trainee_in, content):
    html = (
        client_for(trainee_in)
        .get(reverse("topics:task", args=[content.slug, 1, 2]))
        .content.decode()
    )
    assert "Go to the debate" in html and debate_path(content) in html
    explore = client_for(trainee_in).get(reverse("topics:task", args=[content.slug, 1, 1]))
    assert "Go to the debate" not in explore.content.decode()


POST_ACTIONS = ["stance", "argue", "reply", "endorse", "edit", "delete", "hide", "unhide"]


def _action_url(module, name, argument):
    if name in ("stance", "argue"):
        return debate_path(module, name=name)
    return debate_path(module, name=name, pk=argument.pk)


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_post_actions_ladder(name, content, motion, trainee, enrolled):
    author = enrolled()
    record(author, motion)
    argument = argue(author, motion)
    url = _action_url(content, name, argument)
    anonymous = Client().post(url, {"text": "x"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    outsider = Client()
    outsider.force_login(trainee)  # signed in, not enrolled
    assert outsider.post(url, {"text": "x"}).status_code == 404
    assert Client(enforce_csrf_checks=True).get(url).status_code in (302, 404, 405)
    assert Argument.objects.filter(pk=argument.pk, text="An argument.").exists()


@pytest.mark.parametrize("name", ["edit", "delete", "manage"])
def test_only_the_author_manages_an_argument(name, content, motion, enrolled):
    author, other = enrolled(), enrolled()
    record(author, motion)
    record(other, motion)
    argument = argue(author, motion)
    url = debate_path(content, name=name, pk=argument.pk)
    client = Client()
    client.force_login(other)
    response = client.get(url) if name == "manage" else client.post(url, {"text": "Mine!"})
    assert response.status_code == 404
    assert Argument.objects.get(pk=argument.pk).text == "An argument."
    client.force_login(author)
    assert client.get(debate_path(content, name="manage", pk=argument.pk)).status_code == 200


@pytest.mark.parametrize("name", ["hide", "unhide"])
def test_trainees_cannot_moderate(name, content, motion, enrolled, tutor):
    author, other = enrolled(), enrolled()
    record(author, motion)
    argument = argue(author, motion)
    if name == "unhide":
        services.argument_hide(argument=argument, by=tutor, reason="Off topic")
    client = Client()
    for user in (other, author):
        client.force_login(user)
        assert client.post(_action_url(content, name, argument), {"reason": "x"}).status_code == 404
    assert Argument.objects.get(pk=argument.pk).is_hidden == (name == "unhide")


def test_posts_are_refused_without_the_csrf_token(client_for, content, motion, trainee_in):
    response = client_for(trainee_in).post(
        debate_path(content, name="stance"), {"position": "for", "confidence": 3}
    )
    assert response.status_code == 403
    assert not Stance.objects.exists()


def test_get_never_changes_anything(client_for, content, motion, trainee_in):
    client = client_for(trainee_in)
    for name in ("stance", "argue"):
        assert client.get(debate_path(content, name=name)).status_code == 405
    assert not Stance.objects.exists()


# --- the states of the page --------------------------------------------------------------


def test_arguments_stay_closed_until_the_stance_before(client_for, content, motion, enrolled):
    ada, bo = enrolled(), enrolled()
    record(bo, motion)
    argue(bo, motion, text="Peer groups motivate better than any one-to-one.")
    client = client_for(ada)
    html = client.get(debate_path(content)).content.decode()
    assert "Where do you stand, before the debate?" in html
    assert "Peer groups motivate" not in html
    assert "How opinion shifted" not in html

    response = post(client, debate_path(content, name="stance"),
                    {"position": "undecided", "confidence": "2", "reason": "Not sure"})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].endswith("#arguments-title")
    html = client.get(debate_path(content)).content.decode()
    assert "Peer groups motivate" in html
    assert "Before the debate you were <strong>undecided</strong>" in html
    assert "How opinion shifted" not in html  # the cohort's numbers come after your own

    response = post(client, debate_path(content, name="stance"),
                    {"position": "against", "confidence": "4"})  # fmt: skip
    assert response["Location"].endswith("#results-title")
    html = client.get(debate_path(content)).content.decode()
    assert "You moved from undecided (2) to against (4)." in html
    assert "How opinion shifted" in html


def test_stance_form_errors_show_beside_the_fields(client_for, content, motion, trainee_in):
    client = client_for(trainee_in)
    response = post(client, debate_path(content, name="stance"),
                    {"confidence": "9", "reason": "r" * 300})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose for, against or undecided." in html
    assert "Select a valid choice" in html
    assert "Keep the reason to 200 characters; this one has 300." in html
    assert not Stance.objects.exists()


def test_tutor_sees_everything_and_records_no_stance(client_for, content, motion, enrolled, tutor):
    ada = enrolled()
    record(ada, motion)
    argument = argue(ada, motion, text="A point the tutor will hide.")
    services.argument_hide(argument=argument, by=tutor, reason="Names a client")
    client = client_for(tutor)
    html = client.get(debate_path(content)).content.decode()
    assert "You moderate this debate" in html
    assert "A point the tutor will hide." in html and "Names a client" in html
    assert "How opinion shifted" in html
    assert "Where do you stand" not in html
    response = post(client, debate_path(content, name="stance"),
                    {"position": "for", "confidence": "3"})  # fmt: skip
    assert response.status_code == 302 and not Stance.objects.filter(user=tutor).exists()


# --- arguments, replies, limits, sanitising ----------------------------------------------


def test_post_an_argument_and_a_reply(client_for, content, motion, enrolled):
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    client = client_for(ada)
    response = post(client, debate_path(content, name="argue"),
                    {"side": "against", "text": "Groups **work** too."})  # fmt: skip
    argument = Argument.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#argument-{argument.pk}")
    assert (argument.author, argument.side) == (ada, "against")
    bo_client = client_for(bo)
    next_url = debate_path(content) + "?sort=endorsed&page=1"
    response = post(bo_client, debate_path(content, name="reply", pk=argument.pk),
                    {"text": "In my service, yes.", "next": next_url})  # fmt: skip
    reply = Argument.objects.get(parent=argument)
    assert response["Location"] == next_url + f"#argument-{reply.pk}"
    html = bo_client.get(debate_path(content)).content.decode()
    assert "Groups <strong>work</strong> too." in html and "In my service, yes." in html
    # a reply to a reply is refused (one level of replies)
    response = post(bo_client, debate_path(content, name="reply", pk=reply.pk), {"text": "x"})
    assert response.status_code == 404


def test_arguing_before_the_stance_is_refused_with_a_message(client_for, content, motion,
                                                             trainee_in):  # fmt: skip
    response = post(client_for(trainee_in), debate_path(content, name="argue"),
                    {"side": "for", "text": "Jumping the gun."})  # fmt: skip
    assert response.status_code == 200
    assert "Record your stance before the debate first." in response.content.decode()
    assert not Argument.objects.exists()


def test_next_cannot_leave_the_debate(client_for, content, motion, trainee_in):
    record(trainee_in, motion)
    client = client_for(trainee_in)
    for evil in ["https://evil.example/", "//evil.example/", "/admin/"]:
        response = post(client, debate_path(content, name="argue"),
                        {"side": "for", "text": "ok", "next": evil})  # fmt: skip
        assert response["Location"].startswith(debate_path(content)), evil


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write your argument before posting it."),
     ("   ", "Write your argument before posting it."),
     ("x" * 50 * 1024, "limited to 5,000 characters and this one has 51,200")],
)  # fmt: skip
def test_argument_limits_keep_the_text_and_say_why(client_for, content, motion, trainee_in, text,
                                                   message):  # fmt: skip
    record(trainee_in, motion)
    response = post(client_for(trainee_in), debate_path(content, name="argue"),
                    {"side": "for", "text": text})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'maxlength="' not in html.split('id="id_argument_text"')[1][:200]
    if text.strip():
        assert text in html  # nothing the trainee typed is lost
    assert not Argument.objects.exists()


def test_reply_errors_show_on_that_reply_form(client_for, content, motion, enrolled):
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    argument = argue(ada, motion)
    response = post(client_for(bo), debate_path(content, name="reply", pk=argument.pk),
                    {"text": " "})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write your reply before posting it." in html
    assert f'id="id_reply_{argument.pk}_text"' in html
    assert '<details class="reply-box ms-3 ms-md-5 mt-1" open>' in html


def test_arguments_are_sanitised_and_long_words_wrap(client_for, content, motion, enrolled):
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    nasty = (
        "<script>alert('x')</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(1)) <iframe src='https://evil.example'></iframe> " + "W" * 3000
    )
    top = argue(ada, motion, text=nasty)
    argue(bo, motion, parent=top, text="<b onmouseover=alert(2)>bold</b>")
    html = client_for(bo).get(debate_path(content)).content.decode()
    for bad in ["<script>alert", "onerror", "javascript:", "<iframe", "onmouseover"]:
        assert bad not in html, bad
    assert '<div class="prose break-anywhere argument-text">' in html
    assert "W" * 3000 in html


def test_sort_and_filter(client_for, content, motion, enrolled):
    ada, bo, cy = enrolled(), enrolled(), enrolled()
    for user in (ada, bo, cy):
        record(user, motion)
    older = argue(ada, motion, text="Older and convincing.", side="for")
    newer = argue(bo, motion, text="Newer against.", side="against")
    Argument.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
    services.endorsement_create(argument=older, user=cy)
    client = client_for(cy)
    newest = client.get(debate_path(content)).content.decode()
    assert newest.index("Newer against.") < newest.index("Older and convincing.")
    endorsed = client.get(debate_path(content) + "?sort=endorsed").content.decode()
    assert endorsed.index("Older and convincing.") < endorsed.index("Newer against.")
    only_against = client.get(debate_path(content) + "?side=against").content.decode()
    assert "Newer against." in only_against and "Older and convincing." not in only_against
    odd = client.get(debate_path(content) + "?side=%00&sort=drop&page=x")
    assert odd.status_code == 200
    assert f"argument-{newer.pk}" in odd.content.decode()
    # cy is in no study group: "only my study group" leaves nobody else's arguments.
    mine = client.get(debate_path(content) + "?group=mine").content.decode()
    assert "Only my study group" in mine
    assert f"argument-{newer.pk}" not in mine and f"argument-{older.pk}" not in mine


def test_a_thousand_arguments_are_paged(client_for, content, motion, enrolled):
    people = [enrolled() for _ in range(3)]
    grow_debate(motion, arguments=1000, people=people)
    client = client_for(people[0])
    url = debate_path(content)
    html = client.get(url).content.decode()
    assert html.count('class="argument-thread mb-3"') == THREADS_PER_PAGE
    assert "Showing 1 to 10 of 1000." in html
    # "Load more" is a plain link to the next page that htmx turns into an append.
    assert 'href="?page=2#arguments-title" hx-get="?page=2" hx-target="#argument-list"' in html
    last = client.get(url + "?page=100&sort=endorsed").content.decode()
    assert last.count('class="argument-thread mb-3"') == THREADS_PER_PAGE
    assert "Showing 991 to 1000 of 1000." in last and "Load more" not in last
    assert "?page=99&amp;sort=endorsed#arguments-title" in last  # the sort is kept
    beyond = client.get(url + "?page=999")
    assert beyond.status_code == 200 and "Showing 991 to 1000 of 1000." in beyond.content.decode()


def test_load_more_appends_the_next_page(client_for, content, motion, enrolled):
    people = [enrolled() for _ in range(3)]
    grow_debate(motion, arguments=25, people=people)
    client = client_for(people[0])
    url = debate_path(content)
    newest = list(Argument.objects.filter(parent=None).order_by("-created_at", "-pk"))
    response = client.get(url + "?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="argument-list")
    html = response.content.decode()
    assert "<html" not in html and html.count('class="argument-thread mb-3"') == 10
    assert f'id="argument-{newest[10].pk}"' in html and f'id="argument-{newest[9].pk}"' not in html
    assert 'id="arguments-pager" class="arguments-pager" hx-swap-oob="true"' in html
    assert "Showing arguments 1 to 20 of 25." in html and 'hx-get="?page=3"' in html
    third = client.get(url + "?page=3", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="argument-list")
    assert third.content.decode().count('class="argument-thread mb-3"') == 5
    assert "Load more" not in third.content.decode()


def test_load_more_needs_the_stance_before(client_for, content, motion, enrolled):
    people = [enrolled() for _ in range(3)]
    grow_debate(motion, arguments=25, people=people)
    newcomer = enrolled()
    response = client_for(newcomer).get(
        debate_path(content) + "?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="argument-list"
    )
    assert "argument-thread" not in response.content.decode()
    assert response.headers["HX-Redirect"] == debate_path(content)


# --- endorsing ---------------------------------------------------------------------------


def test_endorse_with_htmx_returns_the_control(client_for, content, motion, enrolled):
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    argument = argue(ada, motion)
    client = client_for(bo)
    url = debate_path(content, name="endorse", pk=argument.pk)
    response = post(client, url, {"action": "endorse", "next": debate_path(content) + "?page=1"},
                    HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<form id="endorse-{argument.pk}"')
    assert "1 endorsement" in html and "withdraw" in html
    assert 'value="/modules/psycho-social-interventions/topics/1/debate/?page=1"' in html
    response = post(client, url, {"action": "withdraw"}, HTTP_HX_REQUEST="true")
    assert "0 endorsements" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_endorse_without_javascript_redirects_with_a_message(client_for, content, motion,
                                                             enrolled):  # fmt: skip
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    argument = argue(ada, motion)
    client = client_for(bo)
    response = post(client, debate_path(content, name="endorse", pk=argument.pk),
                    {"action": "endorse"}, follow=True)  # fmt: skip
    assert "You endorsed the argument." in response.content.decode()
    assert Endorsement.objects.filter(user=bo, argument=argument).exists()
    own = post(client_for(ada), debate_path(content, name="endorse", pk=argument.pk),
               {"action": "endorse"}, follow=True)  # fmt: skip
    assert "You cannot endorse your own argument." in own.content.decode()
    assert Endorsement.objects.count() == 1


# --- moderation --------------------------------------------------------------------------


def test_tutor_hides_author_sees_why_others_see_nothing(client_for, content, motion, enrolled,
                                                        tutor):  # fmt: skip
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    argument = argue(ada, motion, text="My client John Smith said so.")
    tutor_client = client_for(tutor)
    missing_reason = post(tutor_client, debate_path(content, name="hide", pk=argument.pk),
                          {"reason": ""})  # fmt: skip
    assert missing_reason.status_code == 200
    assert "Give a reason for hiding it." in missing_reason.content.decode()
    response = post(tutor_client, debate_path(content, name="hide", pk=argument.pk),
                    {"reason": "Names a client; please rewrite without it."})  # fmt: skip
    assert response.status_code == 302
    author_html = client_for(ada).get(debate_path(content)).content.decode()
    assert "My client John Smith" in author_html
    assert "Names a client; please rewrite without it." in author_html
    other_html = client_for(bo).get(debate_path(content)).content.decode()
    assert "John Smith" not in other_html and "Names a client" not in other_html
    # the hidden argument is not there for others to act on either
    bo_endorse = post(client_for(bo), debate_path(content, name="endorse", pk=argument.pk))
    assert bo_endorse.status_code == 404
    post(tutor_client, debate_path(content, name="unhide", pk=argument.pk))
    assert "John Smith" in client_for(bo).get(debate_path(content)).content.decode()


# --- editing and deleting ----------------------------------------------------------------


def test_edit_within_fifteen_minutes_then_only_delete(client_for, content, motion, trainee_in):
    record(trainee_in, motion)
    argument = argue(trainee_in, motion, text="First draft.")
    client = client_for(trainee_in)
    page = client.get(debate_path(content, name="manage", pk=argument.pk)).content.decode()
    assert "Save changes" in page
    empty = post(client, debate_path(content, name="edit", pk=argument.pk), {"text": ""})
    assert "Write your argument before posting it." in empty.content.decode()
    post(client, debate_path(content, name="edit", pk=argument.pk), {"text": "Second draft."})
    argument.refresh_from_db()
    assert argument.text == "Second draft." and argument.edited_at
    assert "· edited" in client.get(debate_path(content)).content.decode()

    Argument.objects.filter(pk=argument.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    page = client.get(debate_path(content, name="manage", pk=argument.pk)).content.decode()
    assert "Save changes" not in page and "The 15 minutes for editing have passed" in page
    late = post(client, debate_path(content, name="edit", pk=argument.pk), {"text": "Late"},
                follow=True)  # fmt: skip
    assert "can be edited for 15 minutes" in late.content.decode()
    post(client, debate_path(content, name="delete", pk=argument.pk))
    assert not Argument.objects.exists()


def test_deleted_argument_with_replies_keeps_its_place(client_for, content, motion, enrolled):
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    top = argue(ada, motion, text="To be deleted.")
    argue(bo, motion, parent=top, text="A reply that stays.")
    post(client_for(ada), debate_path(content, name="delete", pk=top.pk))
    html = client_for(bo).get(debate_path(content)).content.decode()
    assert "This argument was deleted by its author." in html
    assert "To be deleted." not in html and "A reply that stays." in html


# --- completion --------------------------------------------------------------------------


def test_the_debate_completes_the_task(client_for, content, motion, trainee_in):
    client = client_for(trainee_in)
    post(client, debate_path(content, name="stance"), {"position": "for", "confidence": "3"})
    post(client, debate_path(content, name="argue"), {"side": "for", "text": "Yes."})
    assert not TaskCompletion.objects.filter(user=trainee_in).exists()
    post(client, debate_path(content, name="stance"), {"position": "for", "confidence": "5"})
    assert TaskCompletion.objects.filter(user=trainee_in, task=motion.task).exists()
    html = client.get(debate_path(content)).content.decode()
    assert "This debate task is done." in html
    assert "You stayed for, and became more sure (3 to 5)." in html


# --- query counts ------------------------------------------------------------------------

# session, user, module, motion, participant and tutor, the trainee's cohort, stances,
# argued, done
BEFORE_QUERIES = 9
ARGUING_QUERIES = 12  # + side counts, threads, replies (no count of the whole debate)
AFTER_QUERIES = 13  # + the stance tally (one row, kept on write)
# no stance queries; the cohorts they tutor, side counts, threads, replies, the cohort's
# tally and the module-wide one; the header's review count
TUTOR_QUERIES = 12


def _state_users(enrolled, tutor, motion):
    before_user, arguing_user, after_user = enrolled(), enrolled(), enrolled()
    record(arguing_user, motion)
    record(after_user, motion)
    record(after_user, motion, phase="after", position="for")
    return {"before": (before_user, BEFORE_QUERIES), "arguing": (arguing_user, ARGUING_QUERIES),
            "after": (after_user, AFTER_QUERIES), "tutor": (tutor, TUTOR_QUERIES)}  # fmt: skip


def test_debate_page_queries_are_fixed(client_for, content, motion, enrolled, tutor,
                                       django_assert_max_num_queries):  # fmt: skip
    states = _state_users(enrolled, tutor, motion)
    people = [enrolled() for _ in range(4)]
    url = debate_path(content)
    grow_debate(motion, arguments=1, people=people)
    clients = {state: client_for(user) for state, (user, _) in states.items()}
    for state, (_, limit) in states.items():
        with django_assert_max_num_queries(limit):
            assert clients[state].get(url).status_code == 200, state
    grow_debate(motion, arguments=199, people=people)
    hidden = Argument.objects.filter(parent__isnull=True).first()
    services.argument_hide(argument=hidden, by=tutor, reason="Test")
    for state, (_, limit) in states.items():
        with django_assert_max_num_queries(limit):
            response = clients[state].get(url + "?sort=endorsed")
            assert response.status_code == 200, state
        if state != "before":
            html = response.content.decode()
            assert html.count('class="argument-thread mb-3"') == THREADS_PER_PAGE


MANAGE_QUERIES = 10  # with the trainee's cohort


def test_manage_page_queries_are_fixed(client_for, content, motion, enrolled,
                                       django_assert_max_num_queries):  # fmt: skip
    ada = enrolled()
    record(ada, motion)
    argument = argue(ada, motion)
    url = debate_path(content, name="manage", pk=argument.pk)
    client = client_for(ada)
    with django_assert_max_num_queries(MANAGE_QUERIES):
        assert client.get(url).status_code == 200
    grow_debate(motion, arguments=50, people=[enrolled() for _ in range(3)])
    replier = enrolled()
    record(replier, motion)
    for _ in range(20):
        argue(replier, motion, parent=argument, text="A reply.")
    with django_assert_max_num_queries(MANAGE_QUERIES):
        assert client.get(url).status_code == 200


ENDORSE_HTMX_QUERIES = 18  # incl. 3 savepoints; the cohort; the service re-checks the rules


def test_endorse_queries_are_fixed(client_for, content, motion, enrolled,
                                   django_assert_max_num_queries):  # fmt: skip
    ada, bo = enrolled(), enrolled()
    record(ada, motion)
    record(bo, motion)
    argument = argue(ada, motion)
    client = client_for(bo)
    client.get(debate_path(content))
    url = debate_path(content, name="endorse", pk=argument.pk)
    with django_assert_max_num_queries(ENDORSE_HTMX_QUERIES):
        post(client, url, {"action": "endorse"}, HTTP_HX_REQUEST="true")
    grow_debate(motion, arguments=100, people=[enrolled() for _ in range(3)])
    with django_assert_max_num_queries(ENDORSE_HTMX_QUERIES):
        post(client, url, {"action": "withdraw"}, HTTP_HX_REQUEST="true")
