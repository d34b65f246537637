"""The Barron article as the fixtures ship it: every sentence of the source on its page."""

import re
from html import unescape

import pytest

from library.models import Article
from tests.test_course_text import SEEDS, normalise, page_text, sentences

ARTICLE_TEXT = SEEDS / "004_64252fa573662dbd.txt"
# The source's gate notices and its two controls are not content.
NOT_CONTENT = {
    normalise("To view the rest of this content login below; or read sample articles."),
    normalise("Expand all"),
    normalise("Collapse all"),
}


@pytest.fixture
def barron(content) -> Article:
    return Article.objects.get(slug="psychosocial-interventions")


@pytest.mark.skipif(not ARTICLE_TEXT.exists(), reason="shared/seeds is not beside the checkout")
def test_every_sentence_of_the_article_is_on_its_page(client, barron):
    html = client.get(barron.get_absolute_url()).content.decode()
    text = page_text(html)
    source = sentences(ARTICLE_TEXT.read_text())
    wanted = [s for s in source if normalise(s) not in NOT_CONTENT]
    assert len(source) - len(wanted) == 8  # six gate notices and the two controls
    missing = [s for s in wanted if normalise(s) not in text]
    assert not missing, missing


@pytest.mark.skipif(not ARTICLE_TEXT.exists(), reason="shared/seeds is not beside the checkout")
def test_references_are_the_source_lines_exactly(barron):
    lines = ARTICLE_TEXT.read_text().splitlines()
    start = lines.index("Resources") + 1
    source_refs = [line for line in lines[start:] if line and not line.startswith("To view")]
    assert [r.citation for r in barron.references.all()] == source_refs


def test_barron_article_shape(client, barron):
    sections = list(barron.sections.all())
    assert [s.heading for s in sections] == [
        "Overview", "Purpose", "Assessment", "Procedure", "Case studies", "Resources",
    ]  # fmt: skip
    assert all(s.members_part == "" for s in sections)
    assert [s.shows_references for s in sections] == [False] * 5 + [True]
    assert not barron.is_sample and barron.author == "Kim Barron"
    html = client.get(barron.get_absolute_url()).content.decode()
    assert "Nothing in this article is for members only" in html
    assert "gate-notice" not in html
    for doi in ("10.1002/14651858.CD001088.pub4", "10.3747/co.2007.146"):
        assert f'<a href="https://doi.org/{doi}" rel="noopener">https://doi.org/{doi}</a>' in html
    nes = barron.references.get(position=5)
    assert nes.accessed_on.isoformat() == "2023-06-15" and not nes.shows_accessed_date
    assert unescape(re.sub(r"<[^>]+>", "", str(nes.citation_html))) == nes.citation
