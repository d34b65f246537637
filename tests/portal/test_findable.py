"""Findable pages: robots.txt, the sitemap, meta descriptions and Open Graph tags."""

import re
from html import unescape

import pytest
from django.urls import reverse

from library.models import Article
from tests.factories import make_module
from tests.library.factories import make_article


def robots_allows(robots: str, path: str) -> bool:
    """Google's reading of robots.txt for ``*``: the longest matching rule wins, Allow
    over Disallow on a tie; ``*`` matches anything and ``$`` ends the path."""
    best = (-1, True)
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        field, value = field.strip().lower(), value.strip()
        if field not in ("allow", "disallow") or not value:
            continue
        pattern = re.escape(value).replace(r"\*", ".*").replace(r"\$", "$")
        if re.match(pattern, path):
            rank = (len(value), field == "allow")
            if rank > best:
                best = rank
    return best[1]


def meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    assert match, f"no {name} meta tag"
    return unescape(match.group(1))


@pytest.fixture
def robots(client, content):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_robots_opens_the_public_pages(robots, content):
    article = Article.objects.published().first()
    for path in [
        "/",
        content.get_absolute_url(),
        reverse("library:index"),
        reverse("library:samples"),
        article.get_absolute_url(),
        reverse("account_signup"),
        "/static/css/site.css",
        "/sitemap.xml",
    ]:
        assert robots_allows(robots, path), path
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_robots_keeps_signed_in_areas_feeds_and_exports_out(robots, content):
    slug = content.slug
    for path in [
        "/dashboard/",
        "/portfolio/",
        "/portfolio/1/",
        "/portfolio/export/pdf/",
        "/portfolio/export/markdown/",
        f"/modules/{slug}/topics/1/",
        f"/modules/{slug}/topics/1/tasks/1/",
        f"/modules/{slug}/topics/1/debate/",
        f"/modules/{slug}/timetable/",
        f"/modules/{slug}/timetable/calendar.ics",
        f"/modules/{slug}/timetable/feed/abc123.ics",
        f"/modules/{slug}/enrol/",
        "/accounts/profile/",
        "/accounts/profile/my-data/",
        "/library/search/?q=alcohol",
        "/admin/",
        # Areas that do not exist yet are closed until they are added to the sitemap.
        "/groups/",
        "/review/",
    ]:
        assert not robots_allows(robots, path), path


@pytest.mark.django_db
def test_robots_and_sitemap_leave_out_unpublished_content(client):
    make_module(slug="draft-module", published=False)
    make_article(slug="draft-article", published=False)
    make_module(slug="live-module")
    robots = client.get("/robots.txt").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert robots_allows(robots, "/modules/live-module/")
    assert "/modules/live-module/" in sitemap
    for path in ("/modules/draft-module/", "/library/draft-article/"):
        assert not robots_allows(robots, path)
        assert path not in sitemap


def test_sitemap_lists_the_public_pages(client, content):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locations = re.findall(r"<loc>http://testserver([^<]*)</loc>", xml)
    assert "/" in locations
    assert content.get_absolute_url() in locations
    assert reverse("library:index") in locations
    for article in Article.objects.published():
        assert article.get_absolute_url() in locations
    assert not any("/topics/" in path or "/portfolio/" in path for path in locations)


def test_robots_and_sitemap_refuse_writes(client, content):
    assert client.post("/robots.txt").status_code == 405


@pytest.mark.django_db
def test_robots_and_sitemap_query_counts_stay_fixed(client, django_assert_max_num_queries):
    for size in (1, 6):
        for n in range(size):
            make_module(slug=f"module-{size}-{n}")
            make_article(slug=f"article-{size}-{n}", sections=1, references=0)
        with django_assert_max_num_queries(2):
            assert client.get("/robots.txt").status_code == 200
        # The sitemap view counts, then reads, each of the two lists of rows.
        with django_assert_max_num_queries(4):
            assert client.get("/sitemap.xml").status_code == 200


def test_module_overview_describes_itself_from_its_summary(client, content):
    html = client.get(content.get_absolute_url()).content.decode()
    description = meta(html, "name", "description")
    # The seed's summary is longer than a search result shows: cut at a word, marked.
    summary = " ".join(content.summary.split())
    assert len(description) <= 160
    assert description.endswith("…")
    assert summary.startswith(description[:-1])
    assert summary[len(description) - 1] in " ,.;:"
    assert meta(html, "property", "og:title") == content.title
    assert meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:url") == f"http://testserver{content.get_absolute_url()}"


@pytest.mark.django_db
def test_article_describes_itself_from_its_standfirst_as_plain_text(client):
    article = make_article(slug="on-change", sections=1)
    html = client.get(article.get_absolute_url()).content.decode()
    # Markdown is rendered and its tags dropped: no ** and no <strong> in the description.
    expected = "A summary shared by every test article: common ground."
    assert meta(html, "name", "description") == expected
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:title") == article.title


def test_topic_page_describes_itself_from_the_topic_summary(client_for, trainee, content):
    topic = content.topics.get(number=1)
    html = client_for(trainee).get(topic.get_absolute_url()).content.decode()
    assert meta(html, "name", "description") == " ".join(topic.summary.split())


def test_every_public_page_has_a_description(client, content):
    article = Article.objects.published().first()
    for path in ["/", reverse("library:index"), article.get_absolute_url(), "/accounts/login/"]:
        html = client.get(path).content.decode()
        description = meta(html, "name", "description")
        assert 20 < len(description) <= 160, (path, description)
        assert meta(html, "property", "og:description") == description


@pytest.mark.django_db
def test_a_long_description_is_cut_at_about_160_characters(client):
    article = make_article(slug="long", sections=1)
    article.summary = "word " * 100 + "<script>alert(1)</script>"
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    description = meta(html, "name", "description")
    assert len(description) <= 160
    assert description.endswith("…")
    assert "alert(1)" not in html.split("</head>")[0]
