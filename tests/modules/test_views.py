import pytest
from django.urls import reverse

from tests.factories import grow_module, make_module


def test_home_lists_the_catalogue(client, content):
    html = client.get("/").content.decode()
    assert "Psycho-social interventions" in html
    assert "Talking to People" in html
    assert "Not offered on this portal yet" in html


def test_overview_is_public_with_all_its_parts(client, content):
    response = client.get(content.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Introduction", "How it works", "Meet your tutors", "Your learning outcomes",
        "Dr Gillian Tober", "Dr Duncan Raistrick", "Topic One - Motivational interviewing",
        "Talking to People", "Prerequisite",
    ]:  # fmt: skip
        assert text in html, text
    # a visitor is invited to sign in rather than given links into topics
    assert reverse("topics:detail", args=[content.slug, 1]) not in html


def test_not_offered_module_says_so(client, content):
    html = client.get("/modules/talking-to-people/").content.decode()
    assert "not offered on this portal yet" in html


@pytest.mark.django_db
def test_unpublished_module_is_404_except_for_staff(client_for, trainee, admin_user):
    module = make_module(slug="draft-module", published=False)
    assert client_for(None).get(module.get_absolute_url()).status_code == 404
    assert client_for(trainee).get(module.get_absolute_url()).status_code == 404
    assert client_for(admin_user).get(module.get_absolute_url()).status_code == 200
    assert "draft-module" not in client_for(None).get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["nope", "a" * 300, "%00", "x.y"])
def test_unknown_module_is_404(client, slug):
    assert client.get(f"/modules/{slug}/").status_code == 404


def _overview_queries(client, module, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(module.get_absolute_url()).status_code == 200


OVERVIEW_QUERIES_ANON = 5
HOME_QUERIES = 1


def test_overview_query_count_fixed(client, content, django_assert_max_num_queries):
    _overview_queries(client, content, django_assert_max_num_queries, OVERVIEW_QUERIES_ANON)
    grow_module(content, extra=6)
    _overview_queries(client, content, django_assert_max_num_queries, OVERVIEW_QUERIES_ANON)


def test_home_query_count_fixed(client, content, django_assert_max_num_queries):
    with django_assert_max_num_queries(HOME_QUERIES):
        client.get("/")
    for i in range(8):
        make_module(slug=f"extra-{i}")
    with django_assert_max_num_queries(HOME_QUERIES):
        html = client.get("/").content.decode()
    assert "Extra 7" in html


def test_overview_query_count_signed_in(
    client_for, trainee, content, django_assert_max_num_queries
):
    client = client_for(trainee)
    # + session, user, the trainee's enrolments (this module and its prerequisites), their
    # study groups in the module, and (not enrolled) the module's cohorts to enrol in
    with django_assert_max_num_queries(OVERVIEW_QUERIES_ANON + 5) as ctx:
        client.get(content.get_absolute_url())
    first = len(ctx.captured_queries)
    grow_module(content, extra=6)
    with django_assert_max_num_queries(first):
        client.get(content.get_absolute_url())
