"""Findings 2 and 3: every id a person can send is parsed (a 404, or an error beside the
field), never a ValueError or an OverflowError (a 500), on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from modules.models import LearningOutcome
from portal.ids import parse_id
from reflections.models import Feedback, Reflection

from .helpers import browser, post

HUGE = str(10**30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("0", 0), ("9" * 18, int("9" * 18)), ("9" * 19, None), (HUGE, None),
     ("", None), ("abc", None), ("-1", None), (" 1", None), ("1\n", None), ("²", None),
     ("١٢", None), (None, None), (7, 7)],
)  # fmt: skip
def test_parse_id_takes_ascii_digits_that_fit_a_bigint(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "data",
    [
        {"reflection": "abc", "group": "1"},
        {"reflection": "1", "group": "xyz"},
        {"reflection": HUGE, "group": HUGE},
        {"reflection": "²", "group": "²"},
    ],
)
def test_finding_2_share_from_a_reflection_with_ids_that_are_not_ids(ann, group, data):
    response = post(browser(ann), reverse("studygroups:share_reflection"), data)
    assert response.status_code == 404


def test_finding_2_share_with_a_foreign_group_id_says_choose(ann, group, cat, structures):
    from reflections.services import reflection_create

    reflection = reflection_create(author=ann, title="Mine", body="Text.")
    response = post(
        browser(ann),
        reverse("studygroups:share_reflection"),
        {"reflection": reflection.pk, "group": "not-a-number"},
    )
    assert response.status_code == 302 and response["Location"] == reflection.get_absolute_url()


@pytest.mark.parametrize(
    "path",
    [
        f"/groups/{HUGE}/",
        f"/groups/{HUGE}/settings/",
        f"/groups/{HUGE}/meetings/{HUGE}/",
        f"/groups/1/meetings/{HUGE}/calendar.ics",
        f"/groups/invitations/{HUGE}/",
        f"/portfolio/{HUGE}/",
        f"/review/{HUGE}/",
        f"/modules/psycho-social-interventions/topics/{HUGE}/",
        f"/modules/psycho-social-interventions/topics/{HUGE}/debate/",
        f"/notifications/{HUGE}/read/",
    ],
)
def test_finding_3_an_id_too_long_for_the_database_is_a_404(ann, group, path):
    assert browser(ann).get(path).status_code == 404


def test_finding_3_review_with_an_outcome_id_too_long_is_a_form_error(
    tutor, trainee, submitted, content
):
    reflection = submitted(trainee)
    for outcomes in (HUGE, "abc", "²"):
        response = post(
            browser(tutor),
            reverse("review:detail", args=[reflection.pk]),
            {"text": "Good.", "decision": "reviewed", "version": reflection.version,
             "outcomes": [outcomes]},
        )  # fmt: skip
        assert response.status_code == 400, outcomes
        assert "Select a valid choice" in response.content.decode()
    assert not Feedback.objects.exists()
    assert Reflection.objects.get(pk=reflection.pk).status == Reflection.Status.SUBMITTED
    # A real outcome still goes through.
    outcome = LearningOutcome.objects.filter(module=content).first()
    response = post(
        browser(tutor),
        reverse("review:detail", args=[reflection.pk]),
        {"text": "Good.", "decision": "reviewed", "version": reflection.version,
         "outcomes": [outcome.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert list(Feedback.objects.get().outcomes.all()) == [outcome]


def test_finding_3_other_posted_ids_too_long(ann, structures):
    from reflections.services import reflection_create

    reflection = reflection_create(author=ann, title="Mine", body="Text.")
    client = browser(ann)
    restore = reverse("reflections:restore", args=[reflection.pk, 1])
    assert post(client, restore, {"version": HUGE}).status_code < 500
    new = reverse("reflections:new")
    assert client.get(new, {"task": HUGE}).status_code == 404
    assert client.get(new, {"task": "²"}).status_code == 404
