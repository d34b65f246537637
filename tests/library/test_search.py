"""Search over the library and the modules: the gate holds in matches and in snippets."""

import re

import pytest
from django.urls import reverse

from library.models import Article, ArticleSection
from library.search import make_snippet, query_terms
from tests.factories import grow_module
from tests.library.factories import make_article, members_marker, public_marker

pytestmark = pytest.mark.django_db
SEARCH = reverse("library:search")


def search(client, q, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return response


def results(response) -> str:
    html = response.content.decode()
    found = re.search(r'<section aria-labelledby="results-title">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_visitor_finds_public_parts_but_never_members_parts(client, client_for, trainee):
    article = make_article(slug="gated", sections=2)
    public = results(search(client, public_marker(article, 1)))
    assert article.title in public and "<mark>" in public
    assert members_marker(article, 1) not in public

    # A word only in a members' part: no result, no quote, for a visitor.
    hidden = search(client, members_marker(article, 2))
    assert "No results" in results(hidden)
    assert "search-results" not in hidden.content.decode()  # the query is echoed, nothing quoted
    # Words in both parts: the snippet quotes the public part only.
    both = results(search(client, "ground"))
    assert "Common" in both and "Hidden" not in both

    member = results(search(client_for(trainee), members_marker(article, 2)))
    assert article.title in member
    assert f"<mark>{members_marker(article, 2)}</mark>" in member


def test_sample_article_members_parts_are_searchable_by_visitors(client):
    article = make_article(slug="free", sample=True, sections=1)
    found = results(search(client, members_marker(article, 1)))
    assert f"<mark>{members_marker(article, 1)}</mark>" in found


def test_unpublished_article_is_not_found_except_by_staff(client, client_for, admin_user):
    article = make_article(slug="draft", published=False, sections=1)
    assert "No results" in results(search(client, public_marker(article, 1)))
    assert article.title in results(search(client_for(admin_user), public_marker(article, 1)))


def test_module_content_search_respects_sign_in(client, client_for, trainee, content):
    # "study group" is in task instructions, which need sign-in.
    visitor = results(search(client, "study group discussion"))
    member = results(search(client_for(trainee), "study group discussion"))
    assert "Task</span>" not in visitor
    assert "Task</span>" in member
    assert "/topics/1/tasks/3/" in member
    # Topic titles and the module overview are public.
    assert "Topic One - Motivational interviewing" in results(search(client, "motivational"))
    assert "Module</span>" in results(search(client, "psycho-social"))


def test_the_barron_article_is_found_with_its_sections(client, content):
    found = results(search(client, "peer-support"))
    assert "Psychosocial interventions" in found
    article = Article.objects.get(slug="psychosocial-interventions")
    procedure = ArticleSection.objects.get(article=article, slug="procedure")
    assert f'href="{procedure.get_absolute_url()}"' in found.replace("&amp;", "&")


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word or two to search for."),
        ("   ", "Type a word or two to search for."),
        ("?!* -- ''", "Type at least one word"),
        ("x" * 201, "Search for at most 200 characters"),
    ],
)
def test_empty_or_oversized_query_gets_a_clear_message(client, q, message):
    response = search(client, q)
    html = response.content.decode()
    assert message in html
    assert "invalid-feedback" in html
    assert "results-title" not in html


def test_search_page_without_a_query_shows_just_the_form(client):
    html = client.get(SEARCH).content.decode()
    assert 'name="q"' in html and "invalid-feedback" not in html and "results-title" not in html


def test_odd_input_never_fails(client, content):
    for q in [
        "the",
        "a the of",
        "'; DROP TABLE x; --",
        "a\\b",
        "(((",
        "[x]",
        "émigré",
        "%_%",
        "\u0000x",
    ]:
        assert client.get(SEARCH, {"q": q}).status_code in (200,)
    for page in ["0", "-1", "abc", "99999"]:
        assert search(client, "psychosocial", page=page).status_code == 200


def test_results_are_paginated(client):
    for i in range(25):
        make_article(slug=f"a{i:02}", sections=1, references=0)
    first = search(client, "common")
    assert "25 results" in results(first)
    assert results(first).count("card-title") == 20
    assert "Page 1 of 2" in first.content.decode()
    second = search(client, "common", page=2)
    assert results(second).count("card-title") == 5
    assert "?q=common&amp;page=1" in second.content.decode()


def test_snippet_marks_terms_and_escapes_text():
    snippet = str(
        make_snippet(["<b>Hello</b> & the **motivational** interviewing world"], ["motivational"])
    )
    assert "<mark>motivational</mark>" in snippet
    assert "<b>" not in snippet and "&amp;" in snippet
    long = "word " * 100 + "target here " + "tail " * 100
    cut = str(make_snippet([long], ["target"]))
    assert cut.startswith("… ") and cut.endswith(" …") and "<mark>target</mark>" in cut
    assert len(cut) < 260
    assert query_terms("Peer peer SUPPORT, support!") == ["peer", "support"]


SEARCH_QUERIES_VISITOR = 4
SEARCH_QUERIES_MEMBER = 7


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_search_query_count_fixed(
    role, client_for, trainee, content, django_assert_max_num_queries
):
    client = client_for(trainee if role == "member" else None)
    limit = SEARCH_QUERIES_MEMBER if role == "member" else SEARCH_QUERIES_VISITOR
    for i in range(3):
        make_article(slug=f"a{i}", sections=3, references=1)
    with django_assert_max_num_queries(limit):
        small = search(client, "task")
    for i in range(3, 40):
        make_article(slug=f"a{i}", sections=6, references=1)
    grow_module(content, extra=5)
    with django_assert_max_num_queries(limit):
        large = search(client, "task")
    assert results(large).count("card-title") == 20
    assert results(small).count("card-title") < 20
