"""Claims, feedback rounds, decisions, the version guard on both sides, and what the
trainee sees of it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from modules.models import LearningOutcome, Tutor
from notifications.models import Kind, Notification
from reflections import services
from reflections.models import Feedback, Reflection
from reflections.review import rounds_of


@pytest.fixture
def colleague(make_user, content):
    """A second tutor of the same module (the course's second Tutor profile)."""
    user = make_user(role="tutor", name="Colin Colleague")
    profile = Tutor.objects.filter(modules=content).exclude(slug="gillian-tober").first()
    profile.user = user
    profile.save()
    return user


def _send(client, reflection, **data):
    payload = {"text": "", "decision": "reviewed", "version": reflection.version, **data}
    return client.post(reverse("review:detail", args=[reflection.pk]), payload)


# --- claims -------------------------------------------------------------------------------


def test_claim_shows_colleagues_it_is_taken_and_lapses_after_a_day(
    poster, tutor, colleague, submitted
):
    reflection = submitted()
    poster(tutor).post(reverse("review:claim", args=[reflection.pk]))
    reflection.refresh_from_db()
    assert reflection.claimed_by == tutor and reflection.claim_is_active
    html = poster(colleague).get(reverse("review:queue")).content.decode()
    assert f"Claimed by {tutor.get_full_name()}" in html
    with pytest.raises(services.ReviewRefused, match="claimed this reflection"):
        services.review_claim(reflection=reflection, by=colleague)
    response = poster(colleague).post(reverse("review:claim", args=[reflection.pk]), follow=True)
    assert "claimed this reflection" in response.content.decode()
    # A day later the claim has lapsed and the colleague may take it.
    Reflection.objects.filter(pk=reflection.pk).update(
        claimed_at=timezone.now() - timedelta(hours=24, minutes=1)
    )
    services.review_claim(reflection=reflection, by=colleague)
    reflection.refresh_from_db()
    assert reflection.claimed_by == colleague


def test_release_gives_up_only_ones_own_claim(poster, tutor, colleague, submitted):
    reflection = submitted()
    services.review_claim(reflection=reflection, by=tutor)
    poster(colleague).post(reverse("review:release", args=[reflection.pk]))
    reflection.refresh_from_db()
    assert reflection.claimed_by == tutor
    poster(tutor).post(reverse("review:release", args=[reflection.pk]))
    reflection.refresh_from_db()
    assert reflection.claimed_by is None


def test_claiming_a_decided_reflection_is_refused(tutor, submitted):
    reflection = submitted()
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="", decision="reviewed",
        expected_version=reflection.version,
    )  # fmt: skip
    with pytest.raises(services.ReviewRefused, match="not waiting for review"):
        services.review_claim(reflection=reflection, by=tutor)


# --- a decision -------------------------------------------------------------------------


def test_reviewed_with_outcomes_in_one_service_call(poster, tutor, trainee, submitted, content):
    reflection = submitted()
    services.review_claim(reflection=reflection, by=tutor)
    outcomes = list(LearningOutcome.objects.filter(module=content)[:2])
    response = _send(
        poster(tutor), reflection, text="Well **argued**.", decision="reviewed",
        outcomes=[o.pk for o in outcomes],
    )  # fmt: skip
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.status == "reviewed" and reflection.claimed_by is None
    feedback = reflection.feedback.get()
    assert feedback.tutor == tutor and feedback.decision == "reviewed"
    assert feedback.version == reflection.version
    assert set(feedback.outcomes.all()) == set(outcomes)
    notice = Notification.objects.get(recipient=trainee)
    assert notice.kind == Kind.FEEDBACK
    assert notice.url == feedback.get_absolute_url()


def test_revision_request_notifies_with_its_own_kind(tutor, trainee, submitted):
    reflection = submitted()
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="Say more about the client's view.",
        decision="revision_requested", expected_version=reflection.version,
    )  # fmt: skip
    assert Notification.objects.get(recipient=trainee).kind == Kind.REVISION_REQUESTED


def test_revision_requested_with_empty_feedback_is_a_form_error(poster, tutor, submitted):
    reflection = submitted()
    response = _send(poster(tutor), reflection, text="   ", decision="revision_requested")
    assert response.status_code == 400
    assert "Say what to revise" in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.status == "submitted" and not reflection.feedback.exists()
    with pytest.raises(ValueError):
        services.feedback_give(
            reflection=reflection, tutor=tutor, text="", decision="revision_requested",
            expected_version=reflection.version,
        )  # fmt: skip


def test_missing_decision_is_a_form_error_and_text_kept(poster, tutor, submitted):
    reflection = submitted()
    response = poster(tutor).post(
        reverse("review:detail", args=[reflection.pk]),
        {"text": "Kept words", "version": reflection.version},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose a decision" in html and "Kept words" in html


def test_outcome_of_another_module_is_refused(tutor, submitted, module_b):
    from modules.models import LearningOutcome as Outcome

    foreign = Outcome.objects.create(module=module_b, position=1, text="B outcome")
    reflection = submitted()
    with pytest.raises(ValueError):
        services.feedback_give(
            reflection=reflection, tutor=tutor, text="", decision="reviewed",
            expected_version=reflection.version, outcomes=[foreign],
        )  # fmt: skip
    reflection.refresh_from_db()
    assert reflection.status == "submitted"


# --- the version guard, both sides -------------------------------------------------------


def test_second_tutor_is_told_and_their_text_shown_back(poster, tutor, colleague, submitted):
    reflection = submitted()
    version = reflection.version
    _send(poster(tutor), reflection, text="Words of the first tutor.", decision="reviewed")
    response = _send(
        poster(colleague), reflection, text="Second tutor's careful words.",
        decision="revision_requested", version=version,
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 409
    assert "Your feedback was not sent" in html
    assert tutor.get_full_name() in html  # who came first
    assert "Second tutor&#x27;s careful words." in html  # kept in the form
    assert "Words of the first tutor." in html  # their round is on the page
    assert Feedback.objects.filter(reflection=reflection).count() == 1


def test_withdrawn_meanwhile_keeps_the_feedback(poster, tutor, trainee, submitted):
    reflection = submitted()
    version = reflection.version
    services.reflection_withdraw(reflection=reflection, by=trainee)
    response = _send(
        poster(tutor), reflection, text="Words not to lose.", decision="reviewed", version=version
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "withdrew" in html and "Words not to lose." in html
    assert "First **draft**" not in html  # the draft is private again
    assert not Feedback.objects.exists()


def test_changed_and_resubmitted_meanwhile_is_refused_with_text_kept(
    poster, tutor, trainee, submitted
):
    reflection = submitted()
    read = reflection.version
    services.reflection_withdraw(reflection=reflection, by=trainee)
    services.reflection_save(
        reflection=reflection, by=trainee, expected_version=read, title="My reflection",
        body="A rewritten text.", cpd_minutes=0,
    )  # fmt: skip
    services.reflection_submit(reflection=reflection, by=trainee)
    response = _send(poster(tutor), reflection, text="On the old text.", version=read)
    html = response.content.decode()
    assert response.status_code == 409
    assert f"you read version {read}" in html and "On the old text." in html
    assert f'name="version" value="{read + 1}"' in html  # sending again reviews the new one
    assert not Feedback.objects.exists()


def test_trainee_cannot_edit_while_a_tutor_reviews(tutor, trainee, submitted):
    reflection = submitted()
    with pytest.raises(services.NotEditableError):
        services.reflection_save(
            reflection=reflection, by=trainee, expected_version=reflection.version,
            title="x", body="y", cpd_minutes=0,
        )  # fmt: skip


# --- rounds, the diff, the trainee's side ----------------------------------------------------


def _revise(reflection, trainee, body):
    services.reflection_save(
        reflection=reflection, by=trainee, expected_version=reflection.version,
        title=reflection.title, body=body, cpd_minutes=30,
    )  # fmt: skip
    return services.reflection_submit(reflection=reflection, by=trainee)


def test_rounds_in_order_and_the_diff_between_submissions(
    poster, client_for, tutor, trainee, submitted
):
    reflection = submitted(body="Line one.\nLine two.\n<script>alert(1)</script>")
    first = reflection.version
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="Expand *line two*.",
        decision="revision_requested", expected_version=first,
    )  # fmt: skip
    _revise(reflection, trainee, "Line one.\nLine two, expanded.\n<script>alert(1)</script>")
    html = poster(tutor).get(reverse("review:detail", args=[reflection.pk])).content.decode()
    assert f"Changes since version {first}" in html
    assert '<span class="visually-hidden">Removed: </span>Line two.' in html
    assert '<span class="visually-hidden">Added: </span>Line two, expanded.' in html
    assert "<script>alert(1)</script>" not in html  # escaped in the diff, cleaned in the text
    assert "Round 1" in html and "Round 2" in html and "Waiting for review" in html
    rounds = rounds_of(Reflection.objects.get(pk=reflection.pk))
    assert [r.feedback.decision if r.feedback else None for r in rounds] == [
        "revision_requested", None]  # fmt: skip
    assert rounds[0].version.number == first
    # The trainee's page shows the round: the version, the feedback and the decision.
    mine = client_for(trainee).get(reflection.get_absolute_url()).content.decode()
    assert "Tutor feedback" in mine and "Expand <em>line two</em>." in mine
    assert "Revision requested" in mine


def test_autosave_never_rewrites_a_submitted_version(tutor, trainee, submitted):
    from reflections.models import ReflectionVersion

    reflection = submitted()
    services.reflection_withdraw(reflection=reflection, by=trainee)
    services.reflection_submit(reflection=reflection, by=trainee)
    sent = reflection.version
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="Revise.", decision="revision_requested",
        expected_version=sent,
    )  # fmt: skip
    for body in ("a", "ab"):
        services.reflection_save(
            reflection=reflection, by=trainee, expected_version=reflection.version,
            title="t", body=body, cpd_minutes=0, autosave=True,
        )  # fmt: skip
    kept = ReflectionVersion.objects.get(reflection=reflection, number=sent)
    assert kept.body == "First **draft**." and kept.submitted_at is not None


def test_feedback_is_sanitised_everywhere(client_for, tutor, trainee, submitted):
    reflection = submitted()
    services.feedback_give(
        reflection=reflection, tutor=tutor, decision="reviewed",
        text='<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))',
        expected_version=reflection.version,
    )  # fmt: skip
    for client in (client_for(trainee), client_for(tutor)):
        url = (
            reflection.get_absolute_url()
            if client is not None and client.session.get("_auth_user_id") == str(trainee.pk)
            else reverse("review:detail", args=[reflection.pk])
        )
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "onerror" not in html
        assert "javascript:alert" not in html


def test_live_preview_of_feedback_goes_through_the_sanitiser(client_for, tutor):
    client = client_for(tutor)
    client.get(reverse("review:queue"))
    response = client.post(
        reverse("reflections:preview"),
        {
            "text": "**bold** <script>x</script>",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_new_feedback_badge_filter_dashboard_and_mark_read(client_for, tutor, trainee, submitted):
    reflection = submitted(title="Needs a look")
    submitted(title="Still waiting")
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="Nice.", decision="reviewed",
        expected_version=reflection.version,
    )  # fmt: skip
    client = client_for(trainee)
    portfolio = reverse("reflections:portfolio")
    filtered = client.get(portfolio + "?status=new_feedback").content.decode()
    assert "Needs a look" in filtered and "Still waiting" not in filtered
    assert "New feedback" in client.get(portfolio).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "New tutor feedback" in dashboard
    client.get(reflection.get_absolute_url())
    token = client.cookies["csrftoken"].value
    client.post(
        reverse("reflections:feedback_seen", args=[reflection.pk]),
        {"csrfmiddlewaretoken": token},
    )
    assert "Needs a look" not in client.get(portfolio + "?status=new_feedback").content.decode()
    assert "New tutor feedback" not in client.get(reverse("dashboard")).content.decode()


def test_another_trainee_cannot_mark_feedback_read(poster, other_trainee, submitted):
    reflection = submitted()
    response = poster(other_trainee).post(
        reverse("reflections:feedback_seen", args=[reflection.pk])
    )
    assert response.status_code == 404


def test_resubmitting_marks_the_feedback_read(tutor, trainee, submitted):
    reflection = submitted()
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="Revise.", decision="revision_requested",
        expected_version=reflection.version,
    )  # fmt: skip
    _revise(reflection, trainee, "Better.")
    assert reflection.feedback.get().seen_at is not None


def test_exports_carry_the_feedback(client_for, tutor, trainee, submitted, content):
    reflection = submitted()
    outcome = LearningOutcome.objects.filter(module=content).first()
    services.feedback_give(
        reflection=reflection, tutor=tutor, text="Thoughtful and **clear**.",
        decision="reviewed", expected_version=reflection.version, outcomes=[outcome],
    )  # fmt: skip
    import io
    import zipfile

    client = client_for(trainee)
    html = client.get(reverse("reflections:export", args=["html"])).content.decode()
    assert "Tutor feedback" in html and "Thoughtful and <strong>clear</strong>." in html
    assert outcome.text in html
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("reflections:export", args=["markdown"])).content)
    )
    text = "".join(
        archive.read(n).decode() for n in archive.namelist() if not n.endswith("index.md")
    )
    assert "## Tutor feedback" in text and "> Thoughtful and **clear**." in text
    assert "Round 1: Reviewed" in text
