"""Who may see the review pages: the ladder for each, the tutor rule, and 404s."""

import pytest
from django.urls import reverse

from modules.models import Tutor


def _pages(reflection, module):
    return {
        "queue": reverse("review:queue"),
        "detail": reverse("review:detail", args=[reflection.pk]),
        "cohort": reverse("review:cohort", args=[module.slug]),
        "csv": reverse("review:cohort_csv", args=[module.slug]),
    }


def test_signed_out_is_sent_to_sign_in(client, submitted, content):
    for url in _pages(submitted(), content).values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_tutor_of_the_module_sees_every_page(client_for, tutor, submitted, content):
    client = client_for(tutor)
    for name, url in _pages(submitted(), content).items():
        assert client.get(url).status_code == 200, name


def test_trainee_gets_404_on_every_review_page(client_for, trainee, submitted, content):
    client = client_for(trainee)
    for name, url in _pages(submitted(), content).items():
        assert client.get(url).status_code == 404, name


def test_staff_are_not_tutors_unless_linked(client_for, admin_user, submitted, content):
    client = client_for(admin_user)
    for name, url in _pages(submitted(), content).items():
        assert client.get(url).status_code == 404, name


def test_tutors_group_alone_does_not_make_a_tutor(client_for, make_user, submitted, content):
    in_group_only = make_user(role="tutor")  # in the Tutors group, no linked profile
    client = client_for(in_group_only)
    for name, url in _pages(submitted(), content).items():
        assert client.get(url).status_code == 404, name


def test_linked_profile_without_modules_tutors_nothing(client_for, make_user, submitted, content):
    user = make_user(role="tutor")
    Tutor.objects.create(name="Nobody's", slug="nobody", role_line="x", user=user)
    client = client_for(user)
    for name, url in _pages(submitted(), content).items():
        assert client.get(url).status_code == 404, name


def test_tutor_of_module_a_gets_404_for_module_b(
    client_for, tutor, content, module_b, b_reflection
):
    client = client_for(tutor)
    pages = _pages(b_reflection, module_b)
    assert client.get(pages["detail"]).status_code == 404
    assert client.get(pages["cohort"]).status_code == 404
    assert client.get(pages["csv"]).status_code == 404
    for action in ("claim", "release"):
        url = reverse(f"review:{action}", args=[b_reflection.pk])
        assert client_for(tutor).post(url).status_code in (403, 404)
    queue = client.get(pages["queue"]).content.decode()
    assert "In module B" not in queue


def test_tutor_of_module_b_cannot_decide_module_a(client_for, poster, module_b, submitted):
    reflection = submitted()
    response = poster(module_b.tutor_user).post(
        reverse("review:detail", args=[reflection.pk]),
        {"text": "x", "decision": "reviewed", "version": reflection.version},
    )
    assert response.status_code == 404
    reflection.refresh_from_db()
    assert reflection.status == "submitted"


def test_a_draft_is_never_shown_to_a_tutor(client_for, tutor, trainee, task, structures):
    from reflections.services import reflection_create

    draft = reflection_create(
        author=trainee, title="Private", task=task, template=structures["free"]
    )
    assert client_for(tutor).get(reverse("review:detail", args=[draft.pk])).status_code == 404
    assert "Private" not in client_for(tutor).get(reverse("review:queue")).content.decode()


def test_a_draft_shared_with_tutors_is_readable_not_decidable(
    client_for, tutor, trainee, task, structures
):
    from reflections.models import Reflection
    from reflections.services import reflection_create

    draft = reflection_create(
        author=trainee, title="Shared", task=task, template=structures["free"]
    )
    Reflection.objects.filter(pk=draft.pk).update(shared_with_tutor=True)
    html = client_for(tutor).get(reverse("review:detail", args=[draft.pk])).content.decode()
    assert "shared this draft with tutors" in html
    assert 'id="feedback-form"' not in html


@pytest.mark.parametrize("name", ["claim", "release"])
def test_claim_needs_csrf(client_for, tutor, submitted, name):
    reflection = submitted()
    response = client_for(tutor).post(reverse(f"review:{name}", args=[reflection.pk]))
    assert response.status_code == 403


def test_feedback_needs_csrf(client_for, tutor, submitted):
    reflection = submitted()
    response = client_for(tutor).post(
        reverse("review:detail", args=[reflection.pk]),
        {"text": "Good", "decision": "reviewed", "version": reflection.version},
    )
    assert response.status_code == 403
    reflection.refresh_from_db()
    assert reflection.status == "submitted"


def test_header_shows_review_link_with_count_to_tutors_only(
    client_for, tutor, trainee, submitted, content
):
    submitted()
    submitted(title="Second")
    html = client_for(tutor).get(reverse("dashboard")).content.decode()
    assert 'href="/review/"' in html
    assert '2<span class="visually-hidden"> reflections waiting' in html
    assert 'href="/review/"' not in client_for(trainee).get(reverse("dashboard")).content.decode()
    assert 'href="/review/"' in client_for(tutor).get(reverse("library:index")).content.decode()
