"""Submitting a reflection: the privacy check comes first where something may identify a
person. It asks, never blocks; nothing is submitted until the writer confirms; the text
is kept; the version guard still holds."""

import pytest
from django.urls import reverse

from modules.models import Module
from reflections.models import Reflection
from reflections.services import reflection_save

IDENTIFYING = "My client John Smith (DOB 12/03/1961) rang me on 0113 496 0000."
CLEAN = "Client A and I talked about relapse; client-centred work takes time."


def csrf_post(client, url: str, data: dict, *, page: str):
    """Post as a browser would: the token comes from the page the form is on."""
    client.get(page)
    data = {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(url, data)


def urls(reflection) -> dict[str, str]:
    pk = reflection.pk
    return {
        "detail": reverse("reflections:detail", args=[pk]),
        "edit": reverse("reflections:edit", args=[pk]),
        "submit": reverse("reflections:submit", args=[pk]),
        "check": reverse("reflections:submit_check", args=[pk]),
    }


def status_of(reflection) -> str:
    return Reflection.objects.get(pk=reflection.pk).status


# -- from the reflection page -------------------------------------------------------------


def test_findings_lead_to_the_check_and_nothing_is_submitted(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=IDENTIFYING)
    client, u = client_for(trainee), urls(reflection)
    response = csrf_post(client, u["submit"], {"version": 1}, page=u["detail"])
    assert response.status_code == 302 and response["Location"] == u["check"]
    assert status_of(reflection) == "draft"

    page = client.get(u["check"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "This reflection may identify someone" in html
    assert "We found 3 things" in html
    for label, text in [("Name", "John Smith"), ("Date of birth", "12/03/1961"),
                        ("Phone number", "0113 496 0000")]:  # fmt: skip
        assert label in html and f"<mark>{text}</mark>" in html
    assert "Submit anyway" in html and "Go back and edit" in html
    assert f'href="{u["edit"]}"' in html
    assert 'name="version" value="1"' in html and 'name="confirmed" value="1"' in html
    assert status_of(reflection) == "draft"  # reading the check changes nothing
    assert Reflection.objects.get(pk=reflection.pk).body == IDENTIFYING

    response = csrf_post(client, u["submit"], {"version": 1, "confirmed": "1"}, page=u["check"])
    assert response.status_code == 302 and response["Location"] == u["detail"]
    assert status_of(reflection) == "submitted"


def test_no_findings_submit_directly(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=CLEAN)
    client, u = client_for(trainee), urls(reflection)
    response = csrf_post(client, u["submit"], {"version": 1}, page=u["detail"])
    assert response["Location"] == u["detail"]
    assert status_of(reflection) == "submitted"


def test_a_name_in_the_title_counts_too(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, title="Working with Mrs Patel", body=CLEAN)
    client, u = client_for(trainee), urls(reflection)
    assert (
        csrf_post(client, u["submit"], {"version": 1}, page=u["detail"])["Location"] == u["check"]
    )
    html = client.get(u["check"]).content.decode()
    assert "in the title" in html and "<mark>Patel</mark>" in html


def test_confirming_a_stale_check_is_refused_with_the_text_kept(
    client_for, trainee, make_reflection
):
    """The version guard holds: confirming what was checked never submits newer words."""
    reflection = make_reflection(trainee, body=IDENTIFYING)
    client, u = client_for(trainee), urls(reflection)
    client.get(u["check"])
    reflection_save(  # another tab saves in between
        reflection=reflection,
        by=trainee,
        expected_version=1,
        title="T",
        body="Newer",
        cpd_minutes=0,
    )
    response = csrf_post(client, u["submit"], {"version": 1, "confirmed": "1"}, page=u["check"])
    assert response["Location"] == u["detail"]
    assert status_of(reflection) == "draft"
    assert Reflection.objects.get(pk=reflection.pk).body == "Newer"
    page = client.get(u["detail"]).content.decode()
    assert "Not submitted: the reflection was changed elsewhere" in page


def test_a_stale_submit_is_refused_before_any_check(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=IDENTIFYING)
    client, u = client_for(trainee), urls(reflection)
    response = csrf_post(client, u["submit"], {"version": 0}, page=u["detail"])
    assert response["Location"] == u["detail"]
    assert status_of(reflection) == "draft"


def test_a_submit_without_a_version_is_still_checked(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=IDENTIFYING)
    client, u = client_for(trainee), urls(reflection)
    assert csrf_post(client, u["submit"], {}, page=u["detail"])["Location"] == u["check"]
    assert status_of(reflection) == "draft"


# -- from the editor: "Save and submit for review" ----------------------------------------


def editor_post(client, reflection, **changes):
    data = {
        "title": reflection.title,
        "body": reflection.body,
        "cpd_minutes": 30,
        "version": reflection.version,
        "action": "submit",
        **changes,
    }
    return csrf_post(client, urls(reflection)["edit"], data, page=urls(reflection)["edit"])


def test_save_and_submit_with_findings_saves_then_asks(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body="Draft words")
    client, u = client_for(trainee), urls(reflection)
    response = editor_post(client, reflection, body=IDENTIFYING)
    assert response.status_code == 302 and response["Location"] == u["check"]
    saved = Reflection.objects.get(pk=reflection.pk)
    assert (saved.status, saved.body, saved.version) == ("draft", IDENTIFYING, 2)
    html = client.get(u["check"]).content.decode()
    assert "Your draft is saved (version 2)" in html
    assert 'name="version" value="2"' in html
    # Go back and edit: the editor holds the text as saved.
    assert "John Smith (DOB 12/03/1961)" in client.get(u["edit"]).content.decode()
    csrf_post(client, u["submit"], {"version": 2, "confirmed": "1"}, page=u["check"])
    assert status_of(reflection) == "submitted"


def test_save_and_submit_without_findings_submits(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee)
    client, u = client_for(trainee), urls(reflection)
    response = editor_post(client, reflection, body=CLEAN)
    assert response["Location"] == u["detail"]
    saved = Reflection.objects.get(pk=reflection.pk)
    assert (saved.status, saved.body) == ("submitted", CLEAN)


# -- who may see the check -----------------------------------------------------------------


def test_check_page_ladder(client_for, trainee, other_trainee, tutor, make_reflection):
    reflection = make_reflection(trainee, body=IDENTIFYING)
    url = urls(reflection)["check"]
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(other_trainee).get(url).status_code == 404
    assert client_for(tutor).get(url).status_code == 404
    assert client_for(trainee).get(url).status_code == 200
    assert (
        client_for(trainee).get(reverse("reflections:submit_check", args=[99999])).status_code
        == 404
    )
    # Others cannot submit it either, confirmed or not.
    for intruder in (other_trainee, tutor):
        client = client_for(intruder)
        client.get("/")
        token = client.cookies["csrftoken"].value
        response = client.post(
            urls(reflection)["submit"],
            {"version": 1, "confirmed": "1", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 404
    assert status_of(reflection) == "draft"


def test_check_page_of_a_submitted_reflection_goes_back_to_it(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=CLEAN)
    client, u = client_for(trainee), urls(reflection)
    csrf_post(client, u["submit"], {"version": 1}, page=u["detail"])
    response = client.get(u["check"])
    assert response.status_code == 302 and response["Location"] == u["detail"]


def test_check_page_when_nothing_is_found(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=CLEAN)
    html = client_for(trainee).get(urls(reflection)["check"]).content.decode()
    assert "We found nothing" in html and "Submit for review" in html
    assert "<mark>" not in html


def test_submit_needs_csrf(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=CLEAN)
    response = client_for(trainee).post(urls(reflection)["submit"], {"version": 1})
    assert response.status_code == 403
    assert status_of(reflection) == "draft"


@pytest.mark.parametrize("size", [1, 60])
def test_check_page_query_count(size, client_for, trainee, make_reflection,
                                django_assert_max_num_queries):  # fmt: skip
    body = "\n\n".join([IDENTIFYING] * size)
    reflection = make_reflection(trainee, body=body)
    client = client_for(trainee)
    with django_assert_max_num_queries(3):
        response = client.get(urls(reflection)["check"])
    assert response.content.decode().count("<mark>") == 3 * size


@pytest.mark.parametrize("size", [1, 60])
def test_submit_query_count(size, client_for, trainee, make_reflection,
                            django_assert_max_num_queries):  # fmt: skip
    reflection = make_reflection(trainee, body="\n\n".join([IDENTIFYING] * size))
    client, u = client_for(trainee), urls(reflection)
    client.get(u["detail"])
    token = client.cookies["csrftoken"].value
    with django_assert_max_num_queries(3):
        response = client.post(u["submit"], {"version": 1, "csrfmiddlewaretoken": token})
    assert response["Location"] == u["check"]
    # The conditional update, the version sent marked, and the PDF layout job queued with
    # them, in a transaction.
    with django_assert_max_num_queries(8):
        response = client.post(
            u["submit"], {"version": 1, "confirmed": "1", "csrfmiddlewaretoken": token}
        )
    assert response["Location"] == u["detail"] and status_of(reflection) == "submitted"


# -- a reflection about no module has no tutor to review it --------------------------------


def test_a_reflection_about_no_module_cannot_be_submitted(client_for, trainee, make_reflection):
    reflection = make_reflection(trainee, body=CLEAN, with_task=False)
    assert reflection.module_id is None
    client, u = client_for(trainee), urls(reflection)
    page = client.get(u["detail"]).content.decode()
    assert "Submit for review" not in page and "choose the module it is about" in page
    response = csrf_post(client, u["submit"], {"version": 1, "confirmed": "1"}, page=u["detail"])
    assert response["Location"] == u["detail"]
    assert "this one is not about a module" in client.get(u["detail"]).content.decode()
    assert status_of(reflection) == "draft"
    # Once it names its module, it goes to that module's tutors.
    Reflection.objects.filter(pk=reflection.pk).update(module=Module.objects.first())
    assert "Submit for review" in client.get(u["detail"]).content.decode()
    csrf_post(client, u["submit"], {"version": 1, "confirmed": "1"}, page=u["detail"])
    assert status_of(reflection) == "submitted"
