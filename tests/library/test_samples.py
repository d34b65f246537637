"""Sample articles: an admin marks them; a visitor on a gated article is offered them next
to "Sign in", reads them whole signed out, and finds them listed in the library."""

import re

import pytest
from django.urls import reverse

from library.models import Article
from tests.library.factories import make_article, members_marker

pytestmark = pytest.mark.django_db

SAMPLES = "/library/samples/"


def gate_actions(html: str) -> str:
    match = re.search(
        r'<div class="d-flex flex-wrap gap-2" id="gate-actions">.*?</div>', html, re.S
    )
    return match.group(0) if match else ""


def test_visitor_on_a_gated_article_is_offered_samples_beside_sign_in(client):
    gated = make_article(slug="gated", sections=2, references=0)
    make_article(slug="free", sample=True, sections=1, references=0)
    html = client.get(gated.get_absolute_url()).content.decode()
    actions = gate_actions(html)
    assert re.search(r'href="/accounts/login/\?next=/library/gated/"[^>]*>.*Sign in</a>', actions)
    assert f'href="{SAMPLES}"' in actions and "Read sample articles</a>" in actions
    assert "or read a sample article in full without an account" in html
    # Each section's notice offers them too.
    assert html.count(f'<a href="{SAMPLES}">read sample articles</a>') == 2


def test_no_link_to_an_empty_list_of_samples(client):
    """Until an admin marks a sample there is nothing to read: "Sign in" alone, no dead end."""
    gated = make_article(slug="gated", sections=2, references=0)
    make_article(slug="draft-sample", sample=True, published=False, sections=1, references=0)
    html = client.get(gated.get_absolute_url()).content.decode()
    assert "Sign in</a>" in gate_actions(html)
    assert SAMPLES not in html.split("<main")[1]


def test_members_are_not_offered_samples(client_for, trainee):
    gated = make_article(slug="gated", sections=2, references=0)
    make_article(slug="free", sample=True, sections=1, references=0)
    html = client_for(trainee).get(gated.get_absolute_url()).content.decode()
    assert "gate-actions" not in html and "Read sample articles" not in html


def test_a_visitor_reads_a_sample_whole_and_finds_the_others(client):
    sample = make_article(slug="free", sample=True, sections=3, references=1)
    html = client.get(sample.get_absolute_url()).content.decode()
    for position in (1, 2, 3):
        assert members_marker(sample, position) in html
    assert "gate-notice" not in html and "Preview</span>" not in html
    assert f'<a href="{SAMPLES}">More sample articles</a>' in html


@pytest.mark.parametrize("who", ["visitor", "trainee", "staff"])
def test_the_samples_list_shows_published_samples_only(who, client_for, trainee, admin_user):
    user = {"visitor": None, "trainee": trainee, "staff": admin_user}[who]
    make_article(slug="free-one", sample=True, sections=1, references=0)
    make_article(slug="free-two", sample=True, sections=1, references=0)
    make_article(slug="gated", sections=1, references=0)
    draft = make_article(slug="draft-sample", sample=True, published=False, sections=1)
    client = client_for(user)
    response = client.get(SAMPLES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Free One" in html and "Free Two" in html and "Gated" not in html
    assert html.count("Sample</span>") == (3 if who == "staff" else 2)
    assert "free to read in full" in html
    assert ("Draft Sample" in html) is (who == "staff")
    expected = 200 if who == "staff" else 404
    assert client.get(draft.get_absolute_url()).status_code == expected


def test_the_library_says_which_articles_are_samples(client):
    make_article(slug="free", sample=True, sections=1, references=0)
    make_article(slug="gated", sections=2, references=0)
    html = client.get("/library/").content.decode()
    cards = dict(re.findall(r'<a href="/library/([\w-]+)/">.*?</h2>(.*?)</article>', html, re.S))
    assert "Free to read in full." in cards["free"]
    assert "2 of 2 sections continue for members." in cards["gated"]
    free_heading = re.search(r'id="article-\d+-title".*?/library/free/.*?</h2>', html, re.S)
    assert "Sample</span>" in free_heading.group(0)
    assert f'href="{SAMPLES}"' in html  # the "Sample articles" view of the library


SAMPLES_QUERIES = 3


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_samples_list_query_count_fixed(role, client_for, trainee, django_assert_max_num_queries):
    client = client_for(trainee if role == "member" else None)
    limit = SAMPLES_QUERIES + (2 if role == "member" else 0)
    for i in range(2):
        make_article(slug=f"s{i}", sample=True, sections=2, references=1)
    with django_assert_max_num_queries(limit):
        assert client.get(SAMPLES).status_code == 200
    for i in range(2, 30):
        make_article(slug=f"s{i}", sample=True, sections=3, references=1)
        make_article(slug=f"g{i}", sections=1, references=0)
    with django_assert_max_num_queries(limit):
        page = client.get(SAMPLES)
    assert page.content.decode().count("card-title") == 20  # paginated
    assert client.get(SAMPLES, {"page": 2}).content.decode().count("card-title") == 10


# -- the admin marks them -------------------------------------------------------------------


def admin_post(client, data: dict):
    client.get(reverse("admin:library_article_changelist"))
    data = {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    return client.post(reverse("admin:library_article_changelist"), data, follow=True)


def test_admin_marks_and_unmarks_samples_with_an_action(client_for, admin_user, client):
    gated = make_article(slug="gated", sections=1, references=0)
    other = make_article(slug="other", sections=1, references=0)
    admin = client_for(admin_user)
    page = admin.get(reverse("admin:library_article_changelist")).content.decode()
    assert "only once a published article is a sample" in page

    response = admin_post(admin, {"action": "mark_as_samples", "_selected_action": [other.pk]})
    assert "1 article is now a sample" in response.content.decode()
    assert "only once a published article is a sample" not in response.content.decode()
    assert list(Article.objects.samples()) == [other]
    assert members_marker(other, 1) in client.get(other.get_absolute_url()).content.decode()
    assert "Read sample articles" in client.get(gated.get_absolute_url()).content.decode()

    admin_post(admin, {"action": "unmark_as_samples", "_selected_action": [other.pk]})
    assert not Article.objects.samples().exists()
    assert members_marker(other, 1) not in client.get(other.get_absolute_url()).content.decode()


def test_only_staff_reach_the_article_admin(client_for, trainee, client):
    url = reverse("admin:library_article_changelist")
    assert client.get(url).status_code == 302
    assert client_for(trainee).get(url).status_code in (302, 403)
