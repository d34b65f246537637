"""The library pages: the per-section gate, samples, sign-in back to a section, references."""

import itertools
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from library.models import Article, ArticleReference
from tests.conftest import PASSWORD
from tests.library.factories import grow_article, make_article, members_marker, public_marker
from topics.models import Resource, Task

pytestmark = pytest.mark.django_db


def article_html(client, article, **params) -> str:
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def sections_in(html: str) -> dict[str, str]:
    """Each <details> section's slug and its opening tag."""
    return {
        m.group(1): m.group(0)
        for m in re.finditer(
            r'<details class="article-section[^"]*" id="section-([\w-]+)"[^>]*>', html
        )
    }


# -- who sees what ----------------------------------------------------------------------


def test_visitor_sees_every_public_part_and_no_members_part(client):
    article = make_article(slug="gated")
    html = article_html(client, article)
    for position in range(1, 7):
        assert public_marker(article, position) in html
        assert members_marker(article, position) not in html
    assert "Hidden ground" not in html
    assert html.count('class="gate-notice') == 6
    assert "6 of 6 sections continue for members" in html


def test_visitor_page_never_loads_a_members_part(client, django_assert_max_num_queries):
    article = make_article(slug="gated")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())
    section_queries = [q["sql"] for q in queries if "library_articlesection" in q["sql"]]
    assert section_queries
    for sql in section_queries:
        select_list = sql.split(" FROM ")[0]
        assert '"members_part"' not in select_list.replace('"members_part" = ', "")


def test_member_sees_every_section_whole(client_for, trainee):
    article = make_article(slug="gated")
    html = article_html(client_for(trainee), article)
    for position in range(1, 7):
        assert public_marker(article, position) in html
        assert members_marker(article, position) in html
    assert "gate-notice" not in html
    assert "you read every section in full" in html


def test_sample_article_is_whole_for_a_visitor(client):
    article = make_article(slug="free", sample=True)
    html = article_html(client, article)
    for position in range(1, 7):
        assert members_marker(article, position) in html
    assert "gate-notice" not in html
    assert "This is a sample article" in html


def test_page_says_nothing_is_hidden_where_nothing_is(client):
    article = make_article(slug="open", members_parts=False)
    html = article_html(client, article)
    assert "Nothing in this article is for members only" in html
    assert "gate-notice" not in html
    assert "Preview</span>" not in html


def test_gate_notice_links_samples_only_when_there_are_some(client):
    article = make_article(slug="gated")
    assert reverse("library:samples") not in article_html(client, article).split("<main")[1]
    make_article(slug="free", sample=True, sections=1, references=0)
    html = article_html(client, article)
    notice = re.search(r'<p class="gate-notice.*?</p>', html, re.S).group(0)
    assert "Sign in" in notice and "read sample articles" in notice
    assert f'href="{reverse("library:samples")}"' in notice


def test_unpublished_article_is_404_except_for_staff(client, client_for, trainee, admin_user):
    article = make_article(slug="draft", published=False, sections=1, references=0)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client_for(trainee).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200
    assert client.get("/library/no-such-article/").status_code == 404
    index = client_for(trainee).get(reverse("library:index")).content.decode()
    assert article.title not in index
    assert article.title in client_for(admin_user).get(reverse("library:index")).content.decode()


# -- sign-in returns to the section ---------------------------------------------------------


def test_sign_in_from_a_gated_section_returns_to_that_section(client, trainee):
    article = make_article(slug="gated")
    html = article_html(client, article)
    notice = re.search(r'id="section-section-3".*?<p class="gate-notice.*?</p>', html, re.S)
    href = unescape(re.search(r'href="(/accounts/login/\?next=[^"]+)"', notice.group(0)).group(1))
    next_url = parse_qs(urlsplit(href).query)["next"][0]
    assert next_url == f"{article.get_absolute_url()}?section=section-3#section-section-3"
    assert "%23section-section-3" in href  # the fragment travels url-encoded inside next

    login_page = client.get(href)
    assert login_page.status_code == 200
    assert next_url in unescape(login_page.content.decode())
    response = client.post(href, {"login": trainee.email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url  # allauth keeps the fragment

    back = client.get(response["Location"].split("#")[0]).content.decode()
    opened = sections_in(back)
    assert " open" in opened["section-3"]
    assert " open" not in opened["section-1"]
    assert members_marker(article, 3) in back


def test_section_parameter_opens_that_section_else_the_first(client):
    article = make_article(slug="gated", sections=3)
    default = sections_in(article_html(client, article))
    assert [" open" in tag for tag in default.values()] == [True, False, False]
    chosen = sections_in(article_html(client, article, section="section-2"))
    assert [" open" in tag for tag in chosen.values()] == [False, True, False]
    unknown = sections_in(article_html(client, article, section="<script>"))
    assert [" open" in tag for tag in unknown.values()] == [True, False, False]


def test_sections_work_without_javascript(client):
    """<details>/<summary> sections; the expand/collapse buttons come from library.js only."""
    html = article_html(client, make_article(slug="gated", sections=2))
    assert html.count("<summary") == 2
    assert "Expand all" not in html and "Collapse all" not in html
    assert "js/library.js" in html
    assert "<script>" not in html and "onclick" not in html


# -- references ---------------------------------------------------------------------------


def test_references_are_numbered_with_doi_links_and_exact_text(client):
    article = make_article(slug="cited", sections=2, references=4)
    html = article_html(client, article)
    listed = re.search(r'<ol class="references.*?</ol>', html, re.S).group(0)
    items = re.findall(r"<li id=\"reference-(\d+)\".*?</li>", listed, re.S)
    assert items == ["1", "2", "3", "4"]
    for reference in article.references.all():
        item = re.search(rf'<li id="reference-{reference.position}".*?</li>', listed, re.S)
        text = re.search(r'<span class="citation-text">(.*?)</span>', item.group(0), re.S)
        assert unescape(re.sub(r"<[^>]+>", "", text.group(1))) == reference.citation
        for link in reference.links:
            assert f'<a href="{link}"' in item.group(0)
    assert 'href="https://doi.org/10.1000/test.' in listed


def test_reference_links_a_doi_its_text_does_not_hold():
    reference = ArticleReference(citation="Smith J. A paper. 2001.", doi="10.1/abc")
    assert reference.links_not_in_citation == ["https://doi.org/10.1/abc"]
    assert str(reference.citation_html) == "Smith J. A paper. 2001."
    trailing = ArticleReference(citation="See https://doi.org/10.1/abc.", doi="10.1/abc")
    assert trailing.links_not_in_citation == []
    assert str(trailing.citation_html) == (
        'See <a href="https://doi.org/10.1/abc" rel="noopener">https://doi.org/10.1/abc</a>.'
    )
    hostile = ArticleReference(citation='<b>x</b> https://evil.example/"onmouseover=', doi="")
    assert "<b>" not in str(hostile.citation_html)
    assert "<a" not in str(hostile.citation_html)


# -- the index, the samples and the topics that use an article ------------------------------


def test_index_lists_articles_with_sample_badge_and_topics(client, content):
    make_article(slug="free", sample=True, sections=1, references=0)
    html = client.get(reverse("library:index")).content.decode()
    assert "Psychosocial interventions" in html
    assert "Article by Kim Barron" in html
    assert "Sample</span>" in html
    assert "Topic One - Motivational interviewing" in html
    assert "Topic Three - Mutual aid and fellowships" in html
    samples = client.get(reverse("library:samples")).content.decode()
    assert "Free" in samples and "Psychosocial interventions" not in samples


def test_empty_library_and_samples_say_so(client):
    assert "The library has no articles yet." in client.get("/library/").content.decode()
    assert "no sample articles yet" in client.get("/library/samples/").content.decode()


def test_article_page_lists_the_topics_that_use_it(client, content):
    article = Article.objects.get(slug="psychosocial-interventions")
    html = article_html(client, article)
    aside = html.split('id="used-in-title"')[1].split("</aside>")[0]
    assert "/modules/psycho-social-interventions/topics/1/" in aside
    assert "/modules/psycho-social-interventions/topics/3/" in aside
    assert "/topics/2/" not in aside and "/topics/4/" not in aside


def test_task_page_links_the_library_article(client_for, trainee, content):
    article = Article.objects.get(slug="psychosocial-interventions")
    for number in (1, 3):
        task = Task.objects.get(topic__module=content, topic__number=number, position=1)
        html = client_for(trainee).get(task.get_absolute_url()).content.decode()
        assert f'<a href="{article.get_absolute_url()}">Psychosocial interventions</a>' in html
        assert "In the library" in html


def test_task_page_does_not_link_an_unpublished_article(client_for, trainee, content):
    Article.objects.filter(slug="psychosocial-interventions").update(is_published=False)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    html = client_for(trainee).get(task.get_absolute_url()).content.decode()
    assert "/library/psychosocial-interventions/" not in html


def test_deleting_an_article_keeps_the_resource(content):
    Article.objects.get(slug="psychosocial-interventions").delete()
    assert Resource.objects.filter(pk__in=[23, 24], article__isnull=True).count() == 2


# -- query counts at two sizes --------------------------------------------------------------

ARTICLE_QUERIES_VISITOR = 5
ARTICLE_QUERIES_MEMBER = 6
INDEX_QUERIES_VISITOR = 3
INDEX_QUERIES_MEMBER = 5


_positions = itertools.count(100)


def link_to_tasks(article, count: int, content) -> None:
    tasks = list(Task.objects.filter(topic__module=content))
    for i in range(count):
        Resource.objects.create(
            task=tasks[i % len(tasks)],
            position=next(_positions),
            kind="article",
            title="R",
            article=article,
        )


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_article_query_count_fixed(
    role, client_for, trainee, content, django_assert_max_num_queries
):
    client = client_for(trainee if role == "member" else None)
    limit = ARTICLE_QUERIES_MEMBER if role == "member" else ARTICLE_QUERIES_VISITOR
    article = make_article(slug="sized", sections=6, references=6)
    make_article(slug="sample", sample=True, sections=1, references=0)
    link_to_tasks(article, 2, content)
    with django_assert_max_num_queries(limit):
        small = client.get(article.get_absolute_url())
    grow_article(article, sections=34, references=34)
    link_to_tasks(article, 12, content)
    with django_assert_max_num_queries(limit):
        large = client.get(article.get_absolute_url())
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("<details") == 40
    assert large.content.decode().count('<li id="reference-') == 40


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_index_query_count_fixed(role, client_for, trainee, content, django_assert_max_num_queries):
    client = client_for(trainee if role == "member" else None)
    limit = INDEX_QUERIES_MEMBER if role == "member" else INDEX_QUERIES_VISITOR
    for i in range(2):
        link_to_tasks(make_article(slug=f"a{i}", sections=2, references=1), 2, content)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse("library:index")).status_code == 200
    for i in range(2, 30):
        link_to_tasks(make_article(slug=f"a{i}", sections=3, references=1), 3, content)
    with django_assert_max_num_queries(limit):
        page = client.get(reverse("library:index"))
    assert page.status_code == 200
    assert page.content.decode().count("card-title") == 20  # paginated
    assert client.get(reverse("library:index"), {"page": 2}).status_code == 200


def test_fresh_client_sign_in_post_is_csrf_protected(trainee):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": trainee.email, "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path", ["/library/", "/library/samples/", "/library/psychosocial-interventions/",
             "/library/search/?q=peer"],
)  # fmt: skip
def test_library_pages_carry_the_strict_csp(client, content, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
