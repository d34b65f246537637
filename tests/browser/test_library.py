"""The library by keyboard: expand and collapse all, a section toggled, sign-in back to it."""

import re

from library.models import Article
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from tests.library.factories import make_article, members_marker


def open_states(page) -> list[bool]:
    return page.eval_on_selector_all("details.article-section", "els => els.map(e => e.open)")


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_expand_and_collapse_all_by_keyboard(live_server, page, axe, content):
    article = Article.objects.get(slug="psychosocial-interventions")
    page.goto(live_server.url + article.get_absolute_url())
    assert open_states(page) == [True] + [False] * 5
    axe(page)

    tab_to(page, "Expand all")
    page.keyboard.press("Enter")
    assert open_states(page) == [True] * 6
    assert page.get_by_text("He has undergone amputation").is_visible()
    axe(page)

    tab_to(page, "Collapse all")
    page.keyboard.press("Space")
    assert open_states(page) == [False] * 6
    assert not page.get_by_text("He has undergone amputation").is_visible()

    # One section by keyboard: its <summary> takes focus and toggles with Enter.
    tab_to(page, "Purpose")
    page.keyboard.press("Enter")
    assert open_states(page) == [False, True, False, False, False, False]
    assert page.get_by_text("increasing resilience").is_visible()
    page.keyboard.press("Space")
    assert open_states(page) == [False] * 6


def test_a_link_to_a_section_opens_it(live_server, page, content):
    article = Article.objects.get(slug="psychosocial-interventions")
    page.goto(f"{live_server.url}{article.get_absolute_url()}#section-case-studies")
    assert open_states(page)[4] is True
    page.goto(f"{live_server.url}{article.get_absolute_url()}#section-purpose")
    assert open_states(page)[1] is True


def test_visitor_signs_in_from_a_gated_section_and_returns_to_it(live_server, page, axe, trainee):
    article = make_article(slug="gated-reading", sections=4)
    page.goto(live_server.url + article.get_absolute_url())
    axe(page)  # the visitor's view, gate notices included
    assert members_marker(article, 3) not in page.content()
    page.get_by_role("button", name="Expand all").click()
    follow(page.get_by_role("link", name="Sign in to read the rest of Section 3"))
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    page.wait_for_url(
        re.compile(r".*/library/gated-reading/\?section=section-3#section-section-3$")
    )
    assert open_states(page) == [False, False, True, False]
    assert page.get_by_text(members_marker(article, 3)).is_visible()
    axe(page)  # the member's view


def test_index_and_search_pages_are_accessible(live_server, page, axe, content, trainee, sign_in):
    make_article(slug="sample-reading", sample=True, sections=2)
    page.goto(live_server.url + "/library/")
    axe(page)
    follow(page.get_by_role("link", name="Sample articles").first)
    axe(page)
    page.get_by_label("Search the library and modules").fill("motivational interviewing")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/library/search/\?q=motivational\+interviewing$"))
    assert "Psychosocial interventions" in page.locator(".search-results").inner_text()
    axe(page)
    page.goto(live_server.url + "/library/search/?q=")
    assert page.get_by_text("Type a word or two to search for.").is_visible()
    axe(page)
    sign_in(page, trainee.email, PASSWORD)
    page.goto(live_server.url + "/library/search/?q=study+group")
    assert "Task" in page.locator(".search-results").inner_text()
    axe(page)
    page.goto(live_server.url + "/library/")
    axe(page)


def test_library_on_a_narrow_screen(live_server, browser, content):
    context = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    page = context.new_page()
    for url in ["/library/", "/library/psychosocial-interventions/", "/library/search/?q=peer"]:
        page.goto(live_server.url + url)
        page.eval_on_selector_all(
            "details.article-section", "els => els.forEach(e => e.open = true)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    context.close()


def test_visitor_goes_from_a_gated_article_to_a_sample_and_reads_it_whole(live_server, page, axe):
    gated = make_article(slug="gated-reading", sections=3)
    sample = make_article(slug="sample-reading", sample=True, sections=3)
    page.goto(live_server.url + gated.get_absolute_url())
    actions = page.locator("#gate-actions")
    assert actions.get_by_role("link", name="Sign in").is_visible()
    follow(actions.get_by_role("link", name="Read sample articles"))
    page.wait_for_url(re.compile(r".*/library/samples/$"))
    assert page.get_by_role("heading", name="Sample articles", level=1).is_visible()
    axe(page)
    follow(page.get_by_role("link", name="Sample Reading"))
    page.wait_for_url(re.compile(r".*/library/sample-reading/$"))
    assert page.get_by_text("This is a sample article").is_visible()
    page.get_by_role("button", name="Expand all").click()
    for position in (1, 2, 3):
        assert page.get_by_text(members_marker(sample, position)).is_visible()
    assert page.locator(".gate-notice").count() == 0
    axe(page)
